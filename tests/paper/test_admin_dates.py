"""Finding a day in the admin: the issue autocomplete reads dates as typed; lists filter ranges."""

import datetime

import pytest

from tests.factories import make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("12月10", ["2024年12月10日", "2023年12月10日"]),
        ("12月10日", ["2024年12月10日", "2023年12月10日"]),
        ("12-10", ["2024年12月10日", "2023年12月10日"]),
        ("１２－１０", ["2024年12月10日", "2023年12月10日"]),
        ("2024-12-10", ["2024年12月10日"]),
        ("2024年12月10日", ["2024年12月10日"]),
        ("2024/12/1", ["2024年12月01日"]),
        ("2024-12", ["2024年12月10日", "2024年12月01日"]),
        ("2月30", []),
    ],
)
def test_the_issue_autocomplete_finds_a_day_however_it_is_typed(editor, typed, found):
    for date in ("2024-12-10", "2023-12-10", "2024-12-01", "2024-10-12"):
        make_issue(date=datetime.date.fromisoformat(date))
    params = {"app_label": "notices", "model_name": "notice", "field_name": "issue"}
    results = editor.get("/admin/autocomplete/", {**params, "term": typed}).json()["results"]
    assert [row["text"] for row in results] == found


@pytest.mark.parametrize(
    "url", ["/admin/notices/notice/", "/admin/articles/article/", "/admin/paper/issue/"]
)
def test_lists_filter_a_range_of_dates(editor, url):
    field = "date" if "issue" in url else "pub_date"
    for date in ("2023-12-31", "2024-01-01", "2024-03-31", "2024-04-01"):
        page = make_page(make_issue(date=datetime.date.fromisoformat(date)), code="A03")
        make_notice(page)
        make_article(page)
    response = editor.get(url, {f"{field}__gte": "2024-01-01", f"{field}__lte": "2024-03-31"})
    dates = sorted(str(getattr(row, field)) for row in response.context["cl"].result_list)
    assert dates == ["2024-01-01", "2024-03-31"]
    html = response.content.decode()
    assert "以 出版日期(起止)" in html
    assert f'name="{field}__gte" value="2024-01-01"' in html
    # One end only, the other box left empty.
    response = editor.get(url, {f"{field}__gte": "2024-03-31", f"{field}__lte": ""})
    assert len(response.context["cl"].result_list) == 2
    # Django's 今天 / 过去7天 are gone.
    assert "过去7天" not in html


def test_the_lists_pick_a_day_by_year_month_and_day_from_the_days_of_issue(admin_client):
    """出版日期 asks the issues, not a million articles (Django's date hierarchy reads the list:
    MIN, MAX and DISTINCT over it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_article, make_issue, make_page

    for day in (
        datetime.date(2023, 5, 4),
        datetime.date(2024, 10, 21),
        datetime.date(2024, 10, 22),
    ):
        make_article(make_page(make_issue(date=day)), headline=f"{day:%m月%d日}的新闻")
    with CaptureQueriesContext(connection) as captured:
        html = admin_client.get("/admin/articles/article/").content.decode()
    assert "2023年" in html and "2024年" in html
    scans = [
        q["sql"]
        for q in captured
        if "articles_article" in q["sql"] and ("DISTINCT" in q["sql"] or "MIN(" in q["sql"])
    ]
    assert scans == []
    html = admin_client.get("/admin/articles/article/", {"pub_date__year": 2024}).content.decode()
    assert "10月" in html and "5月" not in html
    listed = admin_client.get(
        "/admin/articles/article/",
        {"pub_date__year": 2024, "pub_date__month": 10, "pub_date__day": 22},
    )
    assert [a.headline for a in listed.context["cl"].result_list] == ["10月22日的新闻"]
    assert "21日" in listed.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"pub_date__year": "abc"},
        {"pub_date__year": "2024", "pub_date__month": "13"},
        {"pub_date__year": "99999999999"},  # no first of January: was a 500
        {"pub_date__day": "22"},  # a day without its year and month
    ],
)
def test_a_wrong_year_month_or_day_is_the_admins_error_page_not_a_500(admin_client, params):
    make_article(make_page(), headline="新闻")
    response = admin_client.get("/admin/articles/article/", params)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
