"""The group 编辑 may draw, correct and remove the boxes that cover ID numbers on page scans."""

from django.db import migrations

PERMISSIONS = ["add", "change", "delete", "view"]


def grant_redaction_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="编辑")
    for action in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="paper", codename=f"{action}_pageredaction"
            )
        )


def revoke_redaction_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="编辑"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="paper", content_type__model="pageredaction"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0008_resident_ids_masked"),
        ("paper", "0003_page_redaction"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_redaction_permissions, revoke_redaction_permissions),
    ]
