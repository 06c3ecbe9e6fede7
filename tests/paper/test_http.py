"""The reader's address behind the proxy: the cases where django-ipware would answer otherwise."""

import pytest

from paper.http import client_ip


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        ("8.8.4.4", "8.8.4.4"),
        ("10.9.9.0, 8.8.4.4", "8.8.4.4"),  # entries before the last are the client's own
        ("8.8.8.8, 10.0.0.5", "10.0.0.5"),  # a public first entry does not beat the last
        ("junk, 8.8.4.4", "8.8.4.4"),  # a bad earlier entry does not discard the last
        ("8.8.8.8, junk", "127.0.0.1"),  # a bad last entry: the peer, not the entry before
        ("", "127.0.0.1"),
    ],
)
def test_behind_the_proxy_the_last_forwarded_entry_is_the_reader(
    rf, settings, forwarded_for, expected
):
    settings.TRUST_X_FORWARDED_FOR = True
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_a_private_forwarded_address_beats_a_public_proxy_address(rf, settings):
    """Readers on the office network behind a proxy with a public address stay apart."""
    settings.TRUST_X_FORWARDED_FOR = True
    request = rf.get("/", REMOTE_ADDR="1.1.1.1", HTTP_X_FORWARDED_FOR="10.0.0.5")
    assert client_ip(request) == "10.0.0.5"


def test_without_the_proxy_the_header_is_ignored(rf, settings):
    settings.TRUST_X_FORWARDED_FOR = False
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.4.4")
    assert client_ip(request) == "127.0.0.1"
