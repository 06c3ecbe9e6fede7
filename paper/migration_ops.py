"""Migration helpers for the search columns that the articles and notices apps share."""

from django.db import migrations

from .search import search_fields


def search_index(table):
    """A GIN index on the table's tokens, with fuller statistics for the plan choice (PostgreSQL).

    The statistics of the token column tell the search how common each token is; 1,000 keeps
    the 10,000 most common tokens instead of 1,000.
    """

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"CREATE INDEX {table}_search_tokens ON {table} USING gin (search_tokens)"
        )
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_tokens SET STATISTICS 1000")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_tokens")

    return migrations.RunPython(forwards, backwards)


def fill_search_columns(app_label, model_name, text_fields):
    """Compute the search columns of the rows that exist when the columns are added."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        batch = []
        for document in model.objects.iterator(chunk_size=500):
            parts = [getattr(document, name) for name in text_fields]
            for name, value in search_fields(*parts).items():
                setattr(document, name, value)
            batch.append(document)
            if len(batch) == 500:
                model.objects.bulk_update(batch, ["search_text", "search_numbers", "search_tokens"])
                batch = []
        model.objects.bulk_update(batch, ["search_text", "search_numbers", "search_tokens"])

    return migrations.RunPython(forwards, migrations.RunPython.noop)
