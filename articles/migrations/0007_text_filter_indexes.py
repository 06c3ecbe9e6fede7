"""Trigram indexes for the article list's text filters (PostgreSQL).

The source, author and column filters (icontains) compare UPPER(field) with LIKE '%…%'. The
expression statistics of 0005 let the planner walk the date index for a common value; a rare
one, or one found nowhere, read every article (0.3 s on a million). A GIN index of the
expression's trigrams (pg_trgm) finds the rows holding a value of three characters or more at
once; a value of one or two characters, which has no trigram, is still read row by row.
"""

from django.db import migrations

INDEXES = {
    "article_source_trgm": "source",
    "article_byline_trgm": "byline",
    "article_column_trgm": '"column"',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        # The expression as Django writes it for icontains: UPPER("column"::text).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON articles_article "
            f"USING gin ((upper({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_printed_item"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
