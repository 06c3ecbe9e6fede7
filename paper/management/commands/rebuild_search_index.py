"""Recompute the search columns of every article and notice.

Saving a document keeps its search columns current; this command is for what bypasses
``save()`` (fixtures, bulk SQL, a change of the normalisation rules), in batches so that
memory stays flat on a large archive.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from paper.models import SEARCH_FIELDS, Searchable


def searchable_models():
    """Every model the search covers, by its app's label: {"articles": Article, …}."""
    return {
        model._meta.app_label: model for model in apps.get_models() if issubclass(model, Searchable)
    }


class Command(BaseCommand):
    help = "Recompute the search index of articles and notices, in batches, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--only", choices=sorted(searchable_models()), help="rebuild one kind of document only"
        )

    def handle(self, *args, batch_size, only, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        for name, model in searchable_models().items():
            if only and name != only:
                continue
            self.rebuild(name, model, batch_size, options["verbosity"])

    def rebuild(self, name, model, batch_size, verbosity):
        total = model.objects.count()
        done = 0
        last_pk = 0
        while True:
            batch = list(model.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            for document in batch:
                document.update_search_fields()
            with transaction.atomic():
                model.objects.bulk_update(batch, SEARCH_FIELDS)
            done += len(batch)
            last_pk = batch[-1].pk
            if verbosity:
                self.stdout.write(f"{name}: {done}/{total}")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{name}: {done} documents indexed"))
