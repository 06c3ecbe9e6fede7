"""The group 编辑 may draw, correct and remove the zones of articles and notices."""

from django.db import migrations

ZONE_PERMISSIONS = [
    ("articles", "articlezone", ["add", "change", "delete", "view"]),
    ("notices", "noticezone", ["add", "change", "delete", "view"]),
]


def grant_zone_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="编辑")
    for app_label, model, actions in ZONE_PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def revoke_zone_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="编辑"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label__in=["articles", "notices"],
                content_type__model__in=["articlezone", "noticezone"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0005_notice_zones"),
        ("articles", "0004_article_zones"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_zone_permissions, revoke_zone_permissions),
    ]
