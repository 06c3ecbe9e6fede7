"""Measure search latency per query class: the engine against a naive substring scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<an archive> \\
        .venv/bin/python bench/search.py [--repeat 3] [--naive-queries 2]
    (or: make bench-search BENCH_ARGS="--repeat 3")

Each query asks for what /search/ shows first: the newest 20 matches among published articles
and notices, with their counts (exact or estimated). Run it on an archive made by
``manage.py generate_archive`` in the PostgreSQL database DATABASE_URL names; without one it
says what is missing and exits non-zero. The last line is machine-readable. Figures are printed,
not asserted.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.db import OperationalError, connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from articles.models import Article  # noqa: E402
from notices.models import LostItem, Notice  # noqa: E402
from paper.search import SearchQuery, search_sources  # noqa: E402

FIXED_QUERIES = {
    "1 char": ["工", "市", "海", "证", "岛"],
    "common 2-char": ["发展", "工人", "产业", "企业", "建设"],
    "mid 2-char": ["海参", "樱桃", "港口", "灯塔", "台风"],
    "rare 2-char": ["鸾俦", "崆峒", "养马", "蓬莱", "昆嵛"],
    "phrase 4+": ["产业工人队伍", "高质量发展", "劳动关系", "生态环境保护", "职业技能培训"],
    "two words": ["工匠 人才", "海参 发展", "督察 环境", "樱桃 市民", "港口 建设"],
}
SAMPLED_ITEMS = [1, 2_000, 40_000, 150_000, 390_000]


def sampled_queries():
    """Names and numbers taken from fixed rows of the generated archive."""
    items = list(LostItem.objects.filter(pk__in=SAMPLED_ITEMS).order_by("pk"))
    if not items:
        items = list(LostItem.objects.order_by("pk")[:5])
    names = [item.holder for item in items if len(item.holder) == 3] or [items[0].holder]
    numbers = []
    for n, item in enumerate(items):
        number = item.number
        # Half as printed, half the way people type them: the letters and digits, lower case.
        typed = re.findall(r"[0-9A-Za-z][0-9A-Za-z-]*", number)[-1]
        numbers.append(number if n % 2 else typed.replace("-", "").lower())
    return {"3-char name": names, "document number": numbers}


def timed(function, repeat):
    samples = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - began) * 1000)
    return samples, result


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def engine(q):
    return search_sources(
        {
            "articles": Article.objects.published().for_list(),
            "notices": Notice.objects.published().for_list(),
        },
        SearchQuery.parse(q),
        page=1,
        per_page=20,
    )


NAIVE_TIMEOUT_MS = 60_000


def naive(q):
    """The same first page by scanning: icontains on the stored text, within a time limit."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {NAIVE_TIMEOUT_MS}")
        try:
            return _naive(q)
        except OperationalError:
            return None


def _naive(q):
    articles = Article.objects.published().for_list()
    notices = Notice.objects.published().for_list()
    for word in q.split():
        articles = articles.filter(Q(headline__icontains=word) | Q(body__icontains=word))
        notices = notices.filter(text__icontains=word)
    first = list(articles.order_by("-pub_date", "pk")[:21]) + list(
        notices.order_by("-pub_date", "pk")[:21]
    )
    return first, articles.count() + notices.count()


def archive_problem():
    """Why the database DATABASE_URL names holds no archive to measure, or None."""
    # The naive scan's time limit and the index sizes are PostgreSQL's.
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL to an archive made by generate_archive"
    try:
        tables = connection.introspection.table_names()
    except OperationalError as error:
        return f"cannot connect to the database DATABASE_URL names: {error}".strip()
    if Article._meta.db_table not in tables:
        return "the database has no archive tables: run migrate, then generate_archive"
    if not Article.objects.exists():
        return "the archive is empty: run generate_archive first"
    return None


def describe_archive():
    articles, notices = Article.objects.count(), Notice.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('articles_article_search_tokens')), "
            "pg_size_pretty(pg_relation_size('notices_notice_search_tokens')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        article_index, notice_index, database = cursor.fetchone()
    print(
        f"archive: {articles} articles, {notices} notices; token indexes {article_index} "
        f"(articles), {notice_index} (notices); database {database}"
    )


def main():
    parser = argparse.ArgumentParser(
        description="Median and p95 milliseconds per query class, engine against naive scan."
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query")
    parser.add_argument(
        "--naive-queries", type=int, default=2, help="queries per class for the naive scan"
    )
    args = parser.parse_args()

    problem = archive_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    describe_archive()
    classes = {**FIXED_QUERIES, **sampled_queries()}
    all_engine, all_naive = [], []
    header = f"{'class':<16} {'engine median':>13} {'p95':>7} {'naive median':>13} {'p95':>8}"
    print(header + "  plans / counts")
    for name, queries in classes.items():
        engine_samples, naive_samples, notes = [], [], []
        for n, q in enumerate(queries):
            engine(q)  # warm the statistics cache and the pages this query touches
            samples, found = timed(lambda q=q: engine(q), args.repeat)
            engine_samples += samples
            counts = "/".join(
                f"{'~' if estimated else ''}{count}"
                for count, estimated in found["counts"].values()
            )
            notes.append(f"{q}:{'+'.join(found['plans'].values())}:{counts}")
            if n < args.naive_queries:
                samples, found = timed(lambda q=q: naive(q), 1)
                # A scan stopped by the time limit counts as the limit.
                naive_samples += samples if found is not None else [NAIVE_TIMEOUT_MS]
        all_engine += engine_samples
        all_naive += naive_samples
        engine_median = statistics.median(engine_samples)
        naive_median = statistics.median(naive_samples)
        print(
            f"{name:<16} {engine_median:>13.1f} {p95(engine_samples):>7.1f} "
            f"{naive_median:>13.1f} {p95(naive_samples):>8.1f}  " + "  ".join(notes)
        )
    print(f"search p95_ms={p95(all_engine):.1f} naive_p95_ms={p95(all_naive):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
