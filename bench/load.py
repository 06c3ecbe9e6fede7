"""How many pages a second the archive serves: gunicorn on a generated archive, loaded by wrk.

    DJANGO_SECRET_KEY=… .venv/bin/python bench/load.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/yantai_load] [--issues 1000] \\
        [--duration 60] [--single-duration 30] [--rounds 3] [--connections 4] [--threads 2] \\
        [--articles 150] [--port 8799] [--max-requests N]
    (or: make bench-load)

The database is created, migrated and filled by ``generate_archive`` only when it holds no issue
yet, so that later runs reuse it; static files are collected, as production needs with debug off.
gunicorn then starts from ``paper/gunicorn.conf.py`` with two workers on a loopback port, and wrk
(Debian's package) drives it with HTTP requests:

1. every URL of the mix once, to check that each answers 2xx or 3xx, then a short warm-up;
2. the mix for ``--duration`` seconds: a reader's day of home, issue, page, article, notice,
   proof, list and search URLs, a few hundred of them picked from the database, half of the
   editions from the latest month and half from the whole archive;
3. article pages alone and ``/livez`` alone (a Django view that touches no database but
   passes through every middleware), ``--single-duration`` seconds each with the same
   connections and threads, alternating in ``--rounds`` rounds so that both meet the same
   neighbours on a shared machine. Their ratio says what a page costs above Django's floor.

Errors are the responses outside 2xx/3xx (a 404 counts: the mix holds only valid URLs) and
wrk's socket errors and timeouts; the script exits non-zero when there is any, or when the
server's log holds a traceback. Server time per kind of URL comes from gunicorn's access log,
written with the request time added. Figures are printed, not asserted: wrk and the server
share the machine, so compare runs on the same machine at similar load averages.

Checking each URL once puts all of them in the shared page cache (Redis, as in production):
with ``--articles 5000`` the article runs are the long tail of a reader's day served from it.

``--uncached`` starts the server with the page cache off (``DJANGO_CACHE=off``) and adds, for
each kind of page, rounds of that kind alone against ``/livez``: what a cold page costs.

``--freshness`` logs an editor into the admin over HTTP, saves an article's corrected headline
there and times how long until readers see it: every one of a run of GETs of the article, its
issue page, the list and a search (any of the two workers answering) shows the new headline.
"""

import argparse
import collections
import contextlib
import datetime
import html.parser
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
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
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/yantai_load"
WORKERS = 2
HOSTS = "127.0.0.1,localhost"

# A reader's mix, as shares of the requests: mostly articles and pages, some lists and searches.
SHARES = {
    "article": 0.34,
    "page": 0.15,
    "issue": 0.08,
    "home": 0.05,
    "notice": 0.10,
    "proof": 0.03,
    "list": 0.15,
    "search": 0.10,
}
# URLs drawn for each kind (fewer once repeats are removed); lists and searches are composed
# below. Articles: --articles.
SAMPLES = {"page": 60, "issue": 30, "notice": 50, "proof": 20}
# The paths file wrk draws from: each kind fills its share of these lines.
MIX_LINES = 2000
# Each kind of page alone against /livez (--uncached): the least share of /livez's rate it keeps.
COLD_TARGETS = {
    "article": 0.3,
    "notice": 0.15,
    "proof": 0.15,
    "page": 0.15,
    "issue": 0.15,
    "list": 0.15,
    "home": 0.15,
    "search": 0.15,
}
# Consecutive GETs that must all show a change before a reader is said to see it.
FRESH_READS = 10
# Editions "from the latest month": the newest issues, which readers open most.
RECENT_ISSUES = 30

# gunicorn's default access log format plus the request time in microseconds.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
ACCESS_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) .* (\d+)$')

WRK_SCRIPT = """\
-- Written by bench/load.py: random paths from a file, responses outside 2xx/3xx counted.
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("number", count)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  bad = 0
  math.randomseed(number * 7919 + os.time())
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status < 200 or status > 399 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bad_status": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\\n',
    summary.requests, summary.duration, bad_total, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def configure_environment(database_url):
    """The settings of a production server on loopback, read by Django here and by gunicorn."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "paper.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = HOSTS
    os.environ["DJANGO_DEBUG"] = "0"
    # Over plain HTTP on loopback an HTTPS redirect would turn every page into a 301.
    os.environ["DJANGO_HTTPS"] = "0"
    sys.path.insert(0, str(ROOT))


def create_database(database_url):
    """Creates the PostgreSQL database when it is missing; says whether it did."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return False
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    return not found


def prepare_archive(options):
    """Migrates, generates the archive unless there is one, collects static files."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from paper.models import Issue

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", verbosity=0)
        print(f"database: applied {len(plan)} migrations")
    if Issue.objects.exists():
        print("archive: already populated, reused (--issues ignored)")
    else:
        print(f"archive: generating {options.issues} issues (a couple of minutes for 1,000) …")
        started = time.monotonic()
        call_command("generate_archive", issues=options.issues, verbosity=0, stdout=io.StringIO())
        print(f"archive: generated in {time.monotonic() - started:.0f} s")
    output = io.StringIO()
    call_command("collectstatic", interactive=False, verbosity=1, stdout=output)
    print(f"static files: {output.getvalue().strip().splitlines()[-1]}")


def archive_size():
    from django.db import connection

    from articles.models import Article
    from notices.models import Notice
    from paper.models import Issue, Page

    return {
        "issues": Issue.objects.published().count(),
        "pages": Page.objects.published().count(),
        "articles": Article.objects.published().count(),
        "notices": Notice.objects.published().count(),
        "database": f"{connection.settings_dict['NAME']} on {connection.vendor}",
    }


def url(path, **query):
    return f"{path}?{urllib.parse.urlencode(query)}" if query else path


def common_words(texts, rng, count):
    """``count`` words that readers would type: among the commonest two- and three-character
    sequences of ``texts`` (such as 烟台, 发展, 产业工人's 产业), mostly pairs."""
    pairs, triples = collections.Counter(), collections.Counter()
    for text in texts:
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
            pairs.update(run[i : i + 2] for i in range(len(run) - 1))
            triples.update(run[i : i + 3] for i in range(len(run) - 2))
    words = some(rng, [word for word, _ in pairs.most_common(60)], count - count // 4)
    words += some(rng, [word for word, _ in triples.most_common(20)], count // 4)
    if not words:
        raise SystemExit("the archive has too few articles for a mix: generate one")
    return (words * count)[:count]


def some(rng, population, count):
    """``count`` of ``population`` chosen by ``rng``, or all of it when it is smaller."""
    return rng.sample(population, min(count, len(population)))


def build_mix(rng, article_count):
    """Distinct URLs by kind, all of published content, picked from the database."""
    from django.db.models import Q

    from articles.models import Article
    from notices.models import DocumentType, LostItem, Notice
    from paper.models import Issue, Page
    from paper.text import find_resident_ids

    issues = list(Issue.objects.published().order_by("date").values_list("pk", "date"))
    if not issues:
        raise SystemExit("the archive has no published issue")
    recent, everything = issues[-RECENT_ISSUES:], issues

    def editions(count):
        """Half from the latest month, half from the whole archive."""
        half = count // 2
        return [rng.choice(recent) for _ in range(half)] + [
            rng.choice(everything) for _ in range(count - half)
        ]

    issue_rows = {}

    def pick(queryset, field, issue_id):
        """One ``field`` value of the issue's rows, chosen by ``rng`` (the mix is repeatable)."""
        key = (queryset.model, field, issue_id)
        if key not in issue_rows:
            rows = queryset.filter(issue_id=issue_id).order_by("pk").values_list(field, flat=True)
            issue_rows[key] = list(rows)
        return rng.choice(issue_rows[key])

    def sample_ids(queryset, count):
        return sorted({pick(queryset, "pk", issue_id) for issue_id, _ in editions(count)})

    mix = {kind: [] for kind in SHARES}
    mix["home"] = ["/"]
    mix["issue"] = sorted({f"/issues/{date}/" for _, date in editions(SAMPLES["issue"])})
    mix["page"] = sorted(
        {
            f"/issues/{date}/{pick(Page.objects, 'code', issue_id)}/"
            for issue_id, date in editions(SAMPLES["page"])
        }
    )
    articles = Article.objects.published()
    notices = Notice.objects.published()
    mix["article"] = [f"/articles/{pk}/" for pk in sample_ids(articles, article_count)]
    mix["notice"] = [f"/notices/{pk}/" for pk in sample_ids(notices, SAMPLES["notice"])]
    mix["proof"] = [f"/notices/{pk}/proof/" for pk in sample_ids(notices, SAMPLES["proof"])]

    latest, oldest = issues[-1][1], issues[0][1]
    month_ago = max(oldest, latest - datetime.timedelta(days=30))
    middle = issues[len(issues) // 2][1]
    some_articles = list(articles.filter(issue_id__in=[i for i, _ in recent])[:300])
    bylines = [a.byline for a in some_articles if a.byline]
    sources = sorted({a.source for a in some_articles if a.source})
    page_names = sorted(set(Page.objects.values_list("name", flat=True).distinct()) - {""})
    items = list(
        LostItem.objects.filter(notice__in=notices.filter(issue_id__in=[i for i, _ in recent]))
        .select_related("document_type")
        .order_by("id")[:300]
    )
    people = [item.holder for item in items if not item.holder.endswith("公司")]
    document_types = list(DocumentType.objects.filter(lostitem__isnull=False).distinct()[:3])
    years = sorted({date.year for _, date in issues})
    # Pages of 20 that exist, however small the archive.
    article_pages = max(1, min(50, articles.count() // 20))
    notice_pages = max(1, min(20, notices.count() // 20))
    mix["list"] = [
        "/articles/",
        url("/articles/", page=min(2, article_pages)),
        url("/articles/", page=rng.randint(1, article_pages)),
        *(url("/articles/", source=source) for source in sources[:3]),
        *(url("/articles/", page_name=name) for name in some(rng, page_names, 3)),
        url("/articles/", page_code="A01"),
        url("/articles/", page_code="A01", date_from=month_ago, date_to=latest),
        url("/articles/", date_from=middle, date_to=middle),
        *(url("/articles/", author=name) for name in some(rng, bylines, 2)),
        "/notices/",
        url("/notices/", kind="lost"),
        url("/notices/", kind="lost", page=rng.randint(1, notice_pages)),
        url("/notices/", date_from=month_ago, date_to=latest),
        *(url("/notices/", doc_type=document_type.pk) for document_type in document_types),
        *(url("/notices/", holder=holder) for holder in some(rng, people, 2)),
        *(url("/notices/", number=item.number[-6:]) for item in some(rng, items, 2)),
        "/notices/rates/",
        "/issues/",
        *(url("/issues/", year=year) for year in some(rng, years, 2)),
    ]

    words = common_words([a.headline for a in some_articles], rng, 12)
    # Not resident IDs: a whole one is a lookup that the site allows an address only a few times
    # a minute (RESIDENT_ID_LOOKUPS_PER_MINUTE), and wrk is one address; its 429s were errors.
    numbers = [item.number for item in items if not find_resident_ids(item.number)]
    numbers = some(rng, numbers, 4)
    # Mid-frequency and rare words that the generator puts in a known share of articles.
    topics = [
        word
        for word in ("海参", "港口", "樱桃", "马拉松", "崆峒岛", "养马岛")
        if articles.filter(Q(body__contains=word))[:1].exists()
    ]
    mix["search"] = [
        *(url("/search/", q=word) for word in words[:8]),
        *(url("/search/", q=word) for word in topics),
        url("/search/", q=words[8][:1]),
        url("/search/", q=f"{words[9]} {words[10]}"),
        url("/search/", q=words[11], sort="relevance"),
        url("/search/", q=rng.choice(topics or words), kind="articles", page=2),
        url("/search/", q=words[0], date_from=month_ago, date_to=latest),
        *(url("/search/", q=holder) for holder in some(rng, people, 3)),
        *(url("/search/", q=holder, kind="notices") for holder in some(rng, people, 1)),
        # Numbers as readers type them: whole, the tail of one, lower case, a notices search.
        *(url("/search/", q=number) for number in numbers[:1]),
        *(url("/search/", q=number[-6:]) for number in numbers[1:2]),
        *(url("/search/", q=number.lower()) for number in numbers[2:3]),
        *(url("/search/", q=number[-4:], kind="notices") for number in numbers[3:4]),
    ]
    return {kind: list(dict.fromkeys(urls)) for kind, urls in mix.items()}


def mix_lines(mix, rng):
    """The paths file: each kind fills its share of the lines, cycling through its URLs."""
    lines = []
    for kind, share in SHARES.items():
        urls = list(mix[kind])
        rng.shuffle(urls)
        lines += [urls[n % len(urls)] for n in range(round(share * MIX_LINES))]
    rng.shuffle(lines)
    return lines


def kind_of(path):
    """The kind of a path of the mix, for the access log's figures."""
    if path == "/":
        return "home"
    patterns = (
        ("article", r"/articles/\d+/$"),
        ("notice", r"/notices/\d+/$"),
        ("proof", r"/notices/\d+/proof/$"),
        ("page", r"/issues/[\d-]+/\w+/$"),
        ("issue", r"/issues/[\d-]+/$"),
        ("search", r"/search/"),
        ("livez", r"/livez$"),
    )
    return next((kind for kind, pattern in patterns if re.match(pattern, path)), "list")


def port_is_free(port):
    with socket.socket() as probe:
        # As gunicorn binds: the connections of an earlier run may still be in TIME_WAIT.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def get_status(port, path, timeout=30):
    """The status of one GET, redirects not followed, as wrk sees them."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Server:
    """gunicorn from paper/gunicorn.conf.py, its logs in ``folder``; stopped on leaving."""

    def __init__(self, port, folder, max_requests=None, uncached=False):
        self.port = port
        self.max_requests = max_requests
        self.uncached = uncached
        self.access_log = folder / "access.log"
        self.server_log = folder / "server.log"
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_ACCESS_LOG": str(self.access_log),
        }
        if self.uncached:
            env["DJANGO_CACHE"] = "off"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "paper/gunicorn.conf.py",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ]
        if self.max_requests is not None:
            command += ["--max-requests", str(self.max_requests)]
        with self.server_log.open("wb") as log:
            # A session of its own: Ctrl-C reaches this script, which then stops gunicorn.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start:\n{self.server_log.read_text()}")
            with contextlib.suppress(OSError):
                if get_status(self.port, "/livez", timeout=2) == 200:
                    return self
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /livez within 60 s")

    def __exit__(self, *exc_info):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_sizes(self):
        return tuple(log.stat().st_size if log.exists() else 0 for log in self.logs())

    def logs(self):
        return self.access_log, self.server_log

    def logged_since(self, sizes):
        """The requests (path, status, seconds) and the server's log written since ``sizes``."""
        access_text, server_text = (
            read_from(log, offset) for log, offset in zip(self.logs(), sizes, strict=True)
        )
        requests = []
        for line in access_text.splitlines():
            if match := ACCESS_LINE.search(line):
                requests.append((match[1], int(match[2]), int(match[3]) / 1e6))
        return requests, server_text


def read_from(path, offset):
    with path.open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


def run_wrk(options, server, paths, folder, seconds, label):
    """One wrk run over ``paths`` drawn at random; its figures as a dict.

    With wrk's figures come the run's requests as the access log has them and the number of
    workers that gunicorn started meanwhile (after ``max_requests``, or a crash).
    """
    sizes = server.log_sizes()
    script = folder / "mix.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    name = re.sub(r"\W+", "-", label)
    paths_file = folder / f"{name}.paths"
    paths_file.write_text("\n".join(paths) + "\n", encoding="ascii")
    command = [
        options.wrk,
        "--latency",
        f"--threads={options.threads}",
        f"--connections={options.connections}",
        f"--duration={seconds}s",
        f"--timeout={options.timeout}s",
        f"--script={script}",
        f"http://127.0.0.1:{server.port}",
        "--",
        str(paths_file),
    ]
    print(f"  {label}: {seconds} s …", flush=True)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    (folder / f"{name}.wrk.txt").write_text(completed.stdout + completed.stderr)
    found = re.search(r"^RESULT (\{.*\})$", completed.stdout, re.MULTILINE)
    if completed.returncode != 0 or not found:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
    result = json.loads(found[1])
    result["log"], server_text = server.logged_since(sizes)
    result["restarts"] = server_text.count("Booting worker")
    return with_totals(result)


ERROR_KEYS = ("bad_status", "connect", "read", "write", "timeout")


def with_totals(result):
    result["seconds"] = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[key] for key in ERROR_KEYS)
    return result


def combined(rounds):
    """Rounds of one URL set as one run: counts added, p50 and p90 the median of the rounds',
    p99 and max the worst round's (wrk gives percentiles, not the histogram to merge)."""
    result = {
        key: sum(r[key] for r in rounds)
        for key in ("requests", "duration_us", "restarts", *ERROR_KEYS)
    }
    result["p50_us"] = statistics.median(r["p50_us"] for r in rounds)
    result["p90_us"] = statistics.median(r["p90_us"] for r in rounds)
    result["p99_us"] = max(r["p99_us"] for r in rounds)
    result["max_us"] = max(r["max_us"] for r in rounds)
    result["log"] = [request for r in rounds for request in r["log"]]
    result["rounds"] = rounds
    return with_totals(result)


def check_urls(port, mix):
    """Every URL of the mix once: (kind, path, status) of those outside 2xx/3xx."""
    bad = []
    for kind, urls in mix.items():
        for path in urls:
            try:
                status = get_status(port, path)
            except OSError as error:
                status = f"{type(error).__name__}"
            if not isinstance(status, int) or not 200 <= status < 400:
                bad.append((kind, path, status))
    return bad


class FormFields(html.parser.HTMLParser):
    """The fields a browser would submit from the page's form with ``form_id``."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag in ("input", "select", "textarea"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields.append([attrs["name"], attrs.get("value", "on" if kind else "")])
        elif tag == "select":
            self._select = [attrs["name"], None, None]  # name, first option, selected
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._select[1] = value if self._select[1] is None else self._select[1]
            if "selected" in attrs:
                self._select[2] = value
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, first, selected = self._select
            if selected is not None:
                self.fields.append([name, selected])
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append([self._textarea[0], self._textarea[1].removeprefix("\n")])
            self._textarea = None


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect reaches the caller as an HTTPError


class Browser:
    """Cookies, CSRF and form posts over one loopback port, as an editor's browser."""

    def __init__(self, port):
        import http.cookiejar

        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(cookies)
        self.posting = urllib.request.build_opener(cookies, KeepRedirects())

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def post(self, path, fields):
        """The form posted; (where it redirects to, or None, and the body), not followed: the
        time of a save is the save's, not the change list's after it."""
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode([tuple(field) for field in fields]).encode(),
            headers={"Referer": self.base + path, "X-CSRFToken": token},
        )
        try:
            with self.posting.open(request, timeout=30) as response:
                return None, response.read().decode("utf-8")
        except urllib.error.HTTPError as answer:
            if answer.code in (301, 302, 303):
                return answer.headers["Location"], ""
            raise

    def form(self, path, form_id):
        parser = FormFields(form_id)
        parser.feed(self.get(path))
        return parser.fields


def reader_sees(port, paths, text):
    """Whether each of FRESH_READS GETs, round the paths, shows ``text`` (new connections:
    either worker answers)."""
    for n in range(FRESH_READS):
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}{paths[n % len(paths)]}", timeout=30
        ) as response:
            if text not in response.read().decode("utf-8"):
                return False
    return True


def freshness(port, trials=5):
    """Seconds from an admin save of a corrected headline to every reader's GET showing it.

    The article is the newest published one: its page, the issue's page, the list and a
    search for the new headline show it, each cached before the save.
    """
    import secrets

    from django.contrib.auth import get_user_model

    from articles.models import Article

    password = secrets.token_urlsafe(16)
    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    article = Article.objects.published().select_related("page__issue").first()
    browser = Browser(port)
    browser.get("/admin/login/")
    browser.post(
        "/admin/login/?next=/admin/", [("username", user.username), ("password", password)]
    )
    change = f"/admin/articles/article/{article.pk}/change/"
    original = article.headline
    seen = []
    try:
        for trial in range(1, trials + 1):
            headline = f"{original}(更正{trial}-{secrets.token_hex(3)})"
            word = headline[-7:-1]
            paths = [
                article.get_absolute_url(),
                article.page.get_absolute_url(),
                f"/articles/?{urllib.parse.urlencode({'page_code': article.page.code})}",
                f"/search/?{urllib.parse.urlencode({'q': word})}",
            ]
            for path in paths:  # cached before the save, on both workers
                reader_sees(port, [path], "")
            fields = [
                [name, headline if name == "headline" else value]
                for name, value in browser.form(change, "article_form")
            ]
            started = time.monotonic()
            where, body = browser.post(change, fields)
            saved = time.monotonic()
            if where is None or "/change/" in where:
                raise SystemExit(f"the admin refused the save:\n{body[:2000]}")
            # Seen: when the first run of reads that all show the change began.
            reading = saved
            while not reader_sees(port, paths, headline):
                if time.monotonic() - saved > 30:
                    raise SystemExit(f"readers did not see the save within 30 s: {paths}")
                time.sleep(0.05)
                reading = time.monotonic()
            seen.append((saved - started, reading - saved))
    finally:
        Article.objects.filter(pk=article.pk).update(headline=original)
        user.delete()
    return seen


def tracebacks(log_text):
    """The tracebacks in the server's log, each from its first line to its exception."""
    found = []
    lines = log_text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = index + 1
            while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end]):
                end += 1
            found.append("\n".join(lines[max(0, index - 1) : end + 1]))
    return found


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def by_kind(requests):
    """Requests, median and p99 server time and errors per kind of URL, from the access log."""
    kinds = {}
    for path, status, seconds in requests:
        kinds.setdefault(kind_of(path), []).append((status, seconds))
    rows = []
    for kind in [*SHARES, "livez"]:
        if kind in kinds:
            times = [seconds for _, seconds in kinds[kind]]
            errors = sum(1 for status, _ in kinds[kind] if not 200 <= status < 400)
            rows.append(
                (kind, len(times), statistics.median(times), percentile(times, 0.99), errors)
            )
    return rows


def machine():
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), load average {load}"


def versions(wrk):
    import django
    import gunicorn
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database = str(cursor.fetchone()[0]).split(" on ")[0]
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    wrk_version = (completed.stdout + completed.stderr).split()[1]
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, {database}, wrk {wrk_version}"
    )


def print_mix(mix, lines, show_urls):
    print(f"\nURL mix: {sum(map(len, mix.values()))} distinct URLs, {len(lines)} lines for wrk")
    print(f"  {'kind':<8} {'share':>6} {'URLs':>5}  examples")
    for kind, share in SHARES.items():
        examples = "  ".join(urllib.parse.unquote_plus(path) for path in mix[kind][:2])
        print(f"  {kind:<8} {share:>6.0%} {len(mix[kind]):>5}  {examples}")
        if show_urls:
            for path in mix[kind]:
                print(f"      {urllib.parse.unquote_plus(path)}")


def slowest(requests, count=5):
    """The paths with the longest median server time: (median seconds, requests, path)."""
    times = {}
    for path, _, seconds in requests:
        times.setdefault(path, []).append(seconds)
    ranked = sorted(
        ((statistics.median(values), len(values), path) for path, values in times.items()),
        reverse=True,
    )
    return ranked[:count]


def print_report(runs, size, options, log_findings):
    ms = 1000
    print(f"\n{'run':<14} {'seconds':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
          f"{'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6} {'restarts':>8}")  # fmt: skip
    for label, result in runs.items():
        print(
            f"{label:<14} {result['seconds']:>7.1f} {result['requests']:>8,} "
            f"{result['rps']:>7.1f} {result['p50_us'] / ms:>7.1f} {result['p90_us'] / ms:>7.1f} "
            f"{result['p99_us'] / ms:>7.1f} {result['max_us'] / ms:>7.1f} {result['errors']:>6} "
            f"{result['restarts']:>8}"
        )
    kinds = by_kind(runs["mixed"]["log"])
    print("\nmixed run by kind (server time from gunicorn's access log)")
    print(f"  {'kind':<8} {'requests':>9} {'share':>6} {'median ms':>10} {'p99 ms':>8} "
          f"{'errors':>7}")  # fmt: skip
    total = sum(row[1] for row in kinds) or 1
    for kind, count, median, p99, errors in kinds:
        print(
            f"  {kind:<8} {count:>9,} {count / total:>6.1%} {median * ms:>10.1f} "
            f"{p99 * ms:>8.1f} {errors:>7}"
        )
    print("  slowest URLs (median ms, requests):")
    for median, count, path in slowest(runs["mixed"]["log"]):
        print(f"  {median * ms:>8.1f} {count:>5}  {urllib.parse.unquote_plus(path)}")
    mixed = runs["mixed"]
    ratio = runs["article pages"]["rps"] / runs["/livez"]["rps"]
    verdict = "met" if ratio >= 0.5 else "NOT met"
    by_round = " ".join(
        f"{a['rps'] / b['rps']:.2f}"
        for a, b in zip(runs["article pages"]["rounds"], runs["/livez"]["rounds"], strict=True)
    )
    print(
        f"\narticle/minimal-view throughput: {runs['article pages']['rps']:.1f} / "
        f"{runs['/livez']['rps']:.1f} req/s = {ratio:.2f}  (target ≥ 0.5: {verdict}); "
        f"by round: {by_round}"
    )
    print(
        f"mixed: {mixed['rps']:.1f} req/s, p50 {mixed['p50_us'] / ms:.1f} ms, "
        f"p99 {mixed['p99_us'] / ms:.1f} ms, errors {mixed['errors']}"
    )
    for label, result in runs.items():
        if result["errors"]:
            print(
                f"errors in {label}: {result['bad_status']} outside 2xx/3xx, socket: "
                f"connect {result['connect']}, read {result['read']}, write {result['write']}, "
                f"timeout {result['timeout']}"
            )
    print(
        f"archive: {size['issues']:,} issues, {size['pages']:,} pages, "
        f"{size['articles']:,} articles, {size['notices']:,} notices ({size['database']})"
    )
    print(
        f"notes: gunicorn {WORKERS} sync workers; wrk {options.threads} threads, "
        f"{options.connections} connections, timeout {options.timeout} s, on the same machine\n"
        "       restarts: workers that gunicorn started during the run (max_requests, a crash)\n"
        "       article pages and /livez: p50 and p90 the median of the rounds', p99 and max "
        "the worst round's"
    )
    for finding in log_findings:
        print(finding)


def print_cold(cold):
    if not cold:
        return
    print("\nuncached, each kind alone against /livez in alternating rounds (page cache off)")
    print(f"  {'kind':<8} {'req/s':>7} {'livez/s':>8} {'ratio':>6} {'target':>7} {'p50 ms':>7} "
          f"{'p99 ms':>7}  verdict")  # fmt: skip
    for kind, (alone, floor) in cold.items():
        ratio = alone["rps"] / floor["rps"]
        target = COLD_TARGETS[kind]
        print(
            f"  {kind:<8} {alone['rps']:>7.1f} {floor['rps']:>8.1f} {ratio:>6.2f} {target:>7.2f} "
            f"{alone['p50_us'] / 1000:>7.1f} {alone['p99_us'] / 1000:>7.1f}  "
            f"{'met' if ratio >= target else 'NOT met'}"
        )


def print_freshness(seen):
    if not seen:
        return
    print(
        "\nadmin save (the POST, its redirect not followed) → readers see it (article, its page "
        f"view, the list, a search: {FRESH_READS} GETs in a row from then on, on either worker)"
    )
    for number, (save, visible) in enumerate(seen, 1):
        print(f"  save {number}: {save * 1000:.0f} ms, seen {visible * 1000:.0f} ms after it")
    worst = max(visible for _, visible in seen)
    verdict = "met" if worst <= 1 else "NOT met"
    print(f"  worst {worst * 1000:.0f} ms (target: within a second: {verdict})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--issues", type=int, default=1000, help="issues to generate into an empty database"
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mixed run")
    parser.add_argument(
        "--single-duration",
        type=int,
        default=30,
        help="seconds of the article-only and of the /livez-only runs",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the article-only and /livez-only runs alternate in this many rounds",
    )
    parser.add_argument("--warmup", type=int, default=10, help="seconds of mixed warm-up")
    parser.add_argument(
        "--articles",
        type=int,
        default=150,
        help="article URLs to draw for the mix and the article-only runs; more than a page "
        "cache holds makes it miss as it would on the whole archive",
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=10, help="wrk's timeout, seconds")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--max-requests",
        type=int,
        help="replaces the configuration's max_requests (0: workers are never recycled)",
    )
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="the page cache off; and each kind of page alone against /livez",
    )
    parser.add_argument(
        "--freshness",
        action="store_true",
        help="time an admin save until readers see it (the shared cache purged)",
    )
    parser.add_argument("--seed", type=int, default=20241022, help="of the URL mix")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--show-urls", action="store_true", help="print every URL of the mix")
    options = parser.parse_args()
    if options.threads > options.connections:
        parser.error("--threads cannot exceed --connections (wrk's rule)")
    if not Path(options.wrk).exists():
        parser.error(f"wrk not found at {options.wrk}: apt-get install wrk")
    if not port_is_free(options.port):
        parser.error(f"port {options.port} is in use: choose another --port")

    # Stopped by kill or timeout, the script still stops gunicorn on its way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    configure_environment(options.database_url)
    if create_database(options.database_url):
        print(f"database: created {options.database_url.rsplit('/', 1)[-1]}")
    import django

    django.setup()
    from django.db import connections

    print(f"machine: {machine()}")
    prepare_archive(options)
    size = archive_size()
    print(
        f"archive: {size['issues']:,} issues, {size['articles']:,} articles, "
        f"{size['notices']:,} notices ({size['database']})"
    )
    rng = random.Random(options.seed)
    mix = build_mix(rng, options.articles)
    lines = mix_lines(mix, rng)
    print_mix(mix, lines, options.show_urls)
    print(f"versions: {versions(options.wrk)}")
    connections.close_all()

    folder = Path(tempfile.mkdtemp(prefix="yantai-load-"))
    keep_logs = False
    runs, findings = {}, []
    try:
        with Server(options.port, folder, options.max_requests, options.uncached) as server:
            recycling = (
                "max_requests from the configuration"
                if options.max_requests is None
                else f"max_requests {options.max_requests}"
            )
            print(
                f"\ngunicorn: {WORKERS} workers on 127.0.0.1:{options.port}, {recycling}, "
                f"logs in {folder}"
            )
            started = time.monotonic()
            bad = check_urls(options.port, mix)
            print(
                f"  checked {sum(map(len, mix.values()))} URLs once in "
                f"{time.monotonic() - started:.0f} s: {len(bad)} outside 2xx/3xx"
            )
            if bad:
                for kind, path, status in bad:
                    print(f"    {status} {kind} {urllib.parse.unquote_plus(path)}")
                keep_logs = True
                raise SystemExit(1)
            run_wrk(options, server, lines, folder, options.warmup, "warm-up")
            runs["mixed"] = run_wrk(options, server, lines, folder, options.duration, "mixed")
            # Article pages and /livez alternate, so that both see the same neighbours on a
            # shared machine: the ratio of each round is what the noise leaves comparable.
            seconds = max(1, round(options.single_duration / options.rounds))
            articles, livez = [], []
            for number in range(1, options.rounds + 1):
                label = f"round {number}/{options.rounds}"
                articles.append(
                    run_wrk(options, server, mix["article"], folder, seconds, f"articles, {label}")
                )
                livez.append(
                    run_wrk(options, server, ["/livez"], folder, seconds, f"livez, {label}")
                )
            runs["article pages"], runs["/livez"] = combined(articles), combined(livez)
            cold = {}
            if options.uncached:
                for kind in COLD_TARGETS:
                    alone, floor = [], []
                    for number in range(1, options.rounds + 1):
                        label = f"{kind}, round {number}/{options.rounds}"
                        alone.append(run_wrk(options, server, mix[kind], folder, seconds, label))
                        floor.append(
                            run_wrk(options, server, ["/livez"], folder, seconds, f"livez, {label}")
                        )
                    cold[kind] = (combined(alone), combined(floor))
            fresh = freshness(options.port) if options.freshness else []
            print(f"  machine after the runs: {machine()}")
        log_text = server.server_log.read_text(encoding="utf-8", errors="replace")
        found = tracebacks(log_text)
        findings.append(f"server log: {len(found)} tracebacks")
        for traceback in found[:3]:
            findings.append(traceback)
        not_found = sorted(set(re.findall(r"Not Found: (\S+)", log_text)))
        if not_found:
            findings.append(f"404s logged: {', '.join(not_found[:10])}")
        print_report(runs, size, options, findings)
        print_cold(cold)
        print_freshness(fresh)
        failed = any(result["errors"] for result in runs.values()) or found
        failed = failed or any(a["errors"] or b["errors"] for a, b in cold.values())
        keep_logs = keep_logs or bool(failed)
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped")
        keep_logs = True
        return 130
    finally:
        if keep_logs:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
