"""Read the text of every scanned page of a range of days (OCR), into draft articles and notices.

Pages printed before the digital workflow exist only as scans; this command works through
those of the days asked for that have no text yet (no text layer, not read before), page by
page (paper.ocr.pipeline). It can be stopped and run again: a page is read and written in one
go, pages already read are skipped, and one page that cannot be read is reported while the
rest carry on. The command exits non-zero naming the pages that failed.

With OCR_BROKER_URL set, each page is sent to the Celery workers as a task instead (paper.ocr
.tasks; as many machines as there are workers) and the command follows their progress in the
database; without it, it reads the pages itself.
"""

import argparse
import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from tqdm import tqdm

from paper.models import Page, PageRecognition, RecognitionStatus
from paper.ocr.pipeline import RecognitionFailed, lease, pending, recognise_page

BAR_FORMAT = (
    "{desc}{percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} 版 "
    "[已用 {elapsed},还要 {remaining}{postfix}]"
)
FINISHED = (RecognitionStatus.DONE, RecognitionStatus.FAILED)
POLL_SECONDS = 1.0


def day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        # argparse's own error: a usage line and exit status 2 on the command line, a
        # CommandError through call_command (a CommandError raised here is a traceback).
        raise argparse.ArgumentTypeError(
            f"日期 {value} 不对,请写成 YYYY-MM-DD,例如 2024-10-22。"
        ) from error


def label(page):
    return f"{page.issue.date} {page.code}"


class Command(BaseCommand):
    help = (
        "识别一段日期内扫描版面的文字(OCR),生成待核对的文章和公告草稿;已识别的版面跳过,"
        "可中断后重新运行。设置了 OCR_BROKER_URL 时交给 Celery worker 执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date-from", type=day, required=True, help="从这一天,例如 1994-01-01。"
        )
        parser.add_argument("--date-to", type=day, required=True, help="到这一天(含)。")
        parser.add_argument("--force", action="store_true", help="已识别的版面也重新识别。")
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出要识别的版面,不识别,不写入。"
        )
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="(设置了 OCR_BROKER_URL 时)把版面交给 Celery 后即退出,不等识别完成;"
            "之后用 --dry-run 运行同一命令可查看还剩多少版面。",
        )

    def handle(self, *args, date_from, date_to, force, dry_run, no_wait, verbosity, **options):
        if date_from > date_to:
            raise CommandError(f"开始日期 {date_from} 晚于结束日期 {date_to}。")
        self.verbosity = verbosity
        in_range = Page.objects.filter(issue__date__range=(date_from, date_to))
        pages = list(
            pending(in_range, force=force)
            .select_related("issue")
            .order_by("issue__date", "order", "code")
        )
        done_before = pending(in_range, force=True).count() - len(pages)
        if verbosity >= 1:
            self.stdout.write(
                f"{date_from} 至 {date_to}:要识别 {len(pages)} 个版面"
                + (f",跳过已识别的 {done_before} 个。" if done_before else "。")
            )
        if dry_run:
            if verbosity >= 2:
                for page in pages:
                    self.stdout.write(f"  {label(page)} {page.file.name}")
            return
        if not pages:
            return
        started = time.monotonic()
        try:
            if settings.OCR_BROKER_URL and no_wait:
                self.send(pages, force)
                return
            if settings.OCR_BROKER_URL:
                failures, notes = self.send_to_workers(pages, force)
            else:
                failures, notes = self.read_here(pages, force)
        except (OperationalError, InterfaceError) as error:
            raise CommandError(
                f"数据库连接中断({error});已识别的版面都已保存,"
                "数据库恢复后重新运行同一命令即可继续。"
            ) from error
        except KeyboardInterrupt:
            queued = (
                "交给 Celery 的版面仍在队列中,由 worker 继续识别;"
                if settings.OCR_BROKER_URL
                else ""
            )
            raise CommandError(
                f"已中断。已识别的版面都已保存,没有写了一半的版面;{queued}"
                "重新运行同一命令即可继续。",
                returncode=130,
            ) from None
        minutes = (time.monotonic() - started) / 60
        if verbosity >= 1:
            for page, message in notes:
                self.stdout.write(self.style.WARNING(f"{label(page)}:{message}"))
            done = len(pages) - len(failures)
            self.stdout.write(
                self.style.SUCCESS(
                    f"识别了 {done} 个版面,用时 {minutes:.1f} 分钟"
                    f"({len(pages) / max(minutes, 1e-9):.1f} 版/分钟)。"
                )
            )
        if failures:
            raise CommandError(
                f"{len(failures)} 个版面识别失败:\n"
                + "\n".join(f"{label(page)}({page.file.name}):{error}" for page, error in failures)
            )

    def progress(self, total):
        return tqdm(
            total=total,
            unit="版",
            file=getattr(self.stderr, "_out", self.stderr),
            bar_format=BAR_FORMAT,
            disable=self.verbosity < 1,
            dynamic_ncols=True,
        )

    def show_rate(self, bar, started):
        minutes = (time.monotonic() - started) / 60
        if bar.n and minutes:
            bar.set_postfix_str(f",{bar.n / minutes:.1f} 版/分钟", refresh=False)

    def read_here(self, pages, force):
        """Read the pages in this process, one after another."""
        failures, notes = [], []
        started = time.monotonic()
        with self.progress(len(pages)) as bar:
            for page in pages:
                bar.set_description_str(f"{label(page)} ", refresh=True)
                try:
                    recognition = recognise_page(page, force=force)
                except RecognitionFailed as error:
                    failures.append((page, str(error)))
                    bar.write(f"{label(page)} 识别失败:{error}", file=bar.fp)
                else:
                    if recognition.skipped:
                        bar.write(f"{label(page)} 已在别处识别,跳过", file=bar.fp)
                    elif recognition.message:
                        notes.append((page, recognition.message))
                bar.update(1)
                self.show_rate(bar, started)
        return failures, notes

    def send(self, pages, force):
        """One Celery task per page, and a word on who will read them."""
        from paper.ocr.tasks import send_pages, workers_listening

        queue = settings.OCR_QUEUE
        try:
            send_pages(pages, force=force)
            workers = workers_listening(queue)
        except BrokerError as error:
            raise CommandError(
                f"无法把任务交给消息队列 {settings.OCR_BROKER_URL}:{error}"
            ) from error
        if self.verbosity >= 1:
            self.stdout.write(f"已把 {len(pages)} 个版面交给 Celery(队列 {queue})。")
            if workers:
                self.stdout.write(f"在识别的 worker:{'、'.join(workers)}。")
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"现在没有 worker 在处理队列 {queue}:版面在队列中等着,"
                        f"启动 worker 后才开始识别(celery -A paper worker -Q {queue})。"
                    )
                )

    def send_to_workers(self, pages, force):
        """One Celery task per page; then follow the pages' readings in the database."""
        from paper.ocr.tasks import recognise_page_task

        ids = [page.pk for page in pages]
        self.send(pages, force)
        if self.verbosity >= 1:
            self.stdout.write("等待 worker 识别……(Ctrl-C 只停止等待,任务留在队列中)")
        started = time.monotonic()
        by_id = {page.pk: page for page in pages}
        resent = {}
        with self.progress(len(pages)) as bar:
            while True:
                rows = PageRecognition.objects.filter(page_id__in=ids)
                finished = rows.filter(status__in=FINISHED).count()
                bar.update(finished - bar.n)
                self.show_rate(bar, started)
                bar.refresh()
                if finished == len(ids):
                    break
                for page_id in stale_claims(rows):
                    # Its worker died holding it: the page goes to the queue again, once a lease.
                    if time.monotonic() - resent.get(page_id, -1e9) > lease().total_seconds():
                        resent[page_id] = time.monotonic()
                        recognise_page_task.apply_async((page_id,), {"force": force})
                time.sleep(POLL_SECONDS)
        failures, notes = [], []
        for page_id, status, message in rows.values_list("page_id", "status", "message"):
            if status == RecognitionStatus.FAILED:
                failures.append((by_id[page_id], message))
            elif message:
                notes.append((by_id[page_id], message))
        order = {page.pk: index for index, page in enumerate(pages)}
        return sorted(failures, key=lambda row: order[row[0].pk]), sorted(
            notes, key=lambda row: order[row[0].pk]
        )


def stale_claims(rows):
    """The pages whose claim is older than a lease: their run died."""
    return list(
        rows.filter(
            status=RecognitionStatus.RUNNING, claimed_at__lt=timezone.now() - lease()
        ).values_list("page_id", flat=True)
    )
