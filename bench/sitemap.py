"""How long the sitemap takes on an archive of a million articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a scratch database> \\
        .venv/bin/python bench/sitemap.py [--articles 1000000] [--drop]
    (or: DATABASE_URL=… make bench-sitemap BENCH_ARGS="--articles 1000000")

Fills the database named by DATABASE_URL (migrating it first) with published issues of 4
pages of 25 articles each, unless it already holds that many, then times the sitemap index
the first file of each section, and the first and last file of the articles section at
10,000 and 50,000 URLs per file.
Use a scratch database: the rows stay for the next run (``--drop`` removes them).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# Time making the files, not the page cache: with it on, two of the three runs are cache hits.
os.environ.setdefault("DJANGO_CACHE", "off")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.sitemaps import ArticleSitemap  # noqa: E402
from paper.models import Issue, Page  # noqa: E402
from paper.sitemaps import SITEMAP_LIMIT  # noqa: E402

PAGES_PER_ISSUE = 4
ARTICLES_PER_PAGE = 25
BATCH = 5_000


def fill(article_count):
    per_issue = PAGES_PER_ISSUE * ARTICLES_PER_PAGE
    have = Article.objects.count()
    if have >= article_count:
        print(f"database already holds {have:,} articles")
        return
    first_day = datetime.date(1995, 1, 1) + datetime.timedelta(days=Issue.objects.count())
    issue_count = (article_count - have + per_issue - 1) // per_issue
    started = time.perf_counter()
    for start in range(0, issue_count, BATCH // per_issue):
        with transaction.atomic():
            days = range(start, min(start + BATCH // per_issue, issue_count))
            issues = Issue.objects.bulk_create(
                Issue(date=first_day + datetime.timedelta(days=day), is_published=True)
                for day in days
            )
            pages = Page.objects.bulk_create(
                Page(issue=issue, code=f"A{n:02d}", name="要闻", order=n)
                for issue in issues
                for n in range(1, PAGES_PER_ISSUE + 1)
            )
            Article.objects.bulk_create(
                Article(
                    issue_id=page.issue_id,
                    page=page,
                    pub_date=page.issue.date,
                    order=n,
                    headline=f"{page.issue.date} {page.code} 第{n}篇",
                    body="正文。" * 40,
                    status=Article.Status.PUBLISHED,
                )
                for page in pages
                for n in range(1, ARTICLES_PER_PAGE + 1)
            )
        print(f"\r{Article.objects.count():,} articles", end="", flush=True)
    print(f"\nfilled in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client, url, runs=3):
    """Median seconds, queries and bytes of a GET of ``url``."""
    seconds = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(seconds), len(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--drop", action="store_true", help="delete every issue and stop")
    args = parser.parse_args()
    # Without it the rows would go into the checkout's own db.sqlite3, the one `make run` uses.
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to a scratch database: this fills it with articles")
    call_command("migrate", verbosity=0)
    if args.drop:
        Issue.objects.all().delete()
        return
    fill(args.articles)
    total = Article.objects.published().count()
    client = Client()
    print(f"{total:,} published articles, {connection.vendor}")
    print(f"{'URL':<40} {'per file':>9} {'seconds':>8} {'queries':>8} {'MB':>6}")
    for url in ("/sitemap-issues.xml", "/sitemap-pages.xml", "/sitemap-notices.xml"):
        seconds, queries, size = timed(client, url)
        print(f"{url:<40} {SITEMAP_LIMIT:>9,} {seconds:>8.2f} {queries:>8} {size / 1e6:>6.1f}")
    for limit in (10_000, 50_000):
        ArticleSitemap.limit = limit
        last = (total + limit - 1) // limit
        for url in ("/sitemap.xml", "/sitemap-articles.xml", f"/sitemap-articles.xml?p={last}"):
            seconds, queries, size = timed(client, url)
            print(f"{url:<40} {limit:>9,} {seconds:>8.2f} {queries:>8} {size / 1e6:>6.1f}")


if __name__ == "__main__":
    main()
