import datetime
import json

import pytest
from django.db import connection
from pytest_django.asserts import assertContains

from articles.models import Article
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db
# On PostgreSQL a list's count is planned first (EXPLAIN), then runs under its own time limit
# (paper.pagination): a savepoint, the limit set and put back, and the savepoint's release.
TIMED_COUNT = 5 if connection.vendor == "postgresql" else 0


@pytest.fixture
def policy_article(sample_issue):
    return Article.objects.get(headline__startswith="中共中央")


def test_article_page_shows_everything_a_reader_needs(client, policy_article):
    response = client.get(policy_article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assertContains(
        response,
        '<h1 class="article-headline">中共中央 国务院关于深化产业工人队伍建设改革的意见</h1>',
        html=True,
    )
    assertContains(response, "<h2>一、总体要求</h2>", html=True)
    assertContains(response, "<h2>九、加强组织领导,合力推进产业工人队伍建设改革</h2>", html=True)
    assert "新华社北京10月21日电" in html
    assert "鼓励大型企业制定技能人才发展战略" in html
    assertContains(response, '<a href="/issues/2024-10-22/">2024年10月22日</a>', html=True)
    assertContains(response, '<a href="/issues/2024-10-22/A01/">A01 要闻</a>', html=True)


def test_article_shows_kicker_subheadline_byline(client):
    article = make_article(
        kicker="深化改革", subheadline="副题文字", byline="孙文琦", column="烟台新闻"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    for text in ("深化改革", "副题文字", "孙文琦", "烟台新闻"):
        assert text in html


def test_article_links_previous_and_next_on_its_page(client):
    page = make_page()
    first = make_article(page, headline="第一篇", order=1)
    second = make_article(page, headline="第二篇", order=2)
    third = make_article(page, headline="第三篇", order=3)
    response = client.get(second.get_absolute_url())
    assertContains(
        response, f'<a href="{first.get_absolute_url()}" rel="prev">← 上一篇 第一篇</a>', html=True
    )
    assertContains(
        response, f'<a href="{third.get_absolute_url()}" rel="next">下一篇 第三篇 →</a>', html=True
    )


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
def test_missing_article_is_404(client, pk):
    response = client.get(f"/articles/{pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_draft_article_is_404_for_the_public(client):
    article = make_article(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_list_filters_by_date_page_source_author_column_and_words(client):
    early = make_page(make_issue(date=datetime.date(2024, 10, 1)), code="A01")
    late = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A05")
    make_article(early, headline="十月初的要闻", source="新华社", byline="张三", column="时政")
    make_article(late, headline="十月下旬的公告", source="本报讯", byline="李四", column="社会")

    def headlines(**params):
        response = client.get("/articles/", params)
        assert response.status_code == 200
        return [a.headline for a in response.context["article_list"]]

    assert headlines() == ["十月下旬的公告", "十月初的要闻"]
    assert headlines(date_from="2024-10-10") == ["十月下旬的公告"]
    assert headlines(date_to="2024-10-10") == ["十月初的要闻"]
    assert headlines(page_code="a05") == ["十月下旬的公告"]
    assert headlines(source="新华社") == ["十月初的要闻"]
    assert headlines(author="李四") == ["十月下旬的公告"]
    assert headlines(column="时政") == ["十月初的要闻"]
    assert headlines(q="公告") == ["十月下旬的公告"]


def test_list_keeps_filters_in_pagination_links(client):
    page = make_page()
    for n in range(25):
        make_article(page, headline=f"新闻{n}", source="新华社")
    response = client.get("/articles/", {"source": "新华社"})
    assert "共 25 篇文章" in response.content.decode()
    assertContains(
        response,
        '<a href="?source=%E6%96%B0%E5%8D%8E%E7%A4%BE&amp;page=2" rel="next">下一页</a>',
        html=True,
    )
    second = client.get("/articles/", {"source": "新华社", "page": 2})
    assert len(second.context["article_list"]) == 5


def test_bad_filter_input_shows_the_form_error(client):
    make_article()
    response = client.get("/articles/", {"date_from": "notadate"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "输入一个有效的日期" in html
    assert "筛选条件有误" in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "notadate", "page": "abc"},
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
    ],
)
def test_bad_page_number_is_404_in_the_sites_look(client, params):
    make_article()
    response = client.get("/articles/", params)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_hostile_query_text_is_a_normal_page(client):
    make_article()
    for q in ["' OR 1=1 --", "%_\\", "<script>alert(1)</script>", "  ", "x" * 200]:
        response = client.get("/articles/", {"q": q})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_list_and_detail_query_counts(client, django_assert_num_queries):
    article = make_article()
    with django_assert_num_queries(2 + TIMED_COUNT):
        client.get("/articles/")
    with django_assert_num_queries(2):
        client.get(article.get_absolute_url())


@pytest.mark.parametrize(
    ("field", "value"), [("source", "本报讯"), ("byline", "王晓"), ("column", "烟台新闻")]
)
def test_list_filters_know_how_common_a_value_is(postgres_only, field, value):
    """The planner estimates an icontains filter from statistics, not a guess of a few rows.

    Guessing a few rows where there are thousands, PostgreSQL joins the issues in a nested loop
    that takes seconds on 100,000 articles (articles/migrations/0005_filter_statistics.py).
    """
    page = make_page()
    Article.objects.bulk_create(
        Article(
            issue=page.issue,
            page=page,
            pub_date=page.issue.date,
            order=n,
            headline=f"第{n}篇",
            body="正文。",
            status=Article.Status.PUBLISHED,
            **{field: value if n % 2 else f"其他{n}"},
        )
        for n in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    plan = json.loads(
        Article.objects.filter(**{f"{field}__icontains": value}).explain(format="json")
    )
    assert plan[0]["Plan"]["Plan Rows"] >= 100  # 200 match; a guess would be 2
