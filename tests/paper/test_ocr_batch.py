"""Batches of OCR: `manage.py ocr_pages` in its own process and through real Celery workers."""

import contextlib
import datetime
import io
import os
import signal
import socket
import subprocess
import sys
import time
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from paper.celery import app as celery_app
from paper.celery import reconfigure
from paper.models import Page, PageRecognition
from paper.ocr.tasks import recognise_page_task
from tests.factories import make_issue, make_scanned_page, make_text_scan

BROKER_URL = "redis://127.0.0.1:6379/8"
RESULT_URL = "redis://127.0.0.1:6379/9"
SHORT_PAGE = [
    (60, 60, 40, "港口新建泊位投入使用", True),
    (60, 140, 24, "本报讯 新建的两个泊位昨天投入使用。", False),
]


def scanned_days(days, pages_per_day=1):
    """Scanned pages on consecutive days from 1994-05-01; returns them in date order."""
    pages = []
    for offset in range(days):
        issue = make_issue(date=datetime.date(1994, 5, 1) + datetime.timedelta(days=offset))
        for _ in range(pages_per_day):
            pages.append(make_scanned_page(make_text_scan(SHORT_PAGE), issue))
    return pages


def break_file(page):
    with default_storage.open(page.file.name, "wb") as stored:
        stored.write(b"\x89PNG\r\n\x1a\n broken")


def ocr_pages(*args):
    out, err = StringIO(), StringIO()
    call_command("ocr_pages", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def statuses(pages):
    rows = dict(PageRecognition.objects.values_list("page_id", "status"))
    return [rows.get(page.pk) for page in pages]


@pytest.mark.django_db
def test_a_batch_reads_every_scan_in_the_range_and_reports_the_one_that_fails():
    pages = scanned_days(3)
    outside = make_scanned_page(
        make_text_scan(SHORT_PAGE), make_issue(date=datetime.date(1994, 6, 1))
    )
    break_file(pages[1])
    with pytest.raises(CommandError) as failed:
        ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-31")
    assert "1 个版面识别失败" in str(failed.value)
    assert "1994-05-02 A01" in str(failed.value) and "损坏" in str(failed.value)
    assert statuses(pages) == ["done", "failed", "done"]
    assert statuses([outside]) == [None]


@pytest.mark.django_db
def test_a_batch_run_again_skips_what_is_done_and_carries_on():
    pages = scanned_days(3)
    call_command("ocr_pages", "--date-from", "1994-05-01", "--date-to", "1994-05-01", verbosity=0)
    first = PageRecognition.objects.get(page=pages[0])
    # An earlier run on this machine was killed while it read the second page.
    PageRecognition.objects.create(
        page=pages[1],
        status=PageRecognition.Status.RUNNING,
        claimed_by=f"{socket.gethostname()}:999999999",
        claimed_at=timezone.now(),
        attempts=1,
    )
    out, err = ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-03")
    assert "要识别 2 个版面,跳过已识别的 1 个" in out
    assert "2/2" in err and "版/分钟" in err  # the progress bar
    assert statuses(pages) == ["done", "done", "done"]
    again = PageRecognition.objects.get(page=pages[0])
    assert (again.attempts, again.finished_at) == (1, first.finished_at)
    assert PageRecognition.objects.get(page=pages[1]).attempts == 2


@pytest.mark.django_db
def test_ctrl_c_while_a_page_is_written_leaves_nothing_of_it_and_the_next_run_reads_it(
    monkeypatch,
):
    """Interrupted after the drafts of the second page were written but before its reading
    was: the page's transaction is undone whole, and the page is given back."""
    from paper.ocr import drafts

    pages = scanned_days(2)
    images = [page.image.name for page in pages]
    write = drafts.write_recognised_page
    written = []

    def interrupted(page, recognition, layout=None):
        written.append(write(page, recognition, layout))
        if len(written) == 2:
            raise KeyboardInterrupt
        return written[-1]

    monkeypatch.setattr(drafts, "write_recognised_page", interrupted)
    with pytest.raises(CommandError) as stopped:
        ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-02")
    assert stopped.value.returncode == 130 and "重新运行" in str(stopped.value)
    assert written[1], "the drafts were written before the interruption"
    assert statuses(pages) == ["done", "queued"]
    second = PageRecognition.objects.get(page=pages[1])
    assert (second.claimed_by, second.data) == ("", {})
    assert not any(model.objects.filter(page=pages[1]).exists() for model in printed_models())
    assert [page.image.name for page in Page.objects.order_by("issue__date")] == images

    monkeypatch.undo()
    ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-02")
    assert statuses(pages) == ["done", "done"]
    assert any(model.objects.filter(page=pages[1]).exists() for model in printed_models())


def printed_models():
    from paper.models import printed_item_models

    return printed_item_models()


@pytest.mark.django_db
def test_a_blank_page_is_no_failure_but_the_editor_is_told():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(buffer, "PNG")
    page = make_scanned_page(buffer.getvalue(), make_issue(date=datetime.date(1994, 5, 1)))
    out, _ = ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-01")
    assert "1994-05-01 A01:未在扫描图上找到文字" in out and "识别了 1 个版面" in out
    assert statuses([page]) == ["done"]


@pytest.mark.django_db
def test_a_dry_run_lists_the_pages_and_writes_nothing():
    scanned_days(2)
    out, _ = ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-02", "--dry-run", "-v2")
    assert "要识别 2 个版面" in out and "1994-05-02 A01" in out
    assert not PageRecognition.objects.exists()


@pytest.mark.django_db
def test_a_bad_range_is_refused():
    with pytest.raises(CommandError, match="晚于"):
        ocr_pages("--date-from", "1994-05-02", "--date-to", "1994-05-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        ocr_pages("--date-from", "1994-5-1x", "--date-to", "1994-05-01")


def test_a_bad_date_on_the_command_line_is_a_message_not_a_traceback():
    run = subprocess.run(
        [sys.executable, "manage.py", "ocr_pages", "--date-from", "2024-13-01", "--date-to", "x"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SECRET_KEY": "test-only"},
    )
    assert run.returncode == 2
    assert "日期 2024-13-01 不对,请写成 YYYY-MM-DD" in run.stderr
    assert "Traceback" not in run.stderr


# --- Through Celery: a real worker process, the real Redis broker ----------------------------


@pytest.fixture
def celery_worker(transactional_db, media_root, settings, tmp_path):
    """`celery -A paper worker` in a subprocess, on the test database and media folder, fed
    by the real Redis through a queue of this run's own; stopped with a warm shutdown."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    with worker_process(settings, media_root, tmp_path, url) as (worker, _):
        yield worker


@pytest.fixture
def prefork_worker(transactional_db, media_root, settings, tmp_path):
    """A worker of one prefork process, the pool production runs."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    with worker_process(settings, media_root, tmp_path, url, pool="prefork", count=1) as found:
        yield found[0]


@pytest.fixture
def worker_log_without_database(transactional_db, media_root, settings, tmp_path):
    """A worker whose database does not answer (nothing listens on its port); its log."""
    url = "postgres://postgres@127.0.0.1:1/nowhere"
    with worker_process(settings, media_root, tmp_path, url) as (_, log):
        yield log


@contextlib.contextmanager
def worker_process(settings, media_root, tmp_path, database_url, pool="threads", count=2):
    queue = f"test-ocr-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "OCR_BROKER_URL": BROKER_URL,
        "OCR_RESULT_BACKEND": RESULT_URL,
        "OCR_QUEUE": queue,
    }
    settings.OCR_BROKER_URL, settings.OCR_QUEUE = BROKER_URL, queue
    saved = {key: celery_app.conf[key] for key in CONF_KEYS}
    reconfigure(broker_url=BROKER_URL, result_backend=RESULT_URL, task_default_queue=queue)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "paper",
            "worker",
            f"--pool={pool}",
            "-c",
            str(count),
        ]
        + ["-Q", queue, "-n", f"{queue}@%h", "-l", "INFO", "-f", str(log)]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_log(log, "ready.", worker)
        yield worker, log
    finally:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: the task in hand is finished
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        reconfigure(**saved)
        client = redis.Redis.from_url(BROKER_URL)
        client.delete(*broker_keys(queue))
        client.close()


def wait_for_log(log, text, worker=None, timeout=60):
    deadline = time.monotonic() + timeout
    while text not in (log.read_text() if log.exists() else ""):
        assert worker is None or worker.poll() is None, "the worker stopped:\n" + log.read_text()
        assert time.monotonic() < deadline, f"no {text!r} in the worker's log:\n" + (
            log.read_text() if log.exists() else ""
        )
        time.sleep(0.2)


CONF_KEYS = ["broker_url", "result_backend", "task_default_queue"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_sent_twice_reads_its_page_once(celery_worker):
    """Two worker threads take the two at once: one reads, the other finds it claimed."""
    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    results = [recognise_page_task.apply_async((page.pk,), ignore_result=False) for _ in range(2)]
    answers = [result.get(timeout=120) for result in results]
    for result in results:
        result.forget()
    assert sorted(answer["skipped"] for answer in answers) == [False, True]
    recognition = PageRecognition.objects.get(page=page)
    assert recognition.status == "done" and recognition.attempts == 1
    assert recognition.claimed_by in {f"celery:{result.id}" for result in results}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_batch_sends_its_pages_to_the_workers_and_follows_them(celery_worker):
    pages = scanned_days(3)
    break_file(pages[2])
    with pytest.raises(CommandError) as failed:
        ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-03")
    assert "1994-05-03 A01" in str(failed.value) and "损坏" in str(failed.value)
    assert statuses(pages) == ["done", "done", "failed"]
    assert [row.attempts for row in PageRecognition.objects.order_by("page__issue__date")] == [
        1,
        1,
        1,
    ]
    # Run again: only the failed page is sent, and the others are left as they are.
    out, _ = ocr_pages_ignoring_failure("--date-from", "1994-05-01", "--date-to", "1994-05-03")
    assert "要识别 1 个版面,跳过已识别的 2 个" in out
    assert Page.objects.count() == 3
    assert f"在识别的 worker:{settings.OCR_QUEUE}@" in out


@pytest.fixture
def broker_without_worker(settings):
    """The real Redis as the broker, with a queue of this run's own that no worker consumes."""
    queue = f"test-ocr-idle-{os.getpid()}-{time.monotonic_ns()}"
    settings.OCR_BROKER_URL, settings.OCR_QUEUE = BROKER_URL, queue
    saved = {key: celery_app.conf[key] for key in CONF_KEYS}
    reconfigure(broker_url=BROKER_URL, result_backend=RESULT_URL, task_default_queue=queue)
    client = redis.Redis.from_url(BROKER_URL)
    try:
        yield client, queue
    finally:
        reconfigure(**saved)
        client.delete(*broker_keys(queue))
        client.close()


@pytest.mark.django_db
def test_pages_sent_with_no_worker_listening_are_queued_and_the_operator_told(
    broker_without_worker, media_root
):
    client, queue = broker_without_worker
    pages = scanned_days(2)
    out, _ = ocr_pages("--date-from", "1994-05-01", "--date-to", "1994-05-02", "--no-wait")
    assert f"已把 2 个版面交给 Celery(队列 {queue})" in out
    assert f"现在没有 worker 在处理队列 {queue}" in out
    assert f"celery -A paper worker -Q {queue}" in out
    assert "识别了" not in out  # it did not wait for them
    assert statuses(pages) == ["queued", "queued"]
    assert client.llen(queue) == 2


def ocr_pages_ignoring_failure(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("ocr_pages", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_whose_database_does_not_answer_is_retried_later(worker_log_without_database):
    result = recognise_page_task.delay(1)
    wait_for_log(worker_log_without_database, "Retry in")
    assert "OperationalError" in worker_log_without_database.read_text()
    result.forget()


def children(pid):
    """The ids of the processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_whose_worker_process_dies_is_delivered_again_and_done_once(prefork_worker):
    """The pool process reading the page is killed: the task goes back to the queue
    (reject_on_worker_lost), the new pool process takes its own claim over and reads it."""
    page = make_scanned_page(make_text_scan(SHORT_PAGE))
    result = recognise_page_task.apply_async((page.pk,), ignore_result=False)
    deadline = time.monotonic() + 60
    while not PageRecognition.objects.filter(page=page, status="running").exists():
        assert time.monotonic() < deadline, "the task did not start"
        time.sleep(0.05)
    (process,) = children(prefork_worker.pid)
    os.kill(process, signal.SIGKILL)
    answer = result.get(timeout=120)
    result.forget()
    recognition = PageRecognition.objects.get(page=page)
    assert answer["status"] == recognition.status == "done"
    assert recognition.attempts == 2 and recognition.claimed_by == f"celery:{result.id}"


def broker_keys(queue):
    """What kombu keeps in Redis for ``queue``: the list (and its priority steps), its bindings."""
    priorities = [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]
    return [queue, *priorities, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
