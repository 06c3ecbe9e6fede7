from xml.etree import ElementTree

import pytest
from pytest_django.asserts import assertContains, assertInHTML

from articles.models import Article
from tests.factories import make_archive, make_article, make_issue, make_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, url):
    """The feed at ``url`` parsed as XML, checked to be an Atom feed."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    return feed


def entries(feed):
    return feed.findall(f"{ATOM}entry")


def titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in entries(feed)]


def test_feed_has_the_50_newest_published_articles_newest_first(client):
    for n in range(55):
        make_article(make_page(make_issue()), headline=f"第{n}篇")
    newest = make_page(make_issue())
    make_article(newest, headline="草稿", status=Article.Status.DRAFT)
    make_article(make_page(make_issue(is_published=False)), headline="未发布的一期")

    feed = read_feed(client, "/feeds/articles/")

    assert titles(feed) == [f"第{n}篇" for n in range(54, 4, -1)]


def test_each_entry_has_what_atom_requires_and_a_reader_needs(client):
    article = make_article(
        make_page(make_issue(), code="A02", name="要闻"),
        headline="烟台港货物吞吐量创新高",
        byline="记者 王晓",
        column="经济观察",
        body="烟台港前三季度货物吞吐量同比增长。\n\n## 一、集装箱\n\n集装箱航线增至百条。",
    )
    entry = entries(read_feed(client, "/feeds/articles/"))[0]

    link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == f"http://testserver{article.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}id") == link
    assert entry.findtext(f"{ATOM}published") == f"{article.pub_date}T00:00:00+08:00"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "记者 王晓"
    assert entry.findtext(f"{ATOM}summary") == "烟台港前三季度货物吞吐量同比增长。"
    content = entry.findtext(f"{ATOM}content")
    assertInHTML("<h2>一、集装箱</h2>", content)
    assertInHTML("<p>集装箱航线增至百条。</p>", content)
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["要闻", "经济观察"]


def test_what_editors_type_is_escaped_and_control_characters_dropped(client):
    make_article(
        headline='<b>"A&B"</b>\x0b',
        byline="<i>作者</i>",
        body="<script>alert(1)</script>\x01第一段\n\n第二段 & <img src=x onerror=alert(1)>",
    )
    response = client.get("/feeds/articles/")
    assert b"<script>" not in response.content and b"<img" not in response.content

    entry = entries(read_feed(client, "/feeds/articles/"))[0]
    # Titles are Atom text: the reader shows them as typed. Summary and content are HTML.
    assert entry.findtext(f"{ATOM}title") == '<b>"A&B"</b>'
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "<i>作者</i>"
    assert entry.findtext(f"{ATOM}summary") == "&lt;script&gt;alert(1)&lt;/script&gt;第一段"
    content = entry.findtext(f"{ATOM}content")
    assertInHTML("<p>第二段 &amp; &lt;img src=x onerror=alert(1)&gt;</p>", content)


def test_a_feed_per_page_name(client):
    issue = make_issue()
    make_article(make_page(issue, code="A01", name="要闻"), headline="要闻版的文章")
    make_article(make_page(issue, code="A02", name="要闻"), headline="要闻二版的文章")
    make_article(make_page(issue, code="B01", name="体育"), headline="体育版的文章")

    feed = read_feed(client, "/feeds/articles/要闻/")

    assert sorted(titles(feed)) == ["要闻二版的文章", "要闻版的文章"]
    assert "要闻" in feed.findtext(f"{ATOM}title")
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/articles/?page_name=%E8%A6%81%E9%97%BB"
    listed = client.get(alternate).context["article_list"]
    assert sorted(a.headline for a in listed) == ["要闻二版的文章", "要闻版的文章"]
    assert titles(read_feed(client, "/feeds/articles/体育/")) == ["体育版的文章"]


def test_page_links_its_names_feed(client):
    page = make_page(make_issue(), code="A01", name="要闻")
    response = client.get(page.get_absolute_url())
    for title, href in [
        ("烟台日报 · 要闻", "/feeds/articles/%E8%A6%81%E9%97%BB/"),
        ("烟台日报 · 最新文章", "/feeds/articles/"),
        ("烟台日报 · 最新公告", "/feeds/notices/"),
    ]:
        assertContains(
            response,
            f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{href}">',
            html=True,
        )


@pytest.mark.parametrize("name", ["没有这个版", "草稿版"])
def test_unknown_or_unpublished_page_name_is_404(client, name):
    make_article(make_page(make_issue(is_published=False), name="草稿版"))
    response = client.get(f"/feeds/articles/{name}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("name", ["%00", "%E8%A6%81%E9%97%BB%00", "%00/%00"])
def test_a_page_name_with_a_nul_character_is_404(client, name):
    """No page name holds NUL, which PostgreSQL refuses in a query: the URL names no feed."""
    make_article(make_page(make_issue(), name="要闻"))
    response = client.get(f"/feeds/articles/{name}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_feeds_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    for count in (1, 30):
        make_archive(count)
        with django_assert_num_queries(1):
            read_feed(client, "/feeds/articles/")
        # Whether the page name exists, then its articles.
        with django_assert_num_queries(2):
            read_feed(client, "/feeds/articles/要闻/")


def test_a_page_name_with_a_slash_has_its_feed(client):
    page = make_page(make_issue(), code="A05", name="国内/国际")
    make_article(page, headline="国际新闻")
    response = client.get(page.get_absolute_url())
    href = "/feeds/articles/%E5%9B%BD%E5%86%85/%E5%9B%BD%E9%99%85/"
    assertContains(
        response,
        '<link rel="alternate" type="application/atom+xml" title="烟台日报 · 国内/国际"'
        f' href="{href}">',
        html=True,
    )
    assert titles(read_feed(client, href)) == ["国际新闻"]
