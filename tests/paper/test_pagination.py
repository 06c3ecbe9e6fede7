"""Lists at thirty years' size: searches through the engine, long counts estimated and said so."""

import datetime
import re

import pytest

from articles.models import Article
from paper import pagination
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    """25 articles over 25 days, the odd ones about 海参; newest first is day 25 down."""
    articles = []
    for day in range(1, 26):
        page = make_page(make_issue(date=datetime.date(2024, 9, 30) + datetime.timedelta(day)))
        topic = "海参养殖" if day % 2 else "港口建设"
        articles.append(make_article(page, headline=f"{topic}第{day}天", body=f"{topic}。"))
    return articles


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, [a.pk for a in response.context["page_obj"]]


def test_a_search_in_the_list_shows_its_matches_newest_first(client, archive):
    newest_first = sorted(archive, key=lambda a: a.pub_date, reverse=True)
    matches = [a.pk for a in newest_first if "海参" in a.headline]
    response, found = listed(client, "/articles/?q=海参")
    assert found == matches
    assert f"共 {len(matches)} 篇文章" in response.content.decode()
    assert client.get("/articles/?q=海参&page=2").status_code == 404


def test_search_pages_link_on_exactly_while_matches_remain(client, settings):
    page = make_page()
    for n in range(45):
        make_article(page, headline=f"樱桃{n}", body="樱桃。")
    response, first = listed(client, "/articles/?q=樱桃")
    assert len(first) == 20 and response.context["page_obj"].has_next()
    response, third = listed(client, "/articles/?q=樱桃&page=3")
    assert len(third) == 5 and not response.context["page_obj"].has_next()
    assert 'rel="next"' not in response.content.decode()
    pages = [listed(client, f"/articles/?q=樱桃&page={n}")[1] for n in (1, 2, 3)]
    assert len({pk for page in pages for pk in page}) == 45  # each once


@pytest.mark.parametrize("page", ["51", "100000", "0", "-1", "x", "1.5"])
def test_a_search_page_out_of_range_is_a_404_and_reads_nothing_past_the_shown_results(
    client, archive, page
):
    assert client.get(f"/articles/?q=海参&page={page}").status_code == 404
    data = client.get(f"/articles.json?q=海参&page={page}")
    assert data.status_code == 404 and data.json()["errors"]["page"]


def test_the_json_list_searches_the_same_way_and_says_whether_its_count_is_estimated(
    client, archive
):
    data = client.get("/articles.json?q=海参").json()
    assert data["count"] == 13 and data["count_estimated"] is False
    assert [r["id"] for r in data["results"]] == listed(client, "/articles/?q=海参")[1]


def test_other_filters_still_apply_to_a_search(client, archive):
    _, found = listed(client, "/articles/?q=海参&date_from=2024-10-20")
    assert found and all(
        Article.objects.get(pk=pk).pub_date >= datetime.date(2024, 10, 20) for pk in found
    )


def test_a_long_list_shows_an_estimated_count_as_such(postgres_only, client, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 5)
    page = make_page()
    for n in range(8):
        make_article(page, headline=f"新闻{n}")
    html = client.get("/articles/").content.decode()
    assert "约 " in html and "篇文章(估计)" in html
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 100)
    assert "共 8 篇文章" in client.get("/articles/").content.decode()


def test_a_list_planned_far_longer_than_an_exact_count_is_not_counted(postgres_only, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_page()
    for n in range(3):
        make_article(page, headline=f"新闻{n}")
    monkeypatch.setattr(pagination, "COUNT_IF_PLANNED_UP_TO", 0)
    paginator = pagination.ArchivePaginator(Article.objects.published(), 20)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert paginator.estimated and count >= 1
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    monkeypatch.setattr(pagination, "COUNT_IF_PLANNED_UP_TO", 100_000)
    again = pagination.ArchivePaginator(Article.objects.published(), 20)
    assert again.count == 3 and not again.estimated


def test_a_count_that_would_take_too_long_gives_way_to_the_estimate(postgres_only):
    from django.db.models.expressions import RawSQL

    make_article(make_page())
    quick = Article.objects.all()
    slow = Article.objects.filter(
        pk__in=RawSQL("SELECT id FROM articles_article, pg_sleep(0.3)", [])
    )
    assert pagination._count_within(quick, 1000) == 1
    assert pagination._count_within(slow, 30) is None
    assert pagination._count_within(quick, 1000) == 1  # the connection carries on
    paginator = pagination.ArchivePaginator(slow, 20)
    assert paginator.count >= 0 and paginator.estimated


def test_a_rare_author_is_looked_up_in_the_search_index_and_finds_what_icontains_finds(
    postgres_only, client
):
    from django.db import connection

    from articles.filters import ArticleFilter
    from paper.search import TokenStatistics

    page = make_page()
    for n in range(150):  # 黄睿 is then under 1 % of the articles
        make_article(page, headline=f"新闻{n}", byline="王晓" if n % 2 else "李明")
    make_article(page, headline="独家", byline="黄睿")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    TokenStatistics._cache.clear()
    for value in ("黄睿", "王晓", "晓", "无此人"):
        expected = set(
            Article.objects.published().filter(byline__icontains=value).values_list("pk", flat=True)
        )
        filterset = ArticleFilter({"author": value}, queryset=Article.objects.published())
        assert filterset.is_valid()
        assert set(filterset.qs.values_list("pk", flat=True)) == expected, value
        _, found = listed(client, f"/articles/?author={value}")
        assert set(found) == set(list(expected)[:20]) or len(found) == min(20, len(expected))
    rare = ArticleFilter({"author": "黄睿"}, queryset=Article.objects.published())
    assert rare.is_valid() and "@@" in str(rare.qs.query)  # through the token index
    common = ArticleFilter({"author": "王晓"}, queryset=Article.objects.published())
    assert common.is_valid() and "@@" not in str(common.qs.query)  # newest rows first
    TokenStatistics._cache.clear()


@pytest.mark.parametrize("path", ["/articles/", "/articles.json", "/notices/", "/notices.json"])
def test_pages_read_by_their_keys_hold_every_item_once_in_the_lists_order(client, path):
    from notices.models import Notice

    model = Notice if path.startswith("/notices") else Article
    for day in range(1, 8):  # 7 days of 9 items: pages cut across days, ties broken by id
        page = make_page(make_issue(date=datetime.date(2024, 3, day)), code="A03", name="公告")
        for n in range(9):
            if model is Article:
                make_article(page, headline=f"第{day}天{n}")
            else:
                from tests.factories import make_notice

                make_notice(page, items=[{"holder": f"张{day}{n}", "number": f"{day}{n}"}])
    Article.objects.filter(headline="第3天4").update(status="draft")  # a gap in the keys

    found = []
    for number in range(1, 5):
        response = client.get(f"{path}?page={number}")
        assert response.status_code == 200
        if path.endswith(".json"):
            found.append([row["id"] for row in response.json()["results"]])
        else:
            found.append([item.pk for item in response.context["page_obj"]])
    assert [len(page) for page in found[:3]] == [20, 20, 20]
    expected = list(model.objects.published().values_list("pk", flat=True))
    assert [pk for page in found for pk in page] == expected
    assert client.get(f"{path}?page=5").status_code == 404


def test_a_page_is_one_query_that_skips_over_keys_alone(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_page()
    for n in range(30):
        make_article(page, headline=f"新闻{n}")
    paginator = pagination.ArchivePaginator(Article.objects.published().for_list(), 20)
    paginator.count  # noqa: B018 (counted before, as a list page does)
    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(2))
    (sql,) = (query["sql"] for query in queries.captured_queries)
    skip = re.search(r"IN \((SELECT .*? OFFSET 20)\)", sql).group(1)
    # The skip reads the list's keys (and what it filters by), not the page's joins.
    assert "paper_page" not in skip and "headline" not in skip
    assert [row.headline for row in rows] == [f"新闻{n}" for n in range(20, 30)]
