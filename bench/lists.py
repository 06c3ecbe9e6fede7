"""How fast the lists, their JSON and the sitemap files answer on a generated archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<an archive> \\
        .venv/bin/python bench/lists.py [--repeat 15] [--port 8123]
    (or: make bench-lists BENCH_ARGS="--repeat 15")

Starts gunicorn as production runs it (two sync workers, debug off) with the page cache off,
asks each URL ``--repeat`` times one after another and prints p50, p95 and max per URL. The
archive comes from ``manage.py generate_archive`` (``--issues 11000`` for thirty years: about
1,000,000 articles). Figures are printed, not asserted.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["发展", "海参", "产业工人", "督察 环境", "鸾俦", "樱桃", "烟台建"]


def urls(last_files):
    lists = [
        "/articles/",
        "/articles/?page=2000",
        "/articles/?source=新华社",
        "/articles/?author=王",
        "/articles/?column=烟台新闻",
        "/articles/?page_code=A01",
        "/articles/?page_code=A01&date_from=2020-01-01&date_to=2020-01-31",
        "/articles/?author=王&source=新华社&date_from=2010-01-01",
        "/notices/",
        "/notices/?holder=王",
        "/notices/?holder=王伟",
        "/notices/?number=682686",
        "/notices/?kind=lost&doc_type=2",
        "/notices/?kind=lost&page=500",
        "/articles.json",
        "/articles.json?page=2000",
        "/articles.json?q=发展",
        "/notices.json",
        "/notices.json?q=身份证",
    ]
    searches = [f"/articles/?q={q}" for q in QUERIES] + [f"/notices/?q={q}" for q in QUERIES[:3]]
    sitemaps = [
        "/sitemap.xml",
        "/sitemap-issues.xml",
        "/sitemap-pages.xml",
        "/sitemap-articles.xml",
        "/sitemap-notices.xml",
        *last_files,
    ]
    return lists + searches + sitemaps


def fetch(url):
    quoted = urllib.parse.quote(url, safe="/?=&:")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(quoted, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8123)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL archive made by generate_archive")
    static = tempfile.mkdtemp(prefix="bench-static-")
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret"),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_CACHE": "off",
        "GUNICORN_BIND": f"127.0.0.1:{options.port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        for _ in range(60):
            try:
                if fetch(base + "/livez")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        index = urllib.request.urlopen(base + "/sitemap.xml", timeout=120).read().decode()
        files = [part.split("<")[0] for part in index.split("<loc>")[1:]]
        last_files = [
            max((f for f in files if f"-{section}.xml" in f), key=len).replace(base, "")
            for section in ("pages", "articles", "notices")
        ]
        print(f"{'url':48} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for url in urls(last_files):
            fetch(base + url)  # warm: connections, the planner's caches
            timings, statuses = [], set()
            for _ in range(options.repeat):
                status, seconds = fetch(base + url)
                statuses.add(status)
                timings.append(seconds * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            print(
                f"{url[:48]:48} {'/'.join(map(str, sorted(statuses))):>6} "
                f"{statistics.median(timings):8.0f} {p95:8.0f} {timings[-1]:8.0f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
