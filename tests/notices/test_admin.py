import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import DocumentType, Notice
from tests.factories import make_archive, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03", name="公告")


def lost_notice_form(page, items, **fields):
    data = {
        "kind": "lost",
        "issue": page.issue.pk,
        "page": page.pk,
        "order": 1,
        "status": "draft",
        "text": "",
        "fee": "",
        "review_note": "",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
        "wedding-TOTAL_FORMS": 0,
        "wedding-INITIAL_FORMS": 0,
        "wedding-MIN_NUM_FORMS": 0,
        "wedding-MAX_NUM_FORMS": 1,
        "zones-TOTAL_FORMS": 0,
        "zones-INITIAL_FORMS": 0,
    }
    for n, item in enumerate(items):
        defaults = {
            "holder": "",
            "document_type": "",
            "document_name": "",
            "number": "",
            "issuer": "",
            "issued_on": "",
            "amount": "",
            "other_identifier": "",
            "quantity": 1,
            "order": n + 1,
        }
        defaults.update(item)
        data.update({f"items-{n}-{key}": value for key, value in defaults.items()})
    data.update(fields)
    return data


def doc(name):
    return DocumentType.objects.get(name=name).pk


def test_editor_enters_the_seed_notice_with_two_items(editor, page):
    response = editor.post(
        "/admin/notices/notice/add/",
        lost_notice_form(
            page,
            [
                {
                    "holder": "迟汝海",
                    "document_type": doc("国籍证书"),
                    "other_identifier": "鲁烟渔养67419",
                    "number": "(鲁烟)船登(籍)(2024)YZ-000135号",
                },
                {
                    "holder": "曲和林",
                    "document_type": doc("登记证"),
                    "other_identifier": "鲁烟渔70235",
                    "number": "YD02BA130262.18",
                },
            ],
        ),
        follow=True,
    )
    assert response.status_code == 200
    notice = Notice.objects.get()
    assert notice.text == (
        "迟汝海的鲁烟渔养67419国籍证书丢失,编号:(鲁烟)船登(籍)(2024)YZ-000135号;"
        "曲和林的鲁烟渔70235登记证丢失,编号:YD02BA130262.18。以上证件声明作废。"
    )
    assert notice.fee == 800
    assert notice.reference == "YT20241022-001"
    assert notice.status == Notice.Status.DRAFT
    assert "已按条目生成刊登文字" in response.content.decode()
    # The editor sees the wording and may change it before publishing.
    change = editor.get(f"/admin/notices/notice/{notice.pk}/change/").content.decode()
    assert "以上证件声明作废" in change
    assert "800" in editor.get("/admin/notices/notice/").content.decode()


def test_editor_keeps_an_edited_wording(editor, page):
    editor.post(
        "/admin/notices/notice/add/",
        lost_notice_form(
            page,
            [{"holder": "张三", "document_type": doc("学生证"), "number": "2024001"}],
            text="张三遗失烟台大学学生证,编号:2024001,声明作废。",
        ),
    )
    notice = Notice.objects.get()
    assert notice.text == "张三遗失烟台大学学生证,编号:2024001,声明作废。"
    assert notice.fee == 20


@pytest.mark.parametrize(
    "item, message",
    [
        ({"document_type": "身份证", "number": "370602199001011238"}, "校验位不正确"),
        ({"document_type": "身份证", "number": "37060219900101123"}, "应为18位"),
        ({"document_type": "营业执照", "number": "91350100M000100Y44"}, "校验位不正确"),
        ({"document_type": "收据", "issued_on": "2999-01-01"}, "开具日期不能晚于今天"),
        ({"document_type": "收据", "amount": "-10"}, "金额不能为负数"),
        ({"document_type": "收据", "holder": ""}, "这个字段是必填项"),
    ],
)
def test_a_form_with_errors_saves_nothing_and_says_why(editor, page, item, message):
    item = {"holder": "张三", **item}
    item["document_type"] = doc(item["document_type"])
    response = editor.post("/admin/notices/notice/add/", lost_notice_form(page, [item]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Notice.objects.exists()


def test_lost_notice_needs_an_item(editor, page):
    response = editor.post("/admin/notices/notice/add/", lost_notice_form(page, []))
    assert "遗失声明至少要录入一件遗失的证件" in response.content.decode()
    assert not Notice.objects.exists()


def test_page_of_another_issue_is_refused(editor, page):
    other = make_page(make_issue(), code="A03")
    data = lost_notice_form(page, [{"holder": "张三", "document_type": doc("收据")}])
    data["page"] = other.pk
    response = editor.post("/admin/notices/notice/add/", data)
    assert "所选版面不属于这一期报纸" in response.content.decode()
    assert not Notice.objects.exists()


def test_lower_case_x_is_accepted_and_stored_upper_case(editor, page):
    editor.post(
        "/admin/notices/notice/add/",
        lost_notice_form(
            page,
            [{"holder": "王五", "document_type": doc("身份证"), "number": "11010519491231002x"}],
        ),
    )
    assert Notice.objects.get().items.get().number == "11010519491231002X"


def test_registration_number_and_earlier_notice_are_warnings(editor, page):
    make_notice(
        make_page(make_issue(date=datetime.date(2024, 3, 1))),
        items=[{"holder": "某商店", "document_type": "营业执照", "number": "110108000000017"}],
    )
    response = editor.post(
        "/admin/notices/notice/add/",
        lost_notice_form(
            page,
            [{"holder": "某商店", "document_type": doc("营业执照"), "number": "110108000000017"}],
        ),
        follow=True,
    )
    html = response.content.decode()
    assert Notice.objects.count() == 2
    assert "校验位与前14位不符" in html
    assert "已在2024年3月1日的公告" in html


def test_wedding_announcement_gets_lunar_date_and_wording(editor, page):
    data = lost_notice_form(page, [])
    data.update(
        {
            "kind": "wedding",
            "fee": "300",
            "wedding-TOTAL_FORMS": 1,
            "wedding-0-groom": "张雨",
            "wedding-0-bride": "百音一兰",
            "wedding-0-wedding_date": "2024-11-02",
            "wedding-0-message": "愿修百年之好,共赴白头之约。",
        }
    )
    editor.post("/admin/notices/notice/add/", data)
    notice = Notice.objects.get()
    assert notice.wedding.lunar_date == "农历十月初二"
    assert notice.text.startswith("【农历十月初二】新郎张雨与新娘百音一兰于公历2024年11月2日")
    assert notice.fee == 300


def test_publish_action_and_search_by_holder_and_number(editor, admin_client):
    notice = make_notice(
        status=Notice.Status.DRAFT,
        items=[
            {
                "holder": "迟汝海",
                "document_type": "国籍证书",
                "number": "(鲁烟)船登(籍)(2024)YZ-000135号",
            }
        ],
    )
    make_notice(items=[{"holder": "毕丽静", "number": "0001715"}])
    editor.post("/admin/notices/notice/", {"action": "publish", "_selected_action": [notice.pk]})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    for term in ("迟汝海", "yz-000135", "（鲁烟）船登"):
        response = editor.get("/admin/notices/notice/", {"q": term})
        assert [n.pk for n in response.context["cl"].result_list] == [notice.pk], term


def test_filters_and_one_issues_notices_in_page_order(editor):
    issue = make_issue(date=datetime.date(2024, 10, 22))
    later_page = make_page(issue, code="A08", order=8)
    early_page = make_page(issue, code="A02", order=2)
    last = make_notice(later_page)
    first = make_notice(early_page)
    make_notice(make_page(make_issue(date=datetime.date(2024, 10, 23))))
    response = editor.get(
        "/admin/notices/notice/",
        {"pub_date__year": 2024, "pub_date__month": 10, "pub_date__day": 22},
    )
    assert [n.pk for n in response.context["cl"].result_list] == [first.pk, last.pk]
    for params in ({"kind__exact": "lost"}, {"status__exact": "published"}):
        assert editor.get("/admin/notices/notice/", params).status_code == 200


def test_changelist_query_count_does_not_grow(admin_client):
    make_archive(1)
    with CaptureQueriesContext(connection) as small:
        admin_client.get("/admin/notices/notice/")
    make_archive(15)
    with CaptureQueriesContext(connection) as large:
        admin_client.get("/admin/notices/notice/")
    assert len(small) == len(large)


def test_editors_group_can_add_content_but_not_manage_users(editor):
    assert editor.get("/admin/notices/notice/add/").status_code == 200
    assert editor.get("/admin/articles/article/add/").status_code == 200
    assert editor.get("/admin/auth/user/").status_code == 403
    assert editor.get("/admin/auth/user/add/").status_code == 403
    assert editor.get("/admin/notices/ratecategory/1/change/").status_code == 200
    notice = make_notice()
    assert editor.get(f"/admin/notices/notice/{notice.pk}/delete/").status_code == 403


def test_history_shows_who_changed_what(editor, page):
    editor.post(
        "/admin/notices/notice/add/",
        lost_notice_form(page, [{"holder": "张三", "document_type": doc("学生证")}]),
    )
    notice = Notice.objects.get()
    entry = LogEntry.objects.get(object_id=str(notice.pk))
    assert entry.user.username == "xiaowang"
    history = editor.get(f"/admin/notices/notice/{notice.pk}/history/").content.decode()
    assert "xiaowang" in history


def test_editor_enters_an_other_notice_with_its_announcer_and_credit_code(editor, page):
    form = editor.get("/admin/notices/notice/add/").content.decode()
    assert "其他声明" in form and "声明人" in form and "统一社会信用代码" in form
    data = lost_notice_form(
        page,
        [],
        kind="other",
        text="烟台某某贸易有限公司经股东会决议,注册资本由1000万元减至500万元。特此公告。",
        headline="减资公告",
        announcer="烟台某某贸易有限公司",
        credit_code="９１３５０１００ｍ０００１００ｙ４３",
    )
    response = editor.post("/admin/notices/notice/add/", data)
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.headline, notice.announcer) == ("减资公告", "烟台某某贸易有限公司")
    assert notice.credit_code == "91350100M000100Y43"
    assert notice.title() == "减资公告:烟台某某贸易有限公司"
    for term in ("m000100y43", "烟台某某贸易"):
        response = editor.get("/admin/notices/notice/", {"q": term})
        assert [n.pk for n in response.context["cl"].result_list] == [notice.pk], term

    data["credit_code"] = "91350100M000100Y44"
    response = editor.post("/admin/notices/notice/add/", data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert Notice.objects.count() == 1
