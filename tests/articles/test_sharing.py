"""What an article page tells search engines and link previews: canonical, Open Graph, JSON-LD."""

import datetime

import pytest

from tests.factories import make_article, make_issue, make_page
from tests.shared_head import read_head

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)> & <!--'


@pytest.fixture
def article():
    issue = make_issue(date=datetime.date(2024, 10, 22), number=12345)
    return make_article(
        make_page(issue, code="A02", name="要闻"),
        kicker="前三季度",
        headline="烟台港货物吞吐量创新高",
        subheadline="集装箱航线增至百条",
        byline="本报记者 王晓 通讯员 李明",
        column="经济观察",
        body="(2024年10月21日)\n烟台港前三季度货物吞吐量同比增长百分之五,集装箱航线增至百条。",
    )


def test_article_page_has_a_canonical_link_and_open_graph_tags(client, article):
    head = read_head(client.get(article.get_absolute_url()).content.decode())
    url = f"http://testserver/articles/{article.pk}/"
    lead = "烟台港前三季度货物吞吐量同比增长百分之五,集装箱航线增至百条。"

    assert head.title == "烟台港货物吞吐量创新高 · 2024年10月22日 · 烟台日报"
    assert head.canonical == [url]
    assert head.meta["description"] == lead
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] == "烟台港货物吞吐量创新高"
    assert head.meta["og:description"] == lead
    assert head.meta["og:url"] == url
    assert head.meta["og:site_name"] == "烟台日报数字档案"
    assert head.meta["article:published_time"] == "2024-10-22"
    assert head.meta["article:section"] == "要闻"


def test_article_page_carries_a_news_article(client, article):
    head = read_head(client.get(article.get_absolute_url()).content.decode())
    url = f"http://testserver/articles/{article.pk}/"

    [data] = head.json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "烟台港货物吞吐量创新高"
    assert data["alternativeHeadline"] == "集装箱航线增至百条"
    assert data["datePublished"] == "2024-10-22"
    assert data["dateModified"].endswith("+08:00")
    assert data["author"] == [
        {"@type": "Person", "name": "王晓"},
        {"@type": "Person", "name": "李明"},
    ]
    assert data["publisher"] == {"@type": "NewsMediaOrganization", "name": "烟台日报"}
    assert data["url"] == data["mainEntityOfPage"] == url
    assert data["isPartOf"]["datePublished"] == "2024-10-22"
    assert data["isPartOf"]["issueNumber"] == "12345"
    assert data["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "烟台日报"}
    assert data["pageStart"] == "A02"
    assert data["articleSection"] == "要闻"


@pytest.mark.parametrize(
    "source, author",
    [
        ("新华社", {"@type": "Organization", "name": "新华社"}),
        ("据新华社电", {"@type": "Organization", "name": "新华社"}),
        ("本报讯", {"@type": "NewsMediaOrganization", "name": "烟台日报"}),
        ("", {"@type": "NewsMediaOrganization", "name": "烟台日报"}),
    ],
)
def test_without_a_byline_the_author_is_the_agency_or_the_paper(client, source, author):
    article = make_article(source=source, byline="")
    [data] = read_head(client.get(article.get_absolute_url()).content.decode()).json_ld
    assert data["author"] == [author]


def test_what_editors_type_cannot_break_out_of_tags_or_json_ld(client):
    article = make_article(
        headline=HOSTILE, byline=HOSTILE, body=f"{HOSTILE}{HOSTILE}", column=HOSTILE[:50]
    )
    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    head = read_head(html)
    # The only script element is the JSON-LD data, which parses back to what was typed.
    assert head.other_scripts == 0
    [data] = head.json_ld
    assert data["headline"] == HOSTILE
    assert data["author"][0]["name"].startswith("</script><script>")
    assert head.meta["og:title"] == HOSTILE
    assert head.title.startswith(HOSTILE)
