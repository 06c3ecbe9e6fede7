import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from paper.models import Issue
from tests.factories import make_archive, make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_article_changelist_query_count_does_not_grow(editor_client):
    make_archive(1)
    small = changelist_queries(editor_client, "/admin/articles/article/")
    make_archive(20)
    large = changelist_queries(editor_client, "/admin/articles/article/")
    assert small == large


def test_issue_changelist_query_count_does_not_grow(editor_client):
    make_archive(1)
    small = changelist_queries(editor_client, "/admin/paper/issue/")
    make_archive(20)
    large = changelist_queries(editor_client, "/admin/paper/issue/")
    assert small == large


def test_article_changelist_shows_columns_in_chinese(editor_client):
    make_article(
        make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A02"),
        headline="第三轮第三批中央生态环保督察全部进驻",
        source="据新华社电",
    )
    html = editor_client.get("/admin/articles/article/").content.decode()
    for text in ("出版日期", "版号", "标题", "来源", "状态", "A02", "据新华社电", "已发布"):
        assert text in html


def test_article_changelist_filters_and_search(editor_client):
    make_article(headline="大国工匠", source="新华社")
    make_article(headline="生态督察", source="本报讯", status=Article.Status.DRAFT)
    response = editor_client.get("/admin/articles/article/", {"status__exact": "draft"})
    assert [a.headline for a in response.context["cl"].result_list] == ["生态督察"]
    response = editor_client.get("/admin/articles/article/", {"q": "工匠"})
    assert [a.headline for a in response.context["cl"].result_list] == ["大国工匠"]
    response = editor_client.get("/admin/articles/article/", {"source": "本报讯"})
    assert [a.headline for a in response.context["cl"].result_list] == ["生态督察"]


def test_articles_to_review_are_one_filter_away(editor_client):
    make_article(headline="读得通的文章")
    flagged = make_article(
        headline="断句未能修复",
        needs_review=True,
        review_note="第57行:段落在句子中间结束。",
        status=Article.Status.DRAFT,
    )
    response = editor_client.get("/admin/articles/article/", {"needs_review__exact": "1"})
    assert [a.headline for a in response.context["cl"].result_list] == ["断句未能修复"]
    assert "待核对" in response.content.decode()
    html = editor_client.get(f"/admin/articles/article/{flagged.pk}/change/").content.decode()
    assert "第57行:段落在句子中间结束。" in html


def test_publish_and_unpublish_actions(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    editor_client.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_issue_publish_action(editor_client):
    issue = make_issue(is_published=False)
    editor_client.post("/admin/paper/issue/", {"action": "publish", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.is_published


def test_draft_is_visible_in_the_admin(editor_client):
    article = make_article(status=Article.Status.DRAFT, headline="编辑中的草稿")
    response = editor_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "编辑中的草稿" in response.content.decode()


def test_add_article_with_page_of_another_issue_saves_nothing(editor_client):
    issue = make_issue()
    other_page = make_page(make_issue())
    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "issue": issue.pk,
            "page": other_page.pk,
            "order": 1,
            "status": "draft",
            "headline": "标题",
            "body": "正文。",
        },
    )
    assert response.status_code == 200
    assert "所选版面不属于这一期报纸。" in response.content.decode()
    assert not Article.objects.exists()


def test_add_issue_with_pages_inline(editor_client):
    response = editor_client.post(
        "/admin/paper/issue/add/",
        {
            "date": "2024-10-22",
            "number": "",
            "pages-TOTAL_FORMS": 2,
            "pages-INITIAL_FORMS": 0,
            "pages-0-order": 1,
            "pages-0-code": "A01",
            "pages-0-name": "要闻",
            "pages-1-order": 2,
            "pages-1-code": "A02",
            "pages-1-name": "公告",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get(date=datetime.date(2024, 10, 22))
    assert list(issue.pages.values_list("code", flat=True)) == ["A01", "A02"]
    assert not issue.is_published


def test_autocomplete_finds_pages(editor_client):
    make_page(code="A05", name="公告")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "公告", "app_label": "articles", "model_name": "article", "field_name": "page"},
    )
    assert response.status_code == 200
    assert "A05 公告" in response.json()["results"][0]["text"]
