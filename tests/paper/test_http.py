"""HTTP itself: HEAD answered like GET, and the reader's address behind the proxy."""

import pytest

from paper.http import client_ip
from tests.factories import make_article, make_issue, make_notice, make_page


@pytest.fixture
def head_urls(db):
    """A page of each kind: home, issue, article, notice, a list, the sitemap and a section."""
    issue = make_issue()
    page = make_page(issue)
    return [
        "/",
        issue.get_absolute_url(),
        make_article(page).get_absolute_url(),
        make_notice(page).get_absolute_url(),
        "/articles/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
    ]


def validators(response):
    return response.get("ETag"), response.get("Last-Modified")


@pytest.mark.parametrize("cached", [False, True], ids=["no-page-cache", "page-cache"])
def test_head_carries_the_etag_and_last_modified_of_get_without_a_body(
    client, head_urls, cached, request
):
    if cached:
        request.getfixturevalue("page_cache")
    for url in head_urls:
        # HEAD first (rendered, and kept under its own key when cached), GET, HEAD again
        # (served from GET's copy when cached): all three carry the same validators.
        first = client.head(url)
        get = client.get(url)
        again = client.head(url)
        assert get.status_code == 200, url
        assert get["ETag"] and get.content, url
        for head in (first, again):
            assert head.status_code == 200, url
            assert head.content == b"", url
            assert validators(head) == validators(get), url
    sitemap = client.get("/sitemap-articles.xml")
    assert sitemap["Last-Modified"]  # the case where there is a Last-Modified to compare


@pytest.mark.parametrize("cached", [False, True], ids=["no-page-cache", "page-cache"])
def test_a_conditional_head_with_the_etag_is_answered_304(client, head_urls, cached, request):
    if cached:
        request.getfixturevalue("page_cache")
    for url in head_urls:
        etag = client.get(url)["ETag"]
        response = client.head(url, headers={"if-none-match": etag})
        assert response.status_code == 304, url
        assert response.content == b"", url
        assert client.head(url, headers={"if-none-match": '"other"'}).status_code == 200, url


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
