"""Two editors, one form: the second save of a version someone has changed since is refused."""

import datetime
import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from notices.admin import NoticeAdmin
from notices.models import Notice
from paper.models import Issue, Page
from tests.admin_forms import posted_form
from tests.factories import make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


def editor(username):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def xiaowang():
    return editor("xiaowang")


@pytest.fixture
def laoli():
    return editor("laoli")


@pytest.fixture
def notice():
    page = make_page(make_issue(date=datetime.date(2024, 12, 10)), code="A05", name="公告")
    return make_notice(
        page, items=[{"holder": "张三", "document_type": "学生证", "number": "2024001"}]
    )


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_the_second_of_two_editors_saving_a_notice_is_refused_and_nothing_is_lost(
    xiaowang, laoli, notice
):
    url = change_url(notice)
    first, second = xiaowang.get(url), laoli.get(url)

    response = xiaowang.post(url, posted_form(first, review_note="持有人姓名已与底稿核对。"))
    assert response.status_code == 302
    response = laoli.post(url, posted_form(second, order=7))

    assert response.status_code == 200
    html = response.content.decode()
    assert "没有保存:您打开这个表单之后,公告“遗失声明 YT20241210-001”有了改动" in html
    assert "xiaowang于" in html and "已修改核对说明" in html
    assert f'<a href="{url}" target="_blank">打开当前版本</a>' in html
    assert "本页与当前版本不同的字段:版内顺序、核对说明" in html
    # What the second editor typed is still in the form, to be carried over.
    assert response.context["adminform"].form["order"].value() == "7"
    notice.refresh_from_db()
    assert notice.review_note == "持有人姓名已与底稿核对。"
    assert notice.order == 0
    assert not LogEntry.objects.filter(user__username="laoli").exists()


def test_the_refusal_says_when_the_change_was_made(xiaowang, laoli, notice):
    url = change_url(notice)
    first, second = xiaowang.get(url), laoli.get(url)
    xiaowang.post(url, posted_form(first, review_note="已核对。"))
    Notice.objects.filter(pk=notice.pk).update(
        updated=datetime.datetime(2024, 12, 10, 2, 5, 31, tzinfo=datetime.UTC)
    )
    LogEntry.objects.update(
        action_time=datetime.datetime(2024, 12, 10, 2, 5, 32, tzinfo=datetime.UTC)
    )
    html = laoli.post(url, posted_form(second, order=7)).content.decode()
    assert "xiaowang于2024年12月10日 10:05:31修改(已修改核对说明)" in html


def test_a_change_made_outside_the_admin_refuses_the_form_too(xiaowang, notice):
    url = change_url(notice)
    opened = xiaowang.get(url)
    notice.unpublish()
    response = xiaowang.post(url, posted_form(opened, review_note="已核对。"))
    assert "在后台以外修改(例如重新导入)" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    assert notice.review_note == ""


def test_the_current_version_opened_again_saves(xiaowang, laoli, notice):
    url = change_url(notice)
    first, second = xiaowang.get(url), laoli.get(url)
    xiaowang.post(url, posted_form(first, review_note="已核对。"))
    assert laoli.post(url, posted_form(second, order=7)).status_code == 200

    response = laoli.post(url, posted_form(laoli.get(url), order=7))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.order, notice.review_note) == (7, "已核对。")


def test_saving_twice_from_a_form_reopened_after_each_save_is_never_refused(xiaowang, notice):
    url = change_url(notice)
    for order in (2, 3):
        response = xiaowang.post(url, posted_form(xiaowang.get(url), order=order))
        assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.order == 3


@pytest.mark.parametrize(
    ("make", "field", "first_value", "second_value"),
    [
        (lambda: make_article(), "headline", "第一位编辑改的标题", "第二位编辑改的标题"),
        (lambda: make_issue(), "number", 9001, 9002),
        (lambda: make_page(), "name", "公告", "副刊"),
    ],
    ids=["article", "issue", "page"],
)
def test_articles_issues_and_pages_refuse_the_second_save_too(
    xiaowang, laoli, make, field, first_value, second_value
):
    obj = make()
    url = change_url(obj)
    first, second = xiaowang.get(url), laoli.get(url)
    assert xiaowang.post(url, posted_form(first, **{field: first_value})).status_code == 302
    response = laoli.post(url, posted_form(second, **{field: second_value}))
    assert response.status_code == 200
    assert "没有保存:您打开这个表单之后" in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == first_value


def test_publishing_from_the_list_refuses_a_form_opened_before(xiaowang, laoli):
    article = make_article(status=Article.Status.DRAFT)
    opened = laoli.get(change_url(article))
    xiaowang.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]}
    )
    response = laoli.post(change_url(article), posted_form(opened, headline="新标题"))
    html = response.content.decode()
    assert "xiaowang于" in html and "已发布(批量操作)" in html
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.headline != "新标题"


def test_pages_move_their_stamp_when_a_notice_flags_their_scan():
    page = make_page(code="A03", name="公告")
    Page.objects.filter(pk=page.pk).update(file="pages/a03.png", has_text_layer=False)
    before = Page.objects.get(pk=page.pk).updated
    make_notice(page)
    page.refresh_from_db()
    assert page.needs_redaction
    assert page.updated > before


def test_issue_form_carries_the_stamp_once(xiaowang):
    issue = make_issue()
    html = xiaowang.get(change_url(issue)).content.decode()
    assert html.count('name="opened_version"') == 1
    assert Issue.objects.get(pk=issue.pk).updated.isoformat() in html


def test_the_stamp_is_read_under_a_row_lock(xiaowang, notice):
    url = change_url(notice)
    opened = xiaowang.get(url)
    with CaptureQueriesContext(connection) as queries:
        xiaowang.post(url, posted_form(opened, order=2))
    assert any(
        query["sql"].startswith('SELECT "notices_notice"."updated"')
        and "FOR UPDATE" in query["sql"]
        for query in queries
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_at_the_same_moment_the_second_waits_and_is_refused(monkeypatch):
    """Both forms are checked before either is saved: the lock makes the second wait."""
    xiaowang, laoli = editor("xiaowang"), editor("laoli")
    page = make_page(make_issue(date=datetime.date(2024, 12, 10)), code="A05", name="公告")
    notice = make_notice(page)
    url = change_url(notice)
    first, second = xiaowang.get(url), laoli.get(url)

    saving, go_on = threading.Event(), threading.Event()
    save_model = NoticeAdmin.save_model

    def first_editor_saves_slowly(self, request, obj, form, change):
        if request.user.username == "xiaowang":
            saving.set()
            go_on.wait(10)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(NoticeAdmin, "save_model", first_editor_saves_slowly)
    responses = {}

    def post(client, data):
        responses[client] = client.post(url, data)
        connection.close()

    one = threading.Thread(target=post, args=(xiaowang, posted_form(first, review_note="已核对。")))
    one.start()
    assert saving.wait(10)
    other = threading.Thread(target=post, args=(laoli, posted_form(second, order=7)))
    other.start()
    other.join(1.5)
    assert other.is_alive(), "the second save did not wait for the first"
    go_on.set()
    one.join(10)
    other.join(10)

    assert responses[xiaowang].status_code == 302
    assert responses[laoli].status_code == 200
    assert "没有保存:您打开这个表单之后" in responses[laoli].content.decode()
    notice.refresh_from_db()
    assert (notice.review_note, notice.order) == ("已核对。", 0)
