"""A trigram index for the notice list's number filter (PostgreSQL).

The filter (notices.models.number_condition) asks for items whose normalised number holds
the digits typed, LIKE '%682686%'; the btree on number_key serves only a prefix, so every item
was read (27–31 ms at 356,000 items, and as much again for the count). pg_trgm's GIN index finds
three characters or more at once; pg_trgm itself comes with 0013.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS lostitem_number_key_trgm ON notices_lostitem "
        "USING gin (number_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lostitem_number_key_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0019_holder_characters_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
