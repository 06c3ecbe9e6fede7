"""Faults: the database going away and coming back, errors, and what readers see meanwhile."""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from tests.factories import make_article, make_issue, make_notice, make_page


def break_the_database(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refused)


@pytest.mark.django_db
def test_a_page_that_cannot_reach_the_database_answers_503_in_the_site_look(client, monkeypatch):
    article = make_article(make_page(make_issue()))
    break_the_database(monkeypatch)
    for url in ("/", "/issues/", article.get_absolute_url(), "/notices/", "/search/?q=烟台"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "no-cache" in response["Cache-Control"]
        assert "暂时无法访问" in html
        assert 'class="masthead"' in html and "烟台日报" in html
        assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_an_unexpected_error_is_a_500_page_in_the_site_look_without_a_traceback(
    client, monkeypatch
):
    issue = make_issue()
    make_page(issue)

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("division by zero in a template tag")

    monkeypatch.setattr("paper.models.Issue.get_previous_published", broken)
    client.raise_request_exception = False
    response = client.get(issue.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in html and 'class="masthead"' in html and "烟台日报" in html
    assert "Traceback" not in html and "ZeroDivisionError" not in html
    assert "division by zero" not in html


@pytest.mark.django_db
def test_a_missing_page_is_a_404_in_the_site_look(client):
    response = client.get("/issues/2024-10-22/A09/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'class="masthead"' in html


@pytest.mark.postgres
def test_postgresql_connections_run_with_the_statement_timeout(postgres_only):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setting, unit FROM pg_settings WHERE name = 'statement_timeout'")
        assert cursor.fetchone() == (str(settings.DB_STATEMENT_TIMEOUT_MS), "ms")


@pytest.fixture
def short_statement_timeout(postgres_only):
    """Connections made during the test cancel a statement after 200 ms instead of 10 s."""
    from django.db import connection

    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    options["options"] = "-c statement_timeout=200"
    connection.close()
    yield
    options.clear()
    options.update(saved)
    connection.close()


@pytest.mark.postgres
@pytest.mark.urls("tests.paper.slow_query_urls")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_query_past_the_statement_timeout_is_a_503_page_and_the_next_request_works(
    client, short_statement_timeout, caplog
):
    from django.db import connection

    article = make_article(make_page(make_issue()), headline="超时之后")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "200ms"
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        response = client.get("/slow-query/")
    assert time.monotonic() - started < 4  # cancelled, not slept through (pg_sleep(5))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    assert "查询时间过长" in html and "请缩小范围后重试" in html
    assert "暂时无法访问" not in html
    assert 'class="masthead"' in html and "烟台日报" in html
    assert "Traceback" not in html and "OperationalError" not in html
    # Logged once by the middleware, as a timeout, without a traceback; the database is not
    # reported down.
    ours = [r for r in caplog.records if r.name == "paper.middleware"]
    assert [r.getMessage() for r in ours] == [
        "Query timed out for /slow-query/: canceling statement due to statement timeout"
    ]
    assert not any(record.exc_info for record in caplog.records)
    assert "Database unavailable" not in caplog.text

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "超时之后" in response.content.decode()
    assert client.get("/healthz").status_code == 200


class TcpProxy:
    """A loopback TCP proxy in front of PostgreSQL that can be cut and restored.

    Cutting it closes the listening socket and every open connection, which is what the
    site sees when the database server stops or the network to it fails.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, int(target_port))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not on Linux.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets = []


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return None, ""  # not listening yet


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_answers_503_while_the_database_is_down_and_recovers_without_a_restart(
    postgres_only, static_root, tmp_path
):
    from django.db import connection

    issue = make_issue()
    page = make_page(issue)
    article = make_article(page, headline="数据库恢复之后")
    notice = make_notice(page)
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", db["PORT"] or 5432)
    proxy.start()
    port = TcpProxy("127.0.0.1", 0).port
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_CACHE": "off",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    urls = [
        "/",
        issue.get_absolute_url(),
        page.get_absolute_url(),
        article.get_absolute_url(),
        notice.get_absolute_url(),
        "/articles/",
    ]
    try:
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200, 30), "gunicorn did not start"
        for url in urls:
            for _ in range(2):  # both workers, with their connections open
                assert fetch(base + url)[0] == 200, url

        proxy.cut()
        statuses = {url: fetch(base + url) for url in urls}
        for url, (status, html) in statuses.items():
            assert status == 503, url
            assert "暂时无法访问" in html and 'class="masthead"' in html, url
            assert "Traceback" not in html, url
        assert fetch(base + "/healthz")[0] == 503
        assert fetch(base + "/livez")[0] == 200

        proxy.start()
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200, 10)
        for url in urls:
            for _ in range(2):
                status, html = fetch(base + url)
                assert status == 200, url
        assert "数据库恢复之后" in fetch(base + article.get_absolute_url())[1]
        assert server.poll() is None, "gunicorn stopped"
    finally:
        server.terminate()
        server.wait(timeout=30)
        proxy.cut()
        log.seek(0)
        output = log.read()
        print(output)  # shown when the test fails
    assert "Traceback" not in output, output
    assert "Database unavailable" in output
