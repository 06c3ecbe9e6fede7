"""Articles as data: /articles/<id>.json and /articles.json with the list's filters."""

import datetime

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article
from tests.factories import make_archive, make_article, make_issue, make_page

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def article():
    issue = make_issue(date=datetime.date(2024, 10, 22), number=12345)
    return make_article(
        make_page(issue, code="A02", name="要闻"),
        kicker="前三季度",
        headline="烟台港货物吞吐量创新高",
        subheadline="集装箱航线增至百条",
        source="本报讯",
        byline="本报记者 王晓",
        dateline="",
        column="经济观察",
        body="烟台港前三季度货物吞吐量同比增长。\n## 一、集装箱\n集装箱航线增至百条。",
    )


def test_article_json_has_every_field_a_reader_sees(client, article):
    response = client.get(f"/articles/{article.pk}.json")
    assert "烟台港".encode() in response.content  # UTF-8, not \\u escapes
    data = get_json(client, f"/articles/{article.pk}.json")

    assert data.pop("updated").endswith("+08:00")
    assert data == {
        "id": article.pk,
        "url": f"{HOST}/articles/{article.pk}/",
        "date": "2024-10-22",
        "issue": {"date": "2024-10-22", "number": 12345, "url": f"{HOST}/issues/2024-10-22/"},
        "page": {"code": "A02", "name": "要闻", "url": f"{HOST}/issues/2024-10-22/A02/"},
        "order": article.order,
        "kicker": "前三季度",
        "headline": "烟台港货物吞吐量创新高",
        "subheadline": "集装箱航线增至百条",
        "source": "本报讯",
        "byline": "本报记者 王晓",
        "authors": ["王晓"],
        "dateline": "",
        "column": "经济观察",
        "lead": "烟台港前三季度货物吞吐量同比增长。",
        "recognised_text": False,
        "ocr_confidence": None,
        "body": [
            {"type": "paragraph", "text": "烟台港前三季度货物吞吐量同比增长。"},
            {"type": "heading", "text": "一、集装箱"},
            {"type": "paragraph", "text": "集装箱航线增至百条。"},
        ],
    }


def test_article_page_links_its_json(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(
        response,
        f'<link rel="alternate" type="application/json" href="/articles/{article.pk}.json">',
        html=True,
    )


@pytest.mark.parametrize("published", [False, True])
def test_draft_or_missing_article_json_is_a_json_404(client, published):
    draft = make_article(status=Article.Status.DRAFT)
    unpublished = make_article(make_page(make_issue(is_published=False)))
    for pk in (draft.pk, unpublished.pk, 999999):
        data = get_json(client, f"/articles/{pk}.json", status=404)
        assert data["errors"]["__all__"][0]["code"] == "not_found"


def ids(results):
    return [item["id"] for item in results]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"date_from": "2024-01-03", "date_to": "2024-01-05"},
        {"page_code": "a02"},
        {"page_name": "体育"},
        {"source": "新华"},
        {"author": "王晓"},
        {"column": "观察"},
        {"q": "港口 吞吐量"},
        {"q": "港口", "page_code": "A01"},
    ],
)
def test_the_json_list_filters_as_the_page_does(client, params):
    for n in range(6):
        issue = make_issue(date=datetime.date(2024, 1, 1 + n))
        make_article(make_page(issue, code="A01"), headline=f"港口吞吐量第{n}期")
        make_article(
            make_page(issue, code="A02", name="体育"),
            headline=f"体育第{n}期",
            source="新华社" if n % 2 else "本报讯",
            byline="记者 王晓" if n % 3 == 0 else "",
            column="经济观察" if n == 4 else "",
        )
    make_article(headline="港口吞吐量草稿", status=Article.Status.DRAFT)

    page = client.get("/articles/", params).context["article_list"]
    data = get_json(client, "/articles.json", params)

    assert page, "every case should find something"
    assert ids(data["results"]) == [article.pk for article in page]
    assert data["count"] == len(page)
    assert "body" not in data["results"][0]
    assert data["results"][0]["headline"]


def test_the_json_list_pages_as_the_page_does_and_keeps_the_filters(client):
    page = make_page()
    for n in range(45):
        make_article(page, headline=f"港口{n}")

    first = get_json(client, "/articles.json", {"q": "港口"})
    assert (first["count"], first["page"], first["num_pages"]) == (45, 1, 3)
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == f"{HOST}/articles.json?q=%E6%B8%AF%E5%8F%A3&page=2"
    second = get_json(client, first["next"].removeprefix(HOST))
    assert second["previous"] == f"{HOST}/articles.json?q=%E6%B8%AF%E5%8F%A3&page=1"
    last = get_json(client, "/articles.json", {"q": "港口", "page": "last"})
    assert (last["page"], len(last["results"]), last["next"]) == (3, 5, None)
    html_page = client.get("/articles/", {"q": "港口", "page": 2}).context["article_list"]
    assert ids(second["results"]) == [article.pk for article in html_page]


@pytest.mark.parametrize(
    "params, status, field",
    [
        ({"date_from": "2024-02-30"}, 400, "date_from"),
        ({"q": "a\x00b"}, 400, "q"),
        ({"page_code": "ABCD"}, 400, "page_code"),
        ({"page": 9}, 404, "page"),
        ({"page": "x"}, 404, "page"),
    ],
)
def test_bad_parameters_are_named_in_json(client, params, status, field):
    make_article()
    data = get_json(client, "/articles.json", params, status=status)
    assert list(data["errors"]) == [field]
    assert data["errors"][field][0]["message"]


def test_list_page_links_its_json_with_the_same_filters(client):
    response = client.get("/articles/", {"q": "港口", "page_code": "A01"})
    assertContains(
        response,
        '<link rel="alternate" type="application/json"'
        ' href="/articles.json?q=%E6%B8%AF%E5%8F%A3&amp;page_code=A01">',
        html=True,
    )


def test_json_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for count in (1, 30):
        newest = make_archive(count)
        article = newest.articles.first()
        with django_assert_num_queries(1):
            get_json(client, f"/articles/{article.pk}.json")
        # The count, then the page of articles.
        with django_assert_num_queries(2):
            get_json(client, "/articles.json", {"q": "第1篇", "page_code": "A01"})
