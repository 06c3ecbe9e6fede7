import datetime
from xml.etree import ElementTree

import pytest
from protego import Protego

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from notices.models import Notice
from tests.factories import make_archive, make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def read_xml(client, url):
    response = client.get(url.removeprefix(HOST))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def sitemap_files(client):
    index = read_xml(client, "/sitemap.xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [entry.findtext(f"{SITEMAP}loc") for entry in index.findall(f"{SITEMAP}sitemap")]


def listed_urls(client):
    """Every URL of every file the index lists, in order."""
    urls = []
    for file in sitemap_files(client):
        urlset = read_xml(client, file)
        assert urlset.tag == f"{SITEMAP}urlset"
        urls += [url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")]
    return urls


def test_sitemap_lists_every_published_issue_page_article_and_notice(client):
    issue = make_issue(date=datetime.date(2024, 10, 22))
    a01 = make_page(issue, code="A01")
    a03 = make_page(issue, code="A03", name="公告")
    article = make_article(a01)
    notice = make_notice(a03)
    make_article(a01, status=Article.Status.DRAFT)
    make_notice(a03, status=Notice.Status.DRAFT)
    draft_issue = make_issue(date=datetime.date(2024, 10, 23), is_published=False)
    draft_page = make_page(draft_issue, code="A01")
    make_article(draft_page)
    make_notice(draft_page)

    assert sitemap_files(client) == [
        f"{HOST}/sitemap-issues.xml",
        f"{HOST}/sitemap-pages.xml",
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-notices.xml",
    ]
    assert listed_urls(client) == [
        f"{HOST}/issues/2024-10-22/",
        f"{HOST}/issues/2024-10-22/A01/",
        f"{HOST}/issues/2024-10-22/A03/",
        f"{HOST}/articles/{article.pk}/",
        f"{HOST}/notices/{notice.pk}/",
    ]


def test_entries_carry_when_they_last_changed(client):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        updated=datetime.datetime(2024, 11, 5, 9, 30, tzinfo=datetime.UTC)
    )
    index = read_xml(client, "/sitemap.xml")
    lastmods = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in index.findall(f"{SITEMAP}sitemap")
    }
    assert lastmods[f"{HOST}/sitemap-articles.xml"] == "2024-11-05T17:30:00+08:00"
    url = read_xml(client, "/sitemap-articles.xml").find(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}lastmod") == "2024-11-05"


def test_sections_are_cut_into_files_by_id_range_each_url_exactly_once(client, monkeypatch):
    """File p holds the ids (p-1)·limit < id ≤ p·limit: drafts and deletions leave gaps."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    page = make_page()
    articles = [make_article(page) for _ in range(7)]
    top = max(article.pk for article in articles)
    articles[2].delete()
    Article.objects.filter(pk=articles[4].pk).update(status=Article.Status.DRAFT)
    published = [a for n, a in enumerate(articles) if n not in (2, 4)]

    base = articles[0].pk - 1  # ranges count from the lowest id
    files = [f for f in sitemap_files(client) if "articles" in f]
    assert files == [f"{HOST}/sitemap-articles.xml"] + [
        f"{HOST}/sitemap-articles.xml?p={p}" for p in range(2, (top - base + 1) // 2 + 1)
    ]
    by_file = {}
    for file in files:
        urlset = read_xml(client, file)
        by_file[file] = [u.findtext(f"{SITEMAP}loc") for u in urlset.findall(f"{SITEMAP}url")]
        assert len(by_file[file]) <= 2
    listed = [url for urls in by_file.values() for url in urls]
    assert listed == [f"{HOST}{article.get_absolute_url()}" for article in published]
    for article in published:  # in the file of its id range
        p = (article.pk - base + 1) // 2
        file = f"{HOST}/sitemap-articles.xml" + (f"?p={p}" if p > 1 else "")
        assert f"{HOST}{article.get_absolute_url()}" in by_file[file]


@pytest.mark.parametrize("url", ["/sitemap-articles.xml?p=99999", "/sitemap-pages.xml?p=x"])
def test_a_file_past_the_end_or_a_bad_number_is_404(client, url):
    make_article()
    assert client.get(url).status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-users.xml").status_code == 404


def test_empty_archive_has_a_valid_sitemap(client):
    assert listed_urls(client) == []


def test_sitemaps_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    for count in (1, 30):
        make_archive(count)
        # For each of the four sections: when it last changed and how many files it has.
        with django_assert_num_queries(8):
            read_xml(client, "/sitemap.xml")
        for section in ("issues", "pages", "articles", "notices"):
            # The count, then the file's items.
            with django_assert_num_queries(2):
                read_xml(client, f"/sitemap-{section}.xml")


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_searches(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    robots = Protego.parse(response.content.decode())

    assert list(robots.sitemaps) == [f"{HOST}/sitemap.xml"]
    for path in [
        "/admin/",
        "/admin/notices/notice/",
        "/search/?q=烟台",
        "/articles/?q=烟台",
        "/articles/?page=2",
        "/notices/?holder=张三",
        "/notices/?number=0001715&kind=lost",
    ]:
        assert not robots.can_fetch(f"{HOST}{path}", "Googlebot"), path
    for path in [
        "/",
        "/issues/2024-10-22/",
        "/issues/2024-10-22/A01/",
        "/articles/",
        "/articles/1/",
        "/notices/",
        "/notices/2/",
        "/notices/rates/",
        "/sitemap.xml",
        "/feeds/articles/",
    ]:
        assert robots.can_fetch(f"{HOST}{path}", "Googlebot"), path


def test_robots_txt_names_the_host_it_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["archive.example"]
    response = client.get("/robots.txt", headers={"host": "archive.example"}, secure=True)
    assert "Sitemap: https://archive.example/sitemap.xml" in response.content.decode()
