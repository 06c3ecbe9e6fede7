"""A trigram index for the notice list's holder filter (PostgreSQL).

The filter (icontains on a lost item's holder) compares UPPER(holder) with LIKE '%…%'; without
an index a rare name reads every item. A GIN index of the expression's trigrams (pg_trgm)
finds a name of three characters or more at once (see articles/0007 for the same on articles).
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS lostitem_holder_trgm ON notices_lostitem "
        "USING gin ((upper(holder::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lostitem_holder_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0012_notice_other_fields"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
