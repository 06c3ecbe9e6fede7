"""Render page images again: where they went missing, or for every page after a renderer change.

Pages are rendered when their file is attached; this command is for the rest of the time. It
renders the pages whose images are missing (or all of them with --force), one line per page.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from paper.models import Issue, Page
from paper.page_files import render_stored_page
from paper.page_rendering import PageFileError


class Command(BaseCommand):
    help = "为已附文件的版面生成阅读图和缩略图:缺图的版面,或用 --force 全部重新生成。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="只处理这一期,例如 2024-10-22。"
        )
        parser.add_argument("--force", action="store_true", help="已有图片的版面也重新生成。")

    def handle(self, *args, date=None, force=False, **options):
        pages = Page.objects.exclude(file="").select_related("issue")
        if date:
            if not Issue.objects.filter(date=date).exists():
                raise CommandError(f"没有 {date} 这一期报纸。")
            pages = pages.filter(issue__date=date)
        pages = list(pages.order_by("issue__date", "order", "code"))
        failures = []
        rendered = 0
        for number, page in enumerate(pages, start=1):
            label = f"[{number}/{len(pages)}] {page.issue.date} {page.code}"
            started = time.perf_counter()
            try:
                done = render_stored_page(page, force=force)
            except (PageFileError, OSError) as error:
                failures.append(f"{page.issue.date} {page.code}({page.file.name}):{error}")
                self.stderr.write(f"{label} {page.file.name}:{error}")
                continue
            if done:
                rendered += 1
                seconds = time.perf_counter() - started
                message = f"{label} {page.image_width}×{page.image_height} 用时 {seconds:.2f} 秒"
            else:
                message = f"{label} 图片已有,跳过"
            if options["verbosity"] >= 1:
                self.stdout.write(message)
        if failures:
            raise CommandError(f"{len(failures)} 个版面未能生成图片:\n" + "\n".join(failures))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"生成了 {rendered} 个版面的图片。"))
