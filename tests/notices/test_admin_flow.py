"""Entering a page of notices in the admin: the form's order, what a save says and records."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.test import Client

from articles.models import Article
from notices.models import Notice, WeddingDetails
from paper.models import Issue
from tests.factories import make_article, make_issue, make_notice, make_page
from tests.notices.test_admin import doc, lost_notice_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return make_page(make_issue(date=datetime.date(2024, 12, 10)), code="A05", name="公告", order=5)


@pytest.fixture
def editor():
    """A member of 编辑, in a client of its own (the reader has the other)."""
    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_form_and_the_issue_form_offer_to_enter_the_pages_notices(editor, page):
    url = f"/admin/notices/notice/add/?issue={page.issue_id}&amp;page={page.pk}"
    html = editor.get(f"/admin/paper/page/{page.pk}/change/").content.decode()
    assert f'<a href="{url}" class="addlink">录入本版公告</a>' in html
    html = editor.get(f"/admin/paper/issue/{page.issue_id}/change/").content.decode()
    assert f'<a href="{url}" class="addlink">录入本版公告</a>' in html

    form = editor.get(f"/admin/notices/notice/add/?issue={page.issue_id}&page={page.pk}")
    html = form.content.decode()
    assert re.search(rf'<option value="{page.pk}" selected>2024-12-10 A05 公告</option>', html)
    assert re.search(rf'<option value="{page.issue_id}" selected>2024年12月10日</option>', html)


def test_save_and_add_another_keeps_kind_issue_and_page(editor, page):
    data = lost_notice_form(page, [{"holder": "张三", "document_type": doc("身份证")}])
    response = editor.post("/admin/notices/notice/add/", {**data, "_addanother": "1"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/notices/notice/add/?kind=lost&issue={page.issue_id}&page={page.pk}"
    )
    html = editor.get(response["Location"]).content.decode()
    assert re.search(rf'<option value="{page.pk}" selected>2024-12-10 A05 公告</option>', html)


def test_the_page_autocomplete_offers_the_chosen_issues_pages_with_their_date(editor, page):
    make_page(page.issue, code="A01", name="要闻", order=1)
    make_page(make_issue(date=datetime.date(2024, 12, 11)), code="A05", name="公告")
    params = {"app_label": "notices", "model_name": "notice", "field_name": "page", "term": ""}
    found = editor.get("/admin/autocomplete/", {**params, "issue": page.issue_id}).json()
    assert [row["text"] for row in found["results"]] == [
        "2024-12-10 A01 要闻",
        "2024-12-10 A05 公告",
    ]
    found = editor.get("/admin/autocomplete/", {**params, "issue": page.issue_id, "term": "A05"})
    assert [row["text"] for row in found.json()["results"]] == ["2024-12-10 A05 公告"]
    # Without an issue chosen, every day's A05, each with its date.
    found = editor.get("/admin/autocomplete/", {**params, "term": "A05"}).json()
    assert [row["text"] for row in found["results"]] == [
        "2024-12-11 A05 公告",
        "2024-12-10 A05 公告",
    ]


def test_the_form_follows_the_order_of_the_work(editor, page):
    html = editor.get("/admin/notices/notice/add/").content.decode()
    order = [
        'id="id_kind"',
        'id="id_issue"',
        'id="id_page"',
        'id="items-group"',
        'id="wedding-group"',
        'id="id_headline"',
        'id="id_text"',
        'id="id_fee"',
        'id="id_status"',
        'id="id_review_note"',
        "创建时间",
        'id="zones-group"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # Each kind's block is marked for static/js/notice-form.js, and the script is loaded.
    assert "notice-kind-block notice-kind-lost" in html
    assert "notice-kind-block notice-kind-wedding" in html
    assert "notice-kind-block notice-kind-other" in html
    assert "/static/js/notice-form.js" in html and "/static/js/printed-item-form.js" in html
    # Position and history are folded away.
    for heading in ("版面位置", "记录", "核对"):
        assert re.search(rf"<details><summary>\s*<h2[^>]*>{heading}</h2>", html), heading
    assert re.search(r'<fieldset class="module collapse"[^>]*>\s*<details>', html)


def test_a_block_that_does_not_fit_the_kind_is_neither_checked_nor_saved(editor, page):
    # A lost notice with a half-typed couple (the editor changed the kind): saved without it.
    data = lost_notice_form(page, [{"holder": "张三", "document_type": doc("身份证")}])
    data.update({"wedding-TOTAL_FORMS": 1, "wedding-0-groom": "张雨", "wedding-0-message": ""})
    response = editor.post("/admin/notices/notice/add/", data)
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.items.get().holder == "张三"
    assert not WeddingDetails.objects.exists()

    # A wedding with a bad lost item typed before the kind was chosen: saved without it.
    data = lost_notice_form(page, [{"holder": "", "document_type": doc("身份证"), "quantity": 0}])
    data.update(
        {
            "kind": "wedding",
            "wedding-TOTAL_FORMS": 1,
            "wedding-0-groom": "张雨",
            "wedding-0-bride": "百音一兰",
            "wedding-0-wedding_date": "2024-11-02",
            "wedding-0-message": "",
        }
    )
    response = editor.post("/admin/notices/notice/add/", data)
    assert response.status_code == 302
    wedding = Notice.objects.get(kind="wedding")
    assert not wedding.items.exists()
    assert wedding.wedding.groom == "张雨"


def test_generated_wording_is_never_published_in_the_same_save(editor, page):
    data = lost_notice_form(
        page,
        [{"holder": "张三", "document_type": doc("身份证"), "number": "11010519491231002X"}],
        status="published",
    )
    response = editor.post("/admin/notices/notice/add/", data, follow=True)
    notice = Notice.objects.get()
    assert notice.text.startswith("张三遗失身份证")
    assert notice.status == Notice.Status.DRAFT
    shown = " ".join(messages_of(response))
    assert "这次保存没有发布" in shown and "仍是草稿" in shown

    # Once read, the editor publishes it with the wording in the form.
    data.update({"text": notice.text, "items-INITIAL_FORMS": 1})
    data["items-0-id"] = notice.items.get().pk
    data["items-0-notice"] = notice.pk
    response = editor.post(f"/admin/notices/notice/{notice.pk}/change/", data)
    assert Notice.objects.get().status == Notice.Status.PUBLISHED


def test_edits_to_a_draft_are_logged_with_the_fields_chinese_names(editor, page):
    notice = make_notice(page, status=Notice.Status.DRAFT, items=[{"holder": "张三"}])
    item = notice.items.get()
    data = lost_notice_form(
        page,
        [{"id": item.pk, "notice": notice.pk, "holder": "张山", "document_type": doc("收据")}],
        # The wording follows the holder: items and wording are kept in step.
        text=notice.text.replace("张三", "张山"),
        fee=notice.fee,
        **{"items-INITIAL_FORMS": 1},
    )
    response = editor.post(f"/admin/notices/notice/{notice.pk}/change/", data)
    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(notice.pk))
    message = entry.get_change_message()
    assert entry.user == editor.user
    assert "刊登文字" in message and "持有人" in message
    assert "更正" not in message
    history = editor.get(f"/admin/notices/notice/{notice.pk}/history/").content.decode()
    assert "刊登文字" in history and "xiaowang" in history


def published_form(page, notice):
    """The change form of a notice of one item (张三's receipt), posted as 已发布."""
    item = notice.items.get()
    return lost_notice_form(
        page,
        [{"id": item.pk, "notice": notice.pk, "holder": "张三", "document_type": doc("收据")}],
        text=notice.text,
        fee=notice.fee,
        status="published",
        **{"items-INITIAL_FORMS": 1},
    )


def test_publishing_on_an_unpublished_issue_warns_and_offers_to_publish_the_issue(editor, page):
    Issue.objects.filter(pk=page.issue_id).update(is_published=False)
    notice = make_notice(page, status=Notice.Status.DRAFT, items=[{"holder": "张三"}])
    data = published_form(page, notice)
    response = editor.post(f"/admin/notices/notice/{notice.pk}/change/", data, follow=True)
    assert Notice.objects.get().status == Notice.Status.PUBLISHED
    html = response.content.decode()
    assert "公告已设为“已发布”,但2024年12月10日的报纸还没有发布,读者还看不到。" in html
    form = re.search(r'<form method="post" action="/admin/paper/issue/".*?</form>', html).group()
    assert f'name="_selected_action" value="{page.issue_id}"' in form
    assert "发布2024年12月10日的报纸" in form

    # The button publishes the issue through the action, which the history records.
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    response = editor.post("/admin/paper/issue/", fields, follow=True)
    assert Issue.objects.get(pk=page.issue_id).is_published
    entry = LogEntry.objects.get(object_id=str(page.issue_id))
    assert entry.user == editor.user and entry.get_change_message() == "已发布(批量操作)。"


def test_an_article_published_on_an_unpublished_issue_warns_too(editor, page):
    Issue.objects.filter(pk=page.issue_id).update(is_published=False)
    article = make_article(page, status=Article.Status.DRAFT)
    data = {
        "issue": page.issue_id,
        "page": page.pk,
        "order": 1,
        "status": "published",
        "headline": article.headline,
        "body": article.body,
        "zones-TOTAL_FORMS": 0,
        "zones-INITIAL_FORMS": 0,
    }
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", data, follow=True)
    shown = " ".join(messages_of(response))
    assert "文章已设为“已发布”,但2024年12月10日的报纸还没有发布" in shown


def test_the_message_after_a_save_links_to_the_public_page(editor, page):
    notice = make_notice(page, status=Notice.Status.DRAFT, items=[{"holder": "张三"}])
    editor.post("/admin/notices/notice/", {"action": "publish", "_selected_action": [notice.pk]})
    data = published_form(page, notice)
    response = editor.post(f"/admin/notices/notice/{notice.pk}/change/", data, follow=True)
    url = notice.get_absolute_url()
    assert f'读者现在可以在 <a href="{url}">{url}</a> 看到这则公告。' in response.content.decode()

    draft = make_notice(page, status=Notice.Status.DRAFT)
    response = editor.get(f"/admin/notices/notice/{draft.pk}/change/")
    data["status"] = "draft"
    item = draft.items.get()
    data.update(
        {
            "items-0-id": item.pk,
            "items-0-notice": draft.pk,
            "items-0-holder": item.holder,
            "items-0-number": item.number,
            "items-0-document_type": item.document_type_id,
            "text": draft.text,
        }
    )
    response = editor.post(f"/admin/notices/notice/{draft.pk}/change/", data, follow=True)
    assert "这则公告还是草稿,读者看不到" in " ".join(messages_of(response))


def test_the_public_page_changes_on_the_next_request_after_an_admin_save(
    client, editor, page, page_cache, django_capture_on_commit_callbacks
):
    notice = make_notice(page, items=[{"holder": "毕丽静"}])
    url = notice.get_absolute_url()
    assert "毕丽静" in client.get(url).content.decode()
    # The copy is served from the cache: a change behind the admin's back is not seen.
    Notice.objects.filter(pk=notice.pk).update(text="未经保存的文字")
    assert "未经保存的文字" not in client.get(url).content.decode()

    item = notice.items.get()
    data = lost_notice_form(
        page,
        [{"id": item.pk, "notice": notice.pk, "holder": "毕丽晶", "document_type": doc("收据")}],
        text="毕丽晶遗失收据,声明作废。",
        fee=notice.fee,
        status="published",
        correction_kind="correction",
        correction_note="持有人姓名有误",
        **{"items-INITIAL_FORMS": 1},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/notices/notice/{notice.pk}/change/", data)
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "毕丽晶" in html and "持有人姓名有误" in html


def test_another_name_of_a_document_type_finds_its_notices(editor, client, page):
    resident = make_notice(page, items=[{"holder": "张三", "document_type": "身份证"}])
    make_notice(page, items=[{"holder": "李四", "document_type": "收据"}])
    for term in ("居民身份证", "身份证"):
        response = editor.get("/admin/notices/notice/", {"q": term})
        assert [n.pk for n in response.context["cl"].result_list] == [resident.pk], term
    # Readers' list: the word stands for the type, with the other words searched as usual.
    listed = client.get("/notices/", {"q": "居民身份证"}).context["notice_list"]
    assert [n.pk for n in listed] == [resident.pk]
    listed = client.get("/notices/", {"q": "居民身份证 张三"}).context["notice_list"]
    assert [n.pk for n in listed] == [resident.pk]
    assert list(client.get("/notices/", {"q": "居民身份证 李四"}).context["notice_list"]) == []


def test_the_admin_search_keeps_to_the_lists_filters(editor, page):
    """A number or a document type found by the search stays within the chosen filters."""
    draft = make_notice(page, status="draft", items=[{"holder": "张三", "number": "0001715"}])
    make_notice(page, items=[{"holder": "李四", "number": "0001715"}])
    for q in ("0001715", "收据"):
        response = editor.get("/admin/notices/notice/", {"q": q, "status__exact": "draft"})
        assert [n.pk for n in response.context["cl"].result_list] == [draft.pk], q


def test_quantity_zero_is_refused_in_plain_chinese(editor, page):
    data = lost_notice_form(page, [{"holder": "张三", "document_type": doc("收据"), "quantity": 0}])
    html = editor.post("/admin/notices/notice/add/", data).content.decode()
    assert "数量至少为 1" in html
    assert "约束" not in html and "lostitem_quantity_at_least_one" not in html
    assert not Notice.objects.exists()


def test_bulk_publishing_on_an_unpublished_issue_warns_once_per_issue(editor, page):
    Issue.objects.filter(pk=page.issue_id).update(is_published=False)
    notices = [make_notice(page, status=Notice.Status.DRAFT) for _ in range(2)]
    response = editor.post(
        "/admin/notices/notice/",
        {"action": "publish", "_selected_action": [n.pk for n in notices]},
        follow=True,
    )
    shown = messages_of(response)
    assert shown[0] == "已发布 2 条公告。"
    assert len(shown) == 2 and "2024年12月10日的报纸还没有发布" in shown[1]
    assert f'name="_selected_action" value="{page.issue_id}"' in shown[1]
    for notice in notices:
        entry = LogEntry.objects.get(object_id=str(notice.pk))
        assert entry.user == editor.user and entry.get_change_message() == "已发布(批量操作)。"
