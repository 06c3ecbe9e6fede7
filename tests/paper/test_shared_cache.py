"""One page cache for every worker, dropped when anything readers see is saved (paper.caching)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis

from paper import caching
from tests.factories import make_article, make_issue, make_notice, make_page
from tests.paper.test_faults import TcpProxy, fetch, wait_for

pytestmark = pytest.mark.django_db
REDIS = "redis://127.0.0.1:6379/3"


@pytest.fixture
def archive():
    issue = make_issue()
    page = make_page(issue)
    return {
        "article": make_article(page, headline="初版标题"),
        "notice": make_notice(page, items=[{"holder": "毕丽静"}]),
        "issue": issue,
        "page": page,
    }


def pages_showing(archive):
    """Every public page type the article or the notice appears on."""
    return [
        "/",
        archive["issue"].get_absolute_url(),
        archive["page"].get_absolute_url(),
        archive["article"].get_absolute_url(),
        "/articles/",
        "/articles.json",
        "/feeds/articles/",
        "/search/?q=标题",
    ]


def test_an_edit_is_served_on_the_next_request_on_every_page_that_shows_it(
    client, archive, page_cache, django_capture_on_commit_callbacks
):
    urls = pages_showing(archive)
    for url in urls:
        assert "初版标题" in client.get(url).content.decode(), url
    article = archive["article"]
    type(article).objects.filter(pk=article.pk).update(headline="未经保存的标题")
    assert all("初版标题" in client.get(url).content.decode() for url in urls)  # cached
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "更正后的标题"
        article.save()
    for url in urls:
        html = client.get(url).content.decode()
        assert "更正后的标题" in html and "初版标题" not in html, url


def test_unpublishing_an_issue_takes_its_pages_away_at_once(
    client, archive, page_cache, django_capture_on_commit_callbacks
):
    url = archive["article"].get_absolute_url()
    notice = archive["notice"].get_absolute_url()
    assert client.get(url).status_code == 200 and client.get(notice).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        archive["issue"].unpublish()
    assert client.get(url).status_code == 404
    assert client.get(notice).status_code == 404


def test_a_correction_to_an_item_is_seen_on_the_notice_at_once(
    client, archive, page_cache, django_capture_on_commit_callbacks
):
    url = archive["notice"].get_absolute_url()
    assert "毕丽静" in client.get(url).content.decode()
    item = archive["notice"].items.get()
    with django_capture_on_commit_callbacks(execute=True):
        item.holder = "毕丽娟"
        item.save()
    assert "毕丽娟" in client.get(url).content.decode()


def test_nothing_is_purged_before_the_change_is_committed(archive, page_cache):
    """A reader in between would otherwise cache the old rows under the new generation."""
    before = caching.generation()
    archive["article"].save()  # inside the test's transaction: not committed
    assert caching.generation() == before


def test_a_cache_that_cannot_be_reached_leaves_pages_served_uncached(client, archive, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{TcpProxy('127.0.0.1', 0).port}/0",  # nobody there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    for url in pages_showing(archive):
        assert client.get(url).status_code == 200, url


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_gunicorn_workers_share_the_cache_and_see_an_edit_within_a_second(
    postgres_only, static_root, tmp_path, settings
):
    """The production setting: RedisCache shared by two workers; an admin-side save purges."""
    from django.db import connection

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        },
    }
    issue = make_issue()
    article = make_article(make_page(issue), headline="初版标题")
    db = connection.settings_dict
    port = TcpProxy("127.0.0.1", 0).port
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_PAGE_CACHE_URL": REDIS,
        "DJANGO_PAGE_CACHE_PREFIX": prefix,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("DJANGO_CACHE", None)
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}{article.get_absolute_url()}"
    try:
        assert wait_for(lambda: fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200, 30)
        assert all("初版标题" in fetch(url)[1] for _ in range(10))
        # Changed behind the site's back (no save, no purge): every worker serves the copy.
        type(article).objects.filter(pk=article.pk).update(headline="未经保存的标题")
        assert all("初版标题" in fetch(url)[1] for _ in range(10))
        article.headline = "更正后的标题"
        article.save()
        saved = time.monotonic()
        assert wait_for(lambda: all("更正后的标题" in fetch(url)[1] for _ in range(4)), 1)
        seen = time.monotonic() - saved
        assert all("更正后的标题" in fetch(url)[1] for _ in range(10)), seen
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        output = log.read()
        print(output)
        client = redis.Redis.from_url(REDIS)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    assert "Traceback" not in output, output
