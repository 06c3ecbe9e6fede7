"""No full resident ID number reaches a log: gunicorn's access and error logs, Django's."""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import unicodedata
from urllib.parse import quote, unquote_plus

import pytest
from django.conf import settings

from paper.log import MaskResidentIds, mask_log_text
from paper.text import find_resident_ids

ID = "370602199001011239"
FULL_WIDTH = unicodedata.normalize("NFKC", ID).translate({ord(d): 0xFF10 + int(d) for d in ID})
# The ID as it may arrive in a URL: plain, with + or %20 for spaces, percent-encoded
# full-width digits, raw UTF-8 bytes (which gunicorn decodes as Latin-1), encoded twice.
ENCODINGS = {
    "plain": ID,
    "plus": "370602+19900101+1239",
    "space": "370602%2019900101%201239",
    "dashes": "370602-19900101-1239",
    "full-width": quote(FULL_WIDTH),
    "raw-utf8": FULL_WIDTH.encode().decode("latin-1"),
    "twice": "370602%252019900101%25201239",
    # How gunicorn's error log quotes a request line of raw bytes that it refused.
    "repr": repr(FULL_WIDTH.encode().decode("latin-1"))[1:-1],
}


def holds_an_id(text):
    """Whether a full ID can be read back out of ``text``, however it is encoded."""
    for decode in (
        lambda t: t.encode("latin-1").decode("unicode_escape"),
        lambda t: t.encode("latin-1").decode("utf-8"),
        unquote_plus,
        unquote_plus,
        unquote_plus,
    ):
        with contextlib.suppress(UnicodeError):
            text = decode(text)
    return bool(find_resident_ids(text))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_access_log_line_keeps_no_full_id_however_the_url_encoded_it(encoding):
    value = ENCODINGS[encoding]
    line = (
        f'127.0.0.1 - - [01/Dec/2026:10:00:00 +0800] "GET /search/?q={value}&page=2 HTTP/1.1" '
        f'200 3684 "https://archive.example.cn/notices/?number={value}" "Mozilla/5.0"'
    )
    assert holds_an_id(line)  # the test's own check sees the ID before masking
    masked = mask_log_text(line)
    assert not holds_an_id(masked), masked
    assert "/search/?q=" in masked and "page=2" in masked and '" 200 3684 "' in masked


def test_a_line_without_an_id_is_logged_unchanged():
    line = '127.0.0.1 - - [x] "GET /search/?q=%E7%83%9F%E5%8F%B0+370602 HTTP/1.1" 200 1 "-" "-"'
    assert mask_log_text(line) == line


def test_decoding_cannot_split_a_line():
    masked = mask_log_text(f"GET /search/?q={ID}%0A%0Dforged HTTP/1.1")
    assert "\n" not in masked and "\r" not in masked and not holds_an_id(masked)


def test_djangos_log_records_are_masked_too():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/notices/{ID}/",), None
    )
    assert MaskResidentIds().filter(record) is True
    assert record.getMessage() == "Not Found: /notices/370602********1239/"
    assert "resident_ids" in settings.LOGGING["handlers"]["console"]["filters"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raw_get(port, target, referer):
    """A GET with the request line sent as bytes, as a client that does not encode it would."""
    request = (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nReferer: {referer}\r\n"
        "Connection: close\r\n\r\n"
    ).encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return reply.split(b" ", 2)[1]


def test_gunicorns_logs_hold_no_full_id(static_root, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "-",
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "paper/gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                raw_get(port, "/livez", "-")
                break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        statuses = set()
        for value in ENCODINGS.values():
            statuses.add(raw_get(port, f"/livez?q={value}", f"http://127.0.0.1/search/?q={value}"))
        statuses.add(raw_get(port, f"/nope/{ID}/", "-"))  # Django logs the path of a 404
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log_path.read_text()
    print(output)  # shown when the test fails
    # gunicorn refuses a request line of raw UTF-8 (400) and logs it in its error log.
    assert statuses == {b"200", b"400", b"404"}, statuses
    assert output.count('"GET /livez?q=') == len(ENCODINGS) - 2  # all but raw-utf8 and repr
    assert "Invalid HTTP request line: 'GET /livez?q=" in output
    assert "370602********1239" in output
    assert "+0800]" in output  # the rest of a line is left as it was
    assert "Not Found: /nope/370602********1239/" in output
    for line in output.splitlines():
        assert not holds_an_id(line), line
