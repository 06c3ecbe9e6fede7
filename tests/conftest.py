import os

import pytest
from django.conf import settings
from django.test.utils import override_settings


def pytest_sessionstart(session):
    if (
        os.environ.get("REQUIRE_POSTGRES")
        and "postgresql" not in settings.DATABASES["default"]["ENGINE"]
    ):
        pytest.exit("REQUIRE_POSTGRES is set but DATABASE_URL does not point to PostgreSQL", 2)


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a test that did not run: fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("FAIL_ON_SKIP") and reporter and reporter.stats.get("skipped"):
        reporter.write_line("FAIL_ON_SKIP: tests were skipped; CI requires every test to run.")
        session.exitstatus = 1


@pytest.fixture(autouse=True, scope="session")
def plain_static_storage():
    """Templates name static files without a collectstatic run; production hashes them."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


# The rate limits count in the real Redis under a prefix of this run's own, so that runs in
# other work trees do not share counts; each test starts with none (cleared by key, never
# FLUSHDB, which would clear the other runs' too).
LIMITS_CACHE = {
    **settings.CACHES["limits"],
    "KEY_PREFIX": f"test-{os.getpid()}",
}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Tests see each change at once; tests/paper/test_caching.py turns the cache on."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "limits": LIMITS_CACHE,
    }
    yield
    clear_rate_limits()


def clear_rate_limits():
    import redis

    if "LOCATION" in LIMITS_CACHE:
        client = redis.Redis.from_url(LIMITS_CACHE["LOCATION"])
        keys = list(client.scan_iter(match=f"{LIMITS_CACHE['KEY_PREFIX']}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def page_cache(settings):
    """The production cache: each worker's memory, empty at the start of the test."""
    from django.core.cache import cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def editor(client, db):
    """A member of the group 编辑 (not a superuser), logged in to the test client."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("this test needs PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def sample_issue(db):
    """The sample issue: the seed export imported with ``--date 2024-10-22 --publish``."""
    from tests.factories import import_sample_issue

    return import_sample_issue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores page files in a folder of its own, served as in development."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVE_MEDIA = True
    return settings.MEDIA_ROOT


SAMPLE_PAGES = settings.BASE_DIR / "paper" / "fixtures" / "sample_pages"
_renderings = {}


@pytest.fixture
def render_once(monkeypatch):
    """Each distinct page file is rendered once per run: the sample's pages recur in many tests."""
    import hashlib

    from paper import page_files, page_rendering

    def render(data, cover=()):
        key = hashlib.sha256(data).digest(), repr(cover)
        if key not in _renderings:
            _renderings[key] = page_rendering.render(data, cover)
        return _renderings[key]

    monkeypatch.setattr(page_files, "render", render)


def load_sample_issue_with_pages():
    """The sample issue, its page PDFs attached and rendered, zones found from their text."""
    from paper.models import Issue
    from paper.page_files import attach_page_files
    from tests.factories import import_sample_issue

    import_sample_issue()
    return attach_page_files(Issue.objects.get(date="2024-10-22"), SAMPLE_PAGES)


@pytest.fixture
def static_root(tmp_path_factory):
    """Collected static files, for a server started in a subprocess with debug off."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SECRET_KEY": "test-only", "DJANGO_STATIC_ROOT": str(root)},
        check=True,
    )
    return root
