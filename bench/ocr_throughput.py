"""How many scanned pages a minute the OCR gets through: in-process, and with Celery workers.

    python bench/ocr_throughput.py [--pages 8] [--workers 2] [--size tabloid]
    (or: make bench-ocr-throughput BENCH_ARGS="--pages 4")

Typesets --pages pages of text (sentences of the sample export in columns under headlines, a
notice column with ID numbers), scans them (greyscale, a little noise) at the size asked for,
attaches them to issues in a throw-away test database (test_<name> on the PostgreSQL that
DATABASE_URL names; the workers need a database they can share), then reads them all:

- in this process, as `manage.py ocr_pages` does without a broker;
- with --workers Celery worker processes (`celery -A paper worker --pool=solo`) against the
  real Redis broker (--redis, database 8 by default), as `ocr_pages` does with OCR_BROKER_URL;
- the same against RabbitMQ (--rabbitmq), when it answers.

Each run reads every page again (force) and the time runs from the first page sent to the last
one written. Prints a table; figures are measurements, not assertions.
"""

import argparse
import datetime
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "page-export-2024-10-22.txt"
# Pixels of a page scanned at 200 dpi: A4 (tabloid pages are about this), a broadsheet.
SIZES = {"small": (800, 1100), "tabloid": (1654, 2339), "broadsheet": (2756, 3937)}


def sentences():
    text = SAMPLE.read_text(encoding="utf-8")
    found = {
        part + "。"
        for line in text.splitlines()
        if not line.startswith("#") and "声明作废" not in line
        for part in line.split("。")
        if 12 <= len(part) <= 80
    }
    return sorted(found)


def typeset(rng, texts, size):
    """A page as printed: headlines over columns of body text, a notice column with IDs."""
    from PIL import Image, ImageDraw, ImageFilter

    from tests.typeset import SANS, SANS_BOLD, cjk_font

    width, height = size
    scale = width / 1654
    body = cjk_font(SANS, round(30 * scale))
    head = cjk_font(SANS_BOLD, round(60 * scale))
    image = Image.new("L", size, 245)
    draw = ImageDraw.Draw(image)
    columns, margin = 3, round(90 * scale)
    column = (width - 2 * margin) // columns
    per_line = int((column - 30 * scale) // body.size)
    for n in range(columns):
        x, y = margin + n * column, margin
        while y < height - margin - 4 * body.size:
            if rng.random() < 0.25:
                title = rng.choice(texts)[: max(4, per_line // 2 + 2)].rstrip("。,")
                draw.text((x, y), title, font=head, fill=20)
                y += round(head.size * 1.6)
            paragraph = "".join(rng.sample(texts, 2))
            if n == columns - 1 and rng.random() < 0.4:
                paragraph = (
                    f"{rng.choice('王李张刘陈')}某遗失居民身份证,号码370602"
                    f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                    f"{rng.randint(100, 999)}{rng.choice('0123456789X')},声明作废。"
                )
            for start in range(0, len(paragraph), per_line):
                if y >= height - margin - body.size:
                    break
                draw.text((x, y), paragraph[start : start + per_line], font=body, fill=30)
                y += round(body.size * 1.5)
            y += round(body.size * 0.8)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise(size, 12)
    image = Image.blend(image, noise.convert("L"), 0.08)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def wait_for(pages, started_after, timeout):
    from paper.models import PageRecognition

    deadline = time.monotonic() + timeout
    while True:
        finished = PageRecognition.objects.filter(
            page__in=pages, status__in=["done", "failed"], finished_at__gte=started_after
        ).count()
        if finished == len(pages):
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"only {finished} of {len(pages)} pages read in {timeout} s")
        time.sleep(0.5)


def in_process(pages):
    from paper.ocr.pipeline import recognise_page

    for page in pages:
        recognise_page(page, force=True)


def start_workers(count, broker, queue, env):
    workers, logs = [], []
    for number in range(count):
        log = Path(env["DJANGO_MEDIA_ROOT"]).parent / f"worker-{queue}-{number}.log"
        logs.append(log)
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "paper", "worker", "--pool=solo", "-c", "1"]
                + ["-Q", queue, "-n", f"{queue}-{number}@%h", "-l", "INFO", "-f", str(log)]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT,
                env={**env, "OCR_BROKER_URL": broker, "OCR_QUEUE": queue},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    deadline = time.monotonic() + 120
    for worker, log in zip(workers, logs, strict=True):
        while "ready." not in (log.read_text() if log.exists() else ""):
            if worker.poll() is not None or time.monotonic() > deadline:
                stop_workers(workers)
                raise SystemExit(f"a worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
    return workers


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def with_workers(pages, count, broker, env, warm_up):
    """Seconds to read ``pages`` with ``count`` workers on ``broker``, their start excluded."""
    from django.utils import timezone

    from paper.celery import reconfigure
    from paper.ocr.tasks import send_pages

    queue = f"bench-ocr-{os.getpid()}-{time.monotonic_ns()}"
    reconfigure(broker_url=broker, task_default_queue=queue)
    workers = start_workers(count, broker, queue, env)
    try:
        # Each worker loads the engine's models on its first page: one page each, untimed.
        started = timezone.now()
        send_pages(warm_up, force=True)
        wait_for(warm_up, started, 600)
        started, clock = timezone.now(), time.perf_counter()
        send_pages(pages, force=True)
        wait_for(pages, started, 3600)
        return time.perf_counter() - clock
    finally:
        stop_workers(workers)
        reconfigure()
        delete_queue(broker, queue)


def delete_queue(broker, name):
    """The run's queue and exchange, off the broker (on Redis, the keys kombu keeps)."""
    from kombu import Connection, Exchange, Queue

    if broker.startswith("redis"):
        import redis

        client = redis.Redis.from_url(broker)
        priorities = [f"{name}\x06\x16{step}" for step in (3, 6, 9)]
        client.delete(
            name, *priorities, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"
        )
        client.close()
        return

    with Connection(broker) as connection:
        channel = connection.default_channel
        Queue(name, Exchange(name), name).bind(channel).delete()
        Exchange(name).bind(channel).delete()


def reachable(broker):
    from kombu import Connection

    try:
        with Connection(broker, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", choices=sorted(SIZES), default="tabloid")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--rabbitmq", default="amqp://guest:guest@127.0.0.1:5672//")
    parser.add_argument("--seed", type=int, default=18)
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    media = tempfile.mkdtemp(prefix="ocr-bench-")
    os.environ["DJANGO_MEDIA_ROOT"] = str(Path(media) / "media")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database: the workers share it.")
    from paper.models import Issue, Page
    from paper.ocr.pipeline import recognise_page
    from paper.page_files import attach_page_file

    rng = random.Random(options.seed)
    texts = sentences()
    size = SIZES[options.size]
    test_database = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        pages = []
        print(f"typesetting and attaching {options.pages + options.workers} pages of {size}…")
        for number in range(options.pages + options.workers):
            issue = Issue.objects.create(
                date=datetime.date(1994, 1, 1) + datetime.timedelta(days=number)
            )
            page = Page.objects.create(issue=issue, code="A01", order=1)
            attach_page_file(page, typeset(rng, texts, size))
            pages.append(page)
        warm_up, pages = pages[: options.workers], pages[options.workers :]
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
            f"{database['PORT']}/{test_database}",
        }
        rows = []
        recognise_page(warm_up[0], force=True)  # the engine's models loaded, untimed
        clock = time.perf_counter()
        in_process(pages)
        rows.append(("in-process", 1, time.perf_counter() - clock))
        for name, broker in (("Redis", options.redis), ("RabbitMQ", options.rabbitmq)):
            if not reachable(broker):
                print(f"{name} at {broker} does not answer: skipped")
                continue
            seconds = with_workers(pages, options.workers, broker, env, warm_up)
            rows.append((f"Celery, {name}", options.workers, seconds))
        characters = sum(len(line["text"]) for page in pages for line in page_lines(page)) // len(
            pages
        )
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)

    print()
    print(
        f"{len(pages)} pages of {size[0]}×{size[1]} px, about {characters} characters each; "
        f"{os.cpu_count()} CPU cores"
    )
    print(f"{'run':<18} {'workers':>7} {'seconds':>8} {'s/page':>7} {'pages/min':>9}")
    for name, workers, seconds in rows:
        print(
            f"{name:<18} {workers:>7} {seconds:>8.1f} {seconds / len(pages):>7.2f} "
            f"{len(pages) * 60 / seconds:>9.1f}"
        )


def page_lines(page):
    from paper.models import PageRecognition

    return PageRecognition.objects.get(page=page).data.get("lines", [])


if __name__ == "__main__":
    main()
