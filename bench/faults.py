"""What readers see while PostgreSQL restarts under a running site, and how soon it recovers.

    python bench/faults.py [--down 20] [--database-url postgres://…/yantai_faults] [--cache]
    (or: make bench-faults BENCH_ARGS="--down 20")

Starts gunicorn (2 workers, paper/gunicorn.conf.py) on a database holding the sample issue,
asks it for a public page every 0.1 s (home, issue, page, article, notice, proof, search, list)
and /healthz, STOPS THE MACHINE'S POSTGRESQL for --down seconds (pg_ctlcluster; run it only on a
machine of your own), starts it again and prints what every phase answered: before, while down,
after. It fails (exit 1) if any answer is other than 200 or 503, a traceback reaches a reader or
the log, the site is not serving again within 10 s of the database, or gunicorn restarted.
The server-side page cache is off by default (--cache turns it on), so that every request needs
the database.
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def cluster_command(action):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(url, env):
    """The database with the sample issue, created on the first run."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(
        env,
        *("import_issue", "sample/page-export-2024-10-22.txt", "--date", "2024-10-22"),
        *("--publish", "--replace", "-v0"),
    )
    manage(env, "collectstatic", "--noinput", "-v0")


def urls(env):
    script = (
        "import django; django.setup()\n"
        "from articles.models import Article; from notices.models import Notice\n"
        "a = Article.objects.published().first(); n = Notice.objects.published().first()\n"
        "print(a.get_absolute_url()); print(n.get_absolute_url())\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    article, notice = out[-2:]
    return [
        "/",
        "/issues/2024-10-22/",
        "/issues/2024-10-22/A03/",
        article,
        notice,
        notice + "proof/",
        "/search/?q=%E9%81%97%E5%A4%B1",  # 遗失
        "/articles/?source=%E6%96%B0%E5%8D%8E%E7%A4%BE",  # 新华社
    ]


def get(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, OSError):
        status, body = "refused", b""
    return status, body, time.monotonic() - started


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(children.read_text().split()) if children.exists() else []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/yantai_faults"
    )
    parser.add_argument("--down", type=float, default=20, help="seconds PostgreSQL stays down")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--cache", action="store_true", help="keep the server-side page cache")
    args = parser.parse_args()

    static = tempfile.mkdtemp(prefix="yantai-static-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret"),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_CACHE": "on" if args.cache else "off",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        "DJANGO_SETTINGS_MODULE": "paper.settings",
    }
    prepare(args.database_url, env)
    pages = urls(env)
    base = f"http://127.0.0.1:{args.port}"
    log = tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log")  # noqa: SIM115
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = []  # (phase, path, status, seconds, traceback shown)
    phase = ["before"]
    stop = threading.Event()

    def poll():
        n = 0
        while not stop.is_set():
            path = (pages + ["/healthz"])[n % (len(pages) + 1)]
            status, body, seconds = get(base + path)
            results.append((phase[0], path, status, seconds, b"Traceback" in body))
            n += 1
            time.sleep(0.1)

    failures = []
    try:
        while get(base + "/livez")[0] != 200:
            time.sleep(0.2)
        workers = worker_pids(server.pid)
        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(5)
        phase[0] = "down"
        subprocess.run(cluster_command("stop"), check=True)
        stopped_at = time.monotonic()
        time.sleep(args.down)
        phase[0] = "starting"
        subprocess.run(cluster_command("start"), check=True)
        started_at = time.monotonic()
        phase[0] = "after"
        recovered_at = None
        while time.monotonic() - started_at < 10:
            if all(get(base + path)[0] == 200 for path in pages[:4]):
                recovered_at = time.monotonic()
                break
            time.sleep(0.1)
        time.sleep(5)
        stop.set()
        poller.join()
        same_workers = worker_pids(server.pid) == workers
    finally:
        stop.set()
        subprocess.run(cluster_command("start"), check=False, capture_output=True)
        server.terminate()
        server.wait(timeout=30)

    outage = started_at - stopped_at
    print(f"PostgreSQL down {outage:.1f} s (--down {args.down:.0f} s, stop and start included)")
    print(f"{'phase':<10} {'requests':>8}  answers")
    for name in ("before", "down", "starting", "after"):
        rows = [r for r in results if r[0] == name]
        counts = collections.Counter(str(r[2]) for r in rows)
        slowest = max((r[3] for r in rows), default=0)
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
        print(f"{name:<10} {len(rows):>8}  {answers}  (slowest {slowest * 1000:.0f} ms)")
    down = [r for r in results if r[0] == "down"]
    print("while down, per path:")
    for path in pages + ["/healthz"]:
        statuses = collections.Counter(str(r[2]) for r in down if r[1] == path)
        print(f"  {path:<40} {dict(statuses)}")
    if recovered_at:
        print(f"serving again {recovered_at - started_at:.2f} s after PostgreSQL started")
    else:
        failures.append("not serving again within 10 s of PostgreSQL starting")
    print(f"gunicorn workers unchanged (no restart): {same_workers}")
    log.seek(0)
    output = log.read()
    tracebacks = output.count("Traceback")
    shown = any(r[4] for r in results)
    print(f"tracebacks in the server log: {tracebacks}; shown to readers: {shown}")

    if any(r[2] not in (200, 503) for r in results):
        failures.append("an answer other than 200 or 503")
    if any(r[0] == "before" and r[2] != 200 for r in results):
        failures.append("errors before the database went down")
    if any(r[4] for r in results) or tracebacks:
        failures.append("a traceback")
    if not same_workers:
        failures.append("gunicorn workers were restarted")
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
