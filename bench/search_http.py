"""How fast /search/ and the lists' ``q`` filter answer through HTTP, on queries drawn from the
archive itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<an archive> \\
        .venv/bin/python bench/search_http.py [--queries 30] [--seed 16] [--port 8124]
    (or: make bench-search-http BENCH_ARGS="--queries 10")

The queries come from the archive DATABASE_URL names (made by ``manage.py generate_archive``),
drawn with a fixed ``--seed``, ``--queries`` of each class:

- ``substr N``: a substring of N characters (2, 3, 4, 6, 8) of a published article's headline
  and text or a notice's text as readers see them (resident IDs masked), letters and digits
  only;
- ``two terms``: two substrings of 2-4 characters from far apart in one document;
- ``holder``: the holder of a lost item, as printed;
- ``number tail``: the last six characters of a lost item's number (never a resident ID's, nor
  any that the mask would hide);
- ``absent CJK``, ``absent digits``: invented bigrams and random 8-digit strings, checked to
  match no document.

Documents are picked by a random primary key in the table's range (the next published one from
there), so drawing is quick on a million rows. Then gunicorn starts as production runs it (two
sync workers, debug off) with the page cache off; each query is asked once of ``/search/``,
``/articles/`` and ``/notices/`` as a warm-up, then once more, timed, one request at a time.
Prints count, p50, p95 and max per class and URL, the statuses seen, the slowest query, and a
last line with the worst p95 per URL. Figures are printed, not asserted: it exits non-zero only
when a response is a 5xx (or none came) or the server's log holds a traceback.
"""

import argparse
import os
import random
import re
import shutil
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
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from articles.models import Article  # noqa: E402
from notices.models import LostItem, Notice  # noqa: E402
from paper.models import PrintedStatus  # noqa: E402
from paper.search import SearchQuery, TokenStatistics  # noqa: E402
from paper.text import find_resident_ids, mask_resident_ids, resident_id_lookup  # noqa: E402

KINDS = {"search": "/search/", "articles": "/articles/", "notices": "/notices/"}
SUBSTRING_LENGTHS = (2, 3, 4, 6, 8)
# Letters and digits only: no whitespace, punctuation, symbols or the mask's asterisks.
WORD_RUN = re.compile(r"[^\W_]+")
INVENTED = ["鑫龘", "龘靐", "齉爩", "鱻麤"]
CJK = (0x4E00, 0x9FA5)
TRIES = 200  # documents (or strings) tried for one query before the class gives up


class Drawer:
    """Queries drawn from the archive with one random generator (``--seed``)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.bounds = {
            model: model._base_manager.aggregate(low=Min("pk"), high=Max("pk"))
            for model in (Article, Notice, LostItem)
        }
        self.stats = {model: TokenStatistics.for_model(model) for model in (Article, Notice)}

    def _random_row(self, queryset, model):
        """The first row of ``queryset`` from a random primary key on (an index scan, no sort
        of the table); None when the key fell past the last one."""
        bounds = self.bounds[model]
        start = self.rng.randint(bounds["low"], bounds["high"])
        return queryset.filter(pk__gte=start).order_by("pk").first()

    def document_text(self, model):
        """A published document's text as readers see it, resident IDs masked."""
        for _ in range(TRIES):
            document = self._random_row(model.objects.published(), model)
            if document is None:
                continue
            if model is Article:
                headline, text = document.search_display()  # both masked
                return f"{headline}\n{text}"
            return document.public_text()
        raise RuntimeError(f"no published {model.__name__} found")

    def lost_item(self):
        published = LostItem.objects.filter(
            notice__status=PrintedStatus.PUBLISHED, notice__issue__is_published=True
        )
        for _ in range(TRIES):
            item = self._random_row(published, LostItem)
            if item is not None:
                return item
        raise RuntimeError("no lost item of a published notice found")

    def _starts(self, text, length):
        """Where a substring of ``length`` letters and digits may start in ``text``."""
        return [
            start
            for run in WORD_RUN.finditer(text)
            for start in range(run.start(), run.end() - length + 1)
        ]

    def substring(self, model, length):
        for _ in range(TRIES):
            text = self.document_text(model)
            starts = self._starts(text, length)
            if starts:
                start = self.rng.choice(starts)
                return text[start : start + length]
        return None

    def two_terms(self, model):
        """Two substrings of 2-4 characters at least a third of the document apart."""
        for _ in range(TRIES):
            text = self.document_text(model)
            lengths = self.rng.randint(2, 4), self.rng.randint(2, 4)
            first_starts = self._starts(text, lengths[0])
            if not first_starts:
                continue
            first = self.rng.choice(first_starts)
            gap = max(len(text) // 3, 4)
            second_starts = [
                start
                for start in self._starts(text, lengths[1])
                if start >= first + lengths[0] + gap or start + lengths[1] + gap <= first
            ]
            if not second_starts:
                continue
            second = self.rng.choice(second_starts)
            (a, a_length), (b, b_length) = sorted([(first, lengths[0]), (second, lengths[1])])
            words = text[a : a + a_length], text[b : b + b_length]
            if words[0] != words[1]:
                return " ".join(words)
        return None

    def holder(self):
        return mask_resident_ids(self.lost_item().holder).strip() or None

    def number_tail(self):
        """The last six characters of a lost item's number, where the public sees all six."""
        for _ in range(TRIES):
            number = self.lost_item().number.strip()
            if len(number) < 6 or resident_id_lookup(number):
                continue
            hidden = {index for found in find_resident_ids(number) for index in found.hidden}
            if hidden & set(range(len(number) - 6, len(number))):
                continue
            tail = number[-6:]
            if not any(char.isspace() for char in tail):
                return tail
        return None

    def matches_nothing(self, q):
        """Whether no article or notice, published or not, matches ``q`` (the token index, then
        the substring check, as the engine asks)."""
        query = SearchQuery.parse(q)
        return not any(
            query.filter(model._base_manager.all(), self.stats[model]).exists()
            for model in (Article, Notice)
        )

    def absent_cjk(self, n):
        """The ``n``-th invented bigram, or (when none is left, or it matches) a random one."""
        candidates = INVENTED[n : n + 1]
        for _ in range(TRIES):
            q = (
                candidates.pop()
                if candidates
                else "".join(chr(self.rng.randint(*CJK)) for _ in range(2))
            )
            if self.matches_nothing(q):
                return q
        return None

    def absent_digits(self):
        for _ in range(TRIES):
            q = f"{self.rng.randrange(10**8):08d}"
            if self.matches_nothing(q):
                return q
        return None


def draw_queries(drawer, per_class):
    """{class: [queries]}, each class ``per_class`` distinct queries (fewer if it ran dry)."""
    models = (Article, Notice)
    makers = {
        **{
            f"substr {length}": lambda n, length=length: drawer.substring(models[n % 2], length)
            for length in SUBSTRING_LENGTHS
        },
        "two terms": lambda n: drawer.two_terms(models[n % 2]),
        "holder": lambda n: drawer.holder(),
        "number tail": lambda n: drawer.number_tail(),
        "absent CJK": drawer.absent_cjk,
        "absent digits": lambda n: drawer.absent_digits(),
    }
    classes = {}
    for name, make in makers.items():
        queries = []
        for _ in range(per_class * 3):
            if len(queries) == per_class:
                break
            q = make(len(queries))
            if q and q not in queries:
                queries.append(q)
        classes[name] = queries
    return classes


def fetch(url):
    """(status, seconds); status 0 when no response came (a dropped connection, a time-out)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def port_is_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_server(port, log, static):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_CACHE": "off",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(server, base):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if fetch(base + "/livez")[0] == 200:
            return True
        time.sleep(0.5)
    return False


def p95(timings):
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def url_for(base, kind, q):
    return f"{base}{KINDS[kind]}?{urllib.parse.urlencode({'q': q})}"


def run(base, classes):
    """{(class, kind): [(ms, status, q)]}: a warm-up pass over every URL, then a timed one."""
    requests = [
        (name, kind, q) for name, queries in classes.items() for q in queries for kind in KINDS
    ]
    for _, kind, q in requests:
        fetch(url_for(base, kind, q))
    results = {}
    for name, kind, q in requests:
        status, seconds = fetch(url_for(base, kind, q))
        results.setdefault((name, kind), []).append((seconds * 1000, status, q))
    return results


def report(classes, results):
    """Prints the table and the summary; returns whether any response was a 5xx or missing."""
    print(
        f"{'class':<14} {'url':<11} {'n':>3} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'statuses':<10} slowest"
    )
    worst = {}
    failed = False
    for name in classes:
        for kind, path in KINDS.items():
            rows = results.get((name, kind))
            if not rows:
                continue
            timings = [ms for ms, _, _ in rows]
            statuses = sorted({status for _, status, _ in rows})
            failed |= any(status == 0 or status >= 500 for status in statuses)
            slowest = max(rows)
            shown = "/".join(str(status) if status else "none" for status in statuses)
            print(
                f"{name:<14} {path:<11} {len(rows):>3} {statistics.median(timings):>7.0f} "
                f"{p95(timings):>7.0f} {slowest[0]:>7.0f} {shown:<10} {slowest[2]}"
            )
            if kind not in worst or p95(timings) > worst[kind][0]:
                worst[kind] = (p95(timings), name)
    print(
        "worst p95: "
        + "  ".join(f"{KINDS[kind]} {ms:.0f} ms ({name})" for kind, (ms, name) in worst.items())
    )
    return failed


def archive_problem():
    if connection.vendor != "postgresql":
        return "DATABASE_URL must name a PostgreSQL archive made by generate_archive"
    if not Article.objects.exists() or not Notice.objects.exists():
        return "the archive has no articles or no notices: run generate_archive first"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=30, help="queries per class")
    parser.add_argument("--seed", type=int, default=16, help="seed of the queries drawn")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--show-queries", action="store_true", help="list the queries drawn")
    options = parser.parse_args()
    problem = archive_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if not port_is_free(options.port):
        print(f"port {options.port} is in use: choose another with --port", file=sys.stderr)
        return 1

    began = time.perf_counter()
    drawer = Drawer(options.seed)
    classes = draw_queries(drawer, options.queries)
    connection.close()
    ids = {model: drawer.bounds[model]["high"] for model in (Article, Notice)}
    print(
        f"archive: articles up to #{ids[Article]}, notices up to #{ids[Notice]}; "
        f"{sum(map(len, classes.values()))} queries drawn in "
        f"{time.perf_counter() - began:.1f} s (seed {options.seed})"
    )
    if options.show_queries:
        for name, queries in classes.items():
            print(f"  {name}: {' | '.join(queries)}")

    static = tempfile.mkdtemp(prefix="bench-static-")
    handle, log_name = tempfile.mkstemp(prefix="bench-search-http-", suffix=".log")
    os.close(handle)
    base = f"http://127.0.0.1:{options.port}"
    with open(log_name, "wb") as log:
        server = start_server(options.port, log, static)
        try:
            if not wait_until_up(server, base):
                print(f"gunicorn did not come up; its log: {log_name}", file=sys.stderr)
                return 1
            results = run(base, classes)
        finally:
            server.terminate()
            server.wait(timeout=30)
            shutil.rmtree(static, ignore_errors=True)

    failed = report(classes, results)
    server_log = Path(log_name).read_text(errors="replace")
    tracebacks = server_log.count("Traceback (most recent call last)")
    if tracebacks:
        print(f"the server logged {tracebacks} traceback(s): {log_name}", file=sys.stderr)
    else:
        os.unlink(log_name)
    if failed:
        print("a response was a 5xx, or none came", file=sys.stderr)
    return 1 if failed or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
