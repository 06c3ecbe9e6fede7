"""Attach a folder of page files (A01.pdf, A02.pdf …) to an issue's pages, by page code.

The same work as ``import_issue … --pages DIR`` for an issue already in the archive; ``make
run`` uses it to give the sample issue its page images. One bad file changes nothing.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from paper.models import Issue
from paper.page_files import attach_page_files
from paper.page_rendering import PageFileError


class Command(BaseCommand):
    help = "把目录里的版面文件(A01.pdf、A02.png …)按版号附到某一期的版面上,生成图片并识别热区。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="放版面文件的目录,文件以版号命名,例如 A01.pdf。")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            required=True,
            help="哪一期,例如 2024-10-22。",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查文件,不保存。")

    def handle(self, *args, directory, date, dry_run=False, **options):
        issue = Issue.objects.filter(date=date).first()
        if issue is None:
            raise CommandError(f"没有 {date} 这一期报纸。")
        try:
            attached = attach_page_files(issue, directory, dry_run=dry_run)
        except PageFileError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            for page, path, zones in attached:
                found = "" if dry_run else f",找到热区 {zones} 个"
                self.stdout.write(f"{page.code} {page.name}:{path.name}{found}")
            verb = "检查了" if dry_run else "附上了"
            self.stdout.write(self.style.SUCCESS(f"{issue}:{verb} {len(attached)} 个版面文件。"))
