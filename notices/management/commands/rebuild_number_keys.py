"""Recompute the lookup keys of every lost item's number: ``manage.py rebuild_number_keys``.

Saving an item keeps its keys current; this is for what changes them all at once: a new
``DJANGO_RESIDENT_ID_KEY`` (the digests by which an exact resident ID finds its notice) or a
change of the masking rule. In batches, so that memory stays flat on a large archive.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notices.models import LostItem
from paper.text import number_keys


class Command(BaseCommand):
    help = "重新计算遗失证件号码的查询键(身份证号码的掩码与密钥摘要),分批进行。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        total, done, last_pk = LostItem.objects.count(), 0, 0
        while batch := list(
            LostItem.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", "number")[:batch_size]
        ):
            for item in batch:
                item.number_key, item.number_digests = number_keys(item.number)
            with transaction.atomic():
                LostItem.objects.bulk_update(batch, ["number_key", "number_digests"])
            done += len(batch)
            last_pk = batch[-1].pk
            if options["verbosity"]:
                self.stdout.write(f"lost items: {done}/{total}")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"lost items: {done} number keys computed"))
