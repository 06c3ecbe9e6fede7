"""The document types the seed's card covers as 其它各类证件, the names documents are printed
under (aliases), the 残疾人证 number's check; the group 编辑 may see the aliases.

Frozen data: later changes in the admin are the editors', and this migration does not know them.
Types and aliases an editor has already made are left as they are.
"""

from django.db import migrations

# In the category of 其他证件 (400 元): (name, number format, number label, measure word).
NEW_TYPES = [
    ("驾驶证", "resident_id", "证号", ""),
    ("行驶证", "free", "编号", ""),
    ("开户许可证", "free", "核准号", ""),
    ("号牌", "free", "号牌号码", "副"),
]
OTHER_DOCUMENTS = "其他证件"

# The number formats this migration sets on a type of 0002's card.
NUMBER_FORMATS = [("残疾证", "disability_card")]

ALIASES = {
    "房产证": ["不动产权证书", "不动产权证", "房屋所有权证", "房屋产权证"],
    "土地证": ["国有土地使用证", "土地使用权证", "集体土地使用证", "农村土地承包经营权证"],
    "营运证": ["道路运输证", "出租汽车营运证"],
    "财务章": ["财务专用章"],
    "印章": [
        "合同专用章",
        "发票专用章",
        "业务专用章",
        "名章",
        "法定代表人名章",
        "法人章",
        "法人名章",
        "人名章",
        "税务专用章",
    ],
    "支票": ["现金支票", "转账支票"],
    "发票": ["增值税专用发票", "增值税普通发票", "机动车销售统一发票"],
    "收据": ["收款收据"],
    "资格证": [
        "教师资格证",
        "护士执业证书",
        "医师资格证书",
        "从业资格证",
        "道路运输从业资格证",
        "资格证书",
        "律师执业证",
    ],
    "代码证": ["组织机构代码证"],
    "国籍证书": ["船舶国籍证书", "渔业船舶国籍证书"],
    "登记证": ["渔业船舶登记证", "船舶登记证"],
    "驾驶证": ["机动车驾驶证"],
    "行驶证": ["机动车行驶证"],
    "开户许可证": ["基本存款账户开户许可证"],
    "号牌": ["机动车号牌", "小型汽车号牌", "车辆号牌"],
    "身份证": ["居民身份证", "第二代居民身份证"],
    "户口本": ["户口簿"],
    "出生证明": ["出生医学证明"],
    "残疾证": ["残疾人证"],
    "失业证": ["就业失业登记证"],
    # A vehicle's 登记证书 is not the card's 登记证 (of a vessel), though it contains the name.
    "其他证件": ["机动车登记证书"],
}

ALIAS_PERMISSIONS = ["view"]


def add_types_and_aliases(apps, schema_editor):
    DocumentType = apps.get_model("notices", "DocumentType")
    DocumentAlias = apps.get_model("notices", "DocumentAlias")
    other = DocumentType.objects.filter(name=OTHER_DOCUMENTS).first()
    category = (
        other.category
        if other
        else apps.get_model("notices", "RateCategory").objects.filter(price=400).first()
    )
    if category is not None:
        for name, number_format, number_label, measure_word in NEW_TYPES:
            DocumentType.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "number_format": number_format,
                    "number_label": number_label,
                    "measure_word": measure_word,
                },
            )
    for name, number_format in NUMBER_FORMATS:
        DocumentType.objects.filter(name=name, number_format="free").update(
            number_format=number_format
        )
    types = DocumentType.objects.in_bulk(list(ALIASES), field_name="name")
    taken = set(DocumentType.objects.values_list("name", flat=True))
    taken |= set(DocumentAlias.objects.values_list("name", flat=True))
    DocumentAlias.objects.bulk_create(
        DocumentAlias(document_type=types[type_name], name=alias)
        for type_name, aliases in ALIASES.items()
        if type_name in types
        for alias in aliases
        if alias not in taken
    )


def remove_types_and_aliases(apps, schema_editor):
    """Back to 0002's card: the new types' items become 其他证件 again, under their names."""
    DocumentType = apps.get_model("notices", "DocumentType")
    LostItem = apps.get_model("notices", "LostItem")
    all_aliases = [alias for aliases in ALIASES.values() for alias in aliases]
    apps.get_model("notices", "DocumentAlias").objects.filter(name__in=all_aliases).delete()
    # The choice goes with the migration before: no type may keep it.
    DocumentType.objects.filter(number_format="disability_card").update(number_format="free")
    other = DocumentType.objects.filter(name=OTHER_DOCUMENTS).first()
    for name, *_ in NEW_TYPES:
        items = LostItem.objects.filter(document_type__name=name)
        if other is not None:
            items.filter(document_name="").update(document_name=name)
            items.update(document_type=other)
        DocumentType.objects.filter(name=name).delete()


def grant_alias_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="编辑")
    for action in ALIAS_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="notices", codename=f"{action}_documentalias"
            )
        )


def revoke_alias_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="编辑"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="notices", content_type__model="documentalias"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0010_document_aliases"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(add_types_and_aliases, remove_types_and_aliases),
        migrations.RunPython(grant_alias_permissions, revoke_alias_permissions),
    ]
