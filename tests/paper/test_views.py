import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from articles.models import Article
from tests.factories import make_archive, make_article, make_issue, make_page

pytestmark = pytest.mark.django_db
# On PostgreSQL a list's count is planned first (EXPLAIN), then runs under its own time limit
# (paper.pagination): a savepoint, the limit set and put back, and the savepoint's release.
TIMED_COUNT = 5 if connection.vendor == "postgresql" else 0


def test_home_shows_latest_published_issue_and_its_headlines(client):
    older = make_issue(date=datetime.date(2024, 10, 21))
    make_article(make_page(older), headline="昨天的新闻")
    latest = make_issue(date=datetime.date(2024, 10, 22))
    make_article(make_page(latest, name="要闻"), headline="今天的新闻")
    draft = make_issue(date=datetime.date(2024, 10, 23), is_published=False)
    make_article(make_page(draft), headline="明天的草稿")

    html = client.get("/").content.decode()

    assert "2024年10月22日" in html
    assert "今天的新闻" in html
    assert "昨天的新闻" not in html
    assert "明天的草稿" not in html


def test_home_without_issues_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "还没有已发布的报纸" in response.content.decode()


def test_issue_page_lists_pages_in_order_with_headlines(client, sample_issue):
    response = client.get("/issues/2024-10-22/")
    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(code) for code in ("A01", "A02", "A03", "A04")]
    assert positions == sorted(positions)
    assert "中共中央 国务院关于深化产业工人队伍建设改革的意见" in html
    assert "第三轮第三批中央生态环保督察全部进驻" in html


def test_issue_page_links_previous_and_next_issue(client):
    make_issue(date=datetime.date(2024, 10, 21))
    make_issue(date=datetime.date(2024, 10, 22))
    make_issue(date=datetime.date(2024, 10, 23))
    response = client.get("/issues/2024-10-22/")
    assertContains(
        response, '<a href="/issues/2024-10-21/" rel="prev">← 上一期 2024年10月21日</a>', html=True
    )
    assertContains(
        response, '<a href="/issues/2024-10-23/" rel="next">下一期 2024年10月23日 →</a>', html=True
    )


def test_draft_article_is_not_listed_on_its_page(client):
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A01")
    make_article(page, headline="已发布的文章")
    make_article(page, headline="编辑中的草稿", status=Article.Status.DRAFT)
    html = client.get("/issues/2024-10-22/A01/").content.decode()
    assert "已发布的文章" in html
    assert "编辑中的草稿" not in html


def test_page_view_shows_its_articles_and_neighbours(client, sample_issue):
    response = client.get("/issues/2024-10-22/A02/")
    html = response.content.decode()
    assert "第三轮第三批中央生态环保督察全部进驻" in html
    assert "中共中央 国务院" not in html.split("本版文章")[1].split("上一版")[0]
    assertContains(
        response, '<a href="/issues/2024-10-22/A01/" rel="prev">← 上一版 A01 要闻</a>', html=True
    )
    assertContains(
        response, '<a href="/issues/2024-10-22/A03/" rel="next">下一版 A03 公告 →</a>', html=True
    )


@pytest.mark.parametrize(
    "url",
    [
        "/issues/2024-13-45/",
        "/issues/2024-02-30/",
        "/issues/1999-01-01/",
        "/issues/2024-10-22/Z99/",
        "/issues/2024-10-22/a01/",
        "/issues/2024-10-22/A1/",
        "/issues/2024-10-23/",
        "/issues/?year=abc",
        "/issues/?year=1900",
        "/issues/?year=99999999999999999999",
    ],
)
def test_bad_dates_and_codes_are_404_in_the_sites_look(client, sample_issue, url):
    make_issue(date=datetime.date(2024, 10, 23), is_published=False)
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'class="masthead"' in html


def test_unpublished_issue_is_404_even_with_published_articles(client):
    draft = make_issue(date=datetime.date(2024, 10, 22), is_published=False)
    article = make_article(make_page(draft, code="A01"))
    assert client.get("/issues/2024-10-22/").status_code == 404
    assert client.get("/issues/2024-10-22/A01/").status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def test_calendar_links_every_day_with_an_issue(client):
    make_issue(date=datetime.date(2023, 5, 4))
    make_issue(date=datetime.date(2024, 10, 21))
    make_issue(date=datetime.date(2024, 10, 22))
    make_issue(date=datetime.date(2024, 10, 23), is_published=False)

    response = client.get("/issues/")
    assertContains(
        response, '<a href="/issues/2024-10-21/" aria-label="2024年10月21日">21</a>', html=True
    )
    assertContains(
        response, '<a href="/issues/2024-10-22/" aria-label="2024年10月22日">22</a>', html=True
    )
    assert "/issues/2024-10-23/" not in response.content.decode()
    assertContains(response, '<a href="?year=2023">2023年</a>', html=True)

    response_2023 = client.get("/issues/?year=2023")
    assertContains(
        response_2023, '<a href="/issues/2023-05-04/" aria-label="2023年5月4日">4</a>', html=True
    )
    assert "/issues/2024-10-22/" not in response_2023.content.decode()


def test_date_jump_goes_to_the_issue_or_says_there_is_none(client):
    make_issue(date=datetime.date(2024, 10, 22))
    response = client.get("/issues/", {"date": "2024-10-22"})
    assert response.status_code == 302
    assert response["Location"] == "/issues/2024-10-22/"

    missing = client.get("/issues/", {"date": "2024-10-25"})
    assert missing.status_code == 200
    assert "2024年10月25日没有报纸" in missing.content.decode()

    bad = client.get("/issues/", {"date": "notadate"})
    assert bad.status_code == 200
    assert "请输入有效的日期" in bad.content.decode()


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def urls_of(issue):
    page = issue.pages.order_by("order").last()
    article = page.articles.order_by("order").first()
    notice = page.notices.get()
    return {
        "notices": "/notices/",
        "notices-filtered": "/notices/?holder=张三&kind=lost&q=张三",
        "notice": notice.get_absolute_url(),
        "proof": notice.get_proof_url(),
        "rates": "/notices/rates/",
        "home": "/",
        "calendar": "/issues/",
        "issue": issue.get_absolute_url(),
        "page": page.get_absolute_url(),
        "articles": "/articles/",
        "articles-filtered": "/articles/?q=第1篇&date_from=2024-01-01&page_code=A02",
        "article": article.get_absolute_url(),
        "healthz": "/healthz",
    }


def test_every_public_page_runs_a_fixed_number_of_queries(client):
    """The same count on an archive of 1 issue and of 50."""
    urls = urls_of(make_archive(1))
    for url in urls.values():  # the search's token statistics are then cached, as in a server
        client.get(url)
    small = {name: count_queries(client, url) for name, url in urls.items()}
    large = {name: count_queries(client, url) for name, url in urls_of(make_archive(49)).items()}
    assert small == large
    assert small == {
        # A list of notices reads their items (and types) for the title lines: one query more.
        "notices": 4 + TIMED_COUNT,
        "notices-filtered": 5,  # with the words' document type aliases (NoticeFilterForm)
        "notice": 3,
        "proof": 3,
        "rates": 3,
        "home": 8,  # the newest notices' items and the issue's notices' items
        "calendar": 2,
        "issue": 7,
        "page": 7,
        "articles": 2 + TIMED_COUNT,
        "articles-filtered": 2,
        "article": 2,
        "healthz": 1,
    }


def test_issue_and_home_pages_run_the_same_queries_however_many_items_a_page_holds(client):
    from tests.factories import make_notice

    issue = make_issue()
    page = make_page(issue)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    make_article(page, headline="第一篇", source="新华社", kicker="本报讯")
    make_notice(page)
    few = queries(issue.get_absolute_url()), queries("/")
    for n in range(6):
        make_article(page, headline=f"第{n}篇", source="新华社", kicker="本报讯")
        make_notice(page)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "第5篇" in html and "新华社" in html and "本报讯" in html and "遗失声明" in html
    assert (queries(issue.get_absolute_url()), queries("/")) == few
