"""Public pages are cached; browsers and CDNs are told for how long, with an ETag."""

import time

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils.cache import get_max_age

from tests.factories import make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    issue = make_issue()
    page = make_page(issue)
    return {
        "article": make_article(page, headline="初版标题"),
        "notice": make_notice(page),
        "issue": issue,
        "page": page,
    }


def public_urls(archive):
    return [
        "/issues/",
        archive["issue"].get_absolute_url(),
        archive["page"].get_absolute_url(),
        archive["article"].get_absolute_url(),
        archive["notice"].get_absolute_url(),
        archive["notice"].get_absolute_url() + "proof/",
        "/articles/?source=新华社",
        "/notices/",
        "/notices/rates/",
        "/search/?q=标题",
        "/feeds/articles/",
        "/sitemap.xml",
    ]


def test_public_pages_say_how_long_they_may_be_kept_and_carry_an_etag(client, archive):
    for url in public_urls(archive):
        response = client.get(url)
        assert response.status_code == 200, url
        assert get_max_age(response) == 300, url
        assert response["ETag"], url
        assert "Expires" in response, url
    assert get_max_age(client.get("/")) == 60


def test_a_conditional_get_with_the_etag_is_answered_304_without_a_body(client, archive):
    url = archive["article"].get_absolute_url()
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_health_checks_the_admin_and_errors_are_never_cached(client, archive, page_cache):
    for url in ("/healthz", "/livez"):
        assert "no-cache" in client.get(url)["Cache-Control"], url
    staff = User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    client.force_login(staff)
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert "private" in admin["Cache-Control"] or "no-cache" in admin["Cache-Control"]
    assert client.get("/articles/999999/").status_code == 404
    assert "max-age" not in client.get("/articles/999999/").get("Cache-Control", "")


def test_a_change_made_behind_the_sites_back_is_served_once_the_copy_expires(
    client, archive, page_cache, settings
):
    """Saving purges (test_shared_cache.py); a change by SQL alone waits for the copy to expire."""
    settings.CACHE_MIDDLEWARE_SECONDS = 1  # the documented 300 s, shortened for the test
    article = archive["article"]
    url = article.get_absolute_url()
    assert "初版标题" in client.get(url).content.decode()
    type(article).objects.filter(pk=article.pk).update(headline="更正后的标题")
    assert "初版标题" in client.get(url).content.decode()  # the cached copy, within its time
    time.sleep(1.1)
    assert "更正后的标题" in client.get(url).content.decode()


def test_a_cached_page_is_served_while_the_database_is_down(
    client, archive, page_cache, monkeypatch
):
    cached = archive["article"].get_absolute_url()
    other = archive["notice"].get_absolute_url()
    assert client.get(cached).status_code == 200

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refused)
    response = client.get(cached)
    assert response.status_code == 200
    assert "初版标题" in response.content.decode()
    assert client.get(other).status_code == 503


def test_one_copy_serves_every_reader_whatever_their_browser_language(client, archive, page_cache):
    """One language only: pages do not vary on Accept-Language, so caches keep one copy."""
    url = archive["article"].get_absolute_url()
    first = client.get(url, headers={"accept-language": "en-US,en;q=0.9"})
    assert "Accept-Language" not in first.get("Vary", "")
    archive["article"].headline = "更正后的标题"
    archive["article"].save()
    again = client.get(url, headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert "初版标题" in again.content.decode()  # the copy the first reader's request cached
    assert 'lang="zh-CN"' in again.content.decode()
