"""Printed items: their date follows their issue's, and publishing goes through the model."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError

from articles.models import Article
from notices.models import LostItem, Notice
from paper.models import Issue, printed_item_models
from tests.factories import make_article, make_issue, make_notice, make_page, make_wedding_notice

pytestmark = pytest.mark.django_db


def test_every_printed_model_is_known_to_the_base():
    assert printed_item_models() == [Article, Notice]


def test_changing_an_issues_date_moves_its_articles_and_notices(client):
    issue = make_issue(date=datetime.date(2024, 10, 22))
    page = make_page(issue, code="A03", name="公告")
    article = make_article(page)
    notice = make_notice(page, items=[{"holder": "毕丽静"}])
    other = make_notice(make_page(make_issue(date=datetime.date(2024, 10, 23))))
    before = Notice.objects.get(pk=notice.pk).updated

    issue.date = datetime.date(2024, 10, 21)
    issue.save()

    article.refresh_from_db()
    notice.refresh_from_db()
    assert article.pub_date == notice.pub_date == datetime.date(2024, 10, 21)
    assert notice.updated > before  # the sitemap's lastmod and the feeds see the change
    assert Notice.objects.get(pk=other.pk).pub_date == datetime.date(2024, 10, 23)
    # Readers' date filters follow the paper.
    listed = client.get("/notices/", {"date_from": "2024-10-21", "date_to": "2024-10-21"})
    assert [n.pk for n in listed.context["notice_list"]] == [notice.pk]
    listed = client.get("/notices/", {"date_from": "2024-10-22", "date_to": "2024-10-22"})
    assert list(listed.context["notice_list"]) == []


@pytest.mark.parametrize(
    ("make", "url"),
    [
        (lambda: make_article(status=Article.Status.DRAFT), "/admin/articles/article/"),
        (lambda: make_notice(status=Notice.Status.DRAFT), "/admin/notices/notice/"),
    ],
)
def test_publish_action_saves_through_the_model_and_is_in_the_history(editor, make, url):
    item = make()
    stamped = type(item).objects.get(pk=item.pk).updated
    response = editor.post(url, {"action": "publish", "_selected_action": [item.pk]}, follow=True)
    item.refresh_from_db()
    assert item.status == item.Status.PUBLISHED
    assert item.updated > stamped
    entry = LogEntry.objects.get(object_id=str(item.pk), action_flag=CHANGE)
    assert entry.user == editor.user
    assert entry.get_change_message() == "已发布(批量操作)。"
    assert [str(m) for m in response.context["messages"]][-1].startswith("已发布 1 ")

    editor.post(url, {"action": "unpublish", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.status == item.Status.DRAFT
    assert LogEntry.objects.filter(object_id=str(item.pk)).latest(
        "action_time"
    ).get_change_message() == ("已撤回(批量操作)。")


def test_issue_publish_action_saves_and_is_in_the_history(editor):
    issue = make_issue(is_published=False)
    stamped = issue.updated
    editor.post("/admin/paper/issue/", {"action": "publish", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.is_published
    assert issue.updated > stamped
    assert LogEntry.objects.get(object_id=str(issue.pk)).user == editor.user


def test_publish_action_refuses_what_the_form_would_refuse(editor):
    page = make_page(code="A03", name="公告")
    good = make_notice(page, status=Notice.Status.DRAFT)
    empty = make_notice(page, status=Notice.Status.DRAFT)
    Notice.objects.filter(pk=empty.pk).update(text="")
    bare = make_notice(page, status=Notice.Status.DRAFT)
    bare.items.all().delete()
    response = editor.post(
        "/admin/notices/notice/",
        {"action": "publish", "_selected_action": [good.pk, empty.pk, bare.pk]},
        follow=True,
    )
    statuses = dict(Notice.objects.values_list("pk", "status"))
    assert statuses == {good.pk: "published", empty.pk: "draft", bare.pk: "draft"}
    shown = [str(m) for m in response.context["messages"]]
    assert f"{empty.reference}(没有刊登文字)" in shown[0]
    assert f"{bare.reference}(遗失声明至少要录入一件遗失的证件。)" in shown[0]
    assert shown[1] == "已发布 1 条公告。"
    assert not LogEntry.objects.filter(object_id__in=[str(empty.pk), str(bare.pk)]).exists()


def test_publish_keeps_the_page_in_issue_rule():
    article = make_article(status=Article.Status.DRAFT)
    Article.objects.filter(pk=article.pk).update(page=make_page(make_issue()))
    article.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        article.publish()
    assert error.value.message_dict == {"page": ["所选版面不属于这一期报纸。"]}
    assert article.status == Article.Status.DRAFT
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_unpublishing_an_issue_hides_it():
    issue = make_issue()
    issue.unpublish()
    assert not Issue.objects.get(pk=issue.pk).is_published


def test_a_wedding_is_published_with_its_couple_and_without_lost_items():
    wedding = make_wedding_notice(status=Notice.Status.DRAFT)
    wedding.publish()
    assert Notice.objects.get(pk=wedding.pk).status == Notice.Status.PUBLISHED
    wedding.unpublish()
    LostItem.objects.create(notice=wedding, holder="张雨")
    with pytest.raises(ValidationError) as error:
        wedding.publish()
    assert error.value.messages == ["结婚启事不需要录入遗失证件。"]
    wedding.items.all().delete()
    wedding.wedding.delete()
    wedding = Notice.objects.get(pk=wedding.pk)
    with pytest.raises(ValidationError) as error:
        wedding.publish()
    assert error.value.messages == ["结婚启事需要填写新郎、新娘和结婚日期。"]
    assert Notice.objects.get(pk=wedding.pk).status == Notice.Status.DRAFT


@pytest.mark.parametrize(
    ("make", "url"),
    [
        (
            lambda: make_article(status=Article.Status.DRAFT, needs_review=True),
            "/admin/articles/article/",
        ),
        (
            lambda: make_notice(status=Notice.Status.DRAFT, needs_review=True),
            "/admin/notices/notice/",
        ),
    ],
)
def test_flagged_items_are_not_published_until_the_flag_is_cleared(editor, make, url):
    item = make()
    response = editor.post(url, {"action": "publish", "_selected_action": [item.pk]}, follow=True)
    item.refresh_from_db()
    assert item.status == item.Status.DRAFT
    [refused, done] = [str(m) for m in response.context["messages"]]
    assert str(item) in refused and "待核对" in refused
    assert done.startswith("已发布 0 ")
    # Nor through the form: the editor clears the flag first.
    with pytest.raises(ValidationError) as error:
        item.publish()
    assert "status" in error.value.message_dict
    item.needs_review = False
    item.save()
    item.publish()
    assert type(item).objects.get(pk=item.pk).status == item.Status.PUBLISHED


def test_the_article_form_refuses_to_publish_a_flagged_article(editor):
    article = make_article(status=Article.Status.DRAFT, needs_review=True, review_note="第3行")
    page = article.page
    data = {
        "issue": article.issue_id,
        "page": page.pk,
        "order": 1,
        "status": "published",
        "headline": article.headline,
        "body": article.body,
        "needs_review": "on",
        "review_note": article.review_note,
        "zones-TOTAL_FORMS": 0,
        "zones-INITIAL_FORMS": 0,
    }
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "标为“待核对”的内容不能发布" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    del data["needs_review"]
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
