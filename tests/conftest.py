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
