"""Statistics on what the article list's text filters compare (PostgreSQL).

The source, author and column filters (icontains) compare UPPER(field) with a LIKE pattern.
Without statistics on that expression PostgreSQL guesses a handful of rows, joins the issues
in a nested loop, and a common value (本报讯 is half the archive) takes seconds on 100,000
articles and minutes on a million. Expression statistics give the planner the common values;
unlike an index they cost nothing when articles are written. ANALYZE fills them at once here
and autovacuum keeps them up to date.
"""

from django.db import migrations

STATISTICS = {
    "article_source_upper": "source",
    "article_byline_upper": "byline",
    "article_column_upper": '"column"',
}


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in STATISTICS.items():
        # The expression as Django writes it for icontains: UPPER("column"::text).
        schema_editor.execute(
            f"CREATE STATISTICS {name} ON (upper({column}::text)) FROM articles_article"
        )
    schema_editor.execute("ANALYZE articles_article")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_zones"),
    ]

    operations = [
        migrations.RunPython(create_statistics, drop_statistics),
    ]
