"""The rate card printed in the seed issue (公告栏), the ad desk's phones, and the 编辑 group."""

from django.db import migrations

# (category as printed, price in yuan, [(document type, number format, number label, measure)])
RATE_CARD = [
    (
        "房产证、土地证、营运证、营业执照",
        800,
        [
            ("房产证", "free", "编号", ""),
            ("土地证", "free", "编号", ""),
            ("营运证", "free", "编号", ""),
            ("营业执照", "credit_code", "统一社会信用代码", ""),
        ],
    ),
    (
        "公章、财务章、各类印章(个)、支票、发票、收据(张)、税务登记证、资格证、代码证、"
        "通用各类证件(个)及其它各类证件",
        400,
        [
            ("公章", "free", "编号", "枚"),
            ("财务章", "free", "编号", "枚"),
            ("印章", "free", "编号", "枚"),
            ("支票", "free", "号码", "张"),
            ("发票", "free", "票号", "张"),
            ("收据", "free", "票号", "张"),
            ("税务登记证", "free", "编号", ""),
            ("资格证", "free", "编号", ""),
            ("代码证", "free", "编号", ""),
            ("国籍证书", "free", "编号", ""),
            ("登记证", "free", "编号", ""),
            ("其他证件", "free", "编号", ""),
        ],
    ),
    (
        "身份证、工作证、户口本、出生证明、下岗证(个)",
        150,
        [
            ("身份证", "resident_id", "号码", ""),
            ("工作证", "free", "编号", ""),
            ("户口本", "free", "编号", ""),
            ("出生证明", "free", "编号", ""),
            ("下岗证", "free", "编号", ""),
        ],
    ),
    (
        "残疾证、学生证、失业证(个)",
        20,
        [
            ("残疾证", "free", "编号", ""),
            ("学生证", "free", "编号", ""),
            ("失业证", "free", "编号", ""),
        ],
    ),
]

AD_DESK_PHONES = ["6631203", "6631205"]

EDITOR_PERMISSIONS = [
    ("articles", "article", ["add", "change", "view"]),
    ("notices", "notice", ["add", "change", "view"]),
    ("notices", "lostitem", ["add", "change", "delete", "view"]),
    ("notices", "weddingdetails", ["add", "change", "delete", "view"]),
    ("notices", "documenttype", ["view"]),
    ("notices", "ratecategory", ["view"]),
    ("notices", "addeskphone", ["view"]),
    ("paper", "issue", ["add", "change", "view"]),
    ("paper", "page", ["add", "change", "view"]),
]


def load_rate_card(apps, schema_editor):
    RateCategory = apps.get_model("notices", "RateCategory")
    DocumentType = apps.get_model("notices", "DocumentType")
    AdDeskPhone = apps.get_model("notices", "AdDeskPhone")
    for order, (name, price, types) in enumerate(RATE_CARD, start=1):
        category = RateCategory.objects.create(name=name, price=price, order=order)
        for type_name, number_format, number_label, measure_word in types:
            DocumentType.objects.create(
                name=type_name,
                category=category,
                number_format=number_format,
                number_label=number_label,
                measure_word=measure_word,
            )
    for order, number in enumerate(AD_DESK_PHONES, start=1):
        AdDeskPhone.objects.create(number=number, label="公告栏", order=order)


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="编辑")
    for app_label, model, actions in EDITOR_PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def remove_rate_card(apps, schema_editor):
    apps.get_model("notices", "DocumentType").objects.all().delete()
    apps.get_model("notices", "RateCategory").objects.all().delete()
    apps.get_model("notices", "AdDeskPhone").objects.all().delete()


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="编辑").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("articles", "0001_initial"),
        ("paper", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_rate_card, remove_rate_card),
        migrations.RunPython(create_editors_group, remove_editors_group),
    ]
