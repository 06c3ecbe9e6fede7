"""A lost notice's items and wording say the same; changing a published one's is a correction."""

import datetime

import pytest

from notices.models import DocumentType, LostItem, Notice
from tests.admin_forms import posted_form
from tests.factories import make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db

ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"


@pytest.fixture
def page():
    return make_page(make_issue(date=datetime.date(2024, 12, 10)), code="A05", name="公告")


def student_card_notice(page, **overrides):
    return make_notice(
        page,
        items=[{"holder": "张三", "document_type": "学生证", "number": "2024001"}],
        **overrides,
    )


def edit(editor, notice, **changes):
    url = f"/admin/notices/notice/{notice.pk}/change/"
    return editor.post(url, posted_form(editor.get(url), **changes))


def errors(response):
    """The form's errors, the inlines' and each field's, as the editor reads them."""
    found = []
    for error in response.context["errors"]:
        found += map(str, error) if isinstance(error, list) else [str(error)]
    return found


def test_an_items_number_changed_without_the_wording_is_refused_naming_the_item(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    response = edit(editor, notice, **{"items-0-number": "2024007"})
    assert response.status_code == 200
    assert errors(response) == [
        "刊登文字与证件条目不一致:第 1 件证件(张三 · 学生证)的号码“2024007”不在刊登文字中。",
        "请勾选“按条目重新生成刊登文字”后保存,或改正刊登文字。",
    ]
    assert notice.items.get().number == "2024001"


def test_wording_that_drops_an_items_holder_is_refused_too(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    response = edit(editor, notice, text="李四遗失学生证,编号:2024001,声明作废。")
    assert "第 1 件证件(张三 · 学生证)的持有人“张三”不在刊登文字中" in errors(response)[0]


def test_numbers_are_compared_however_the_wording_prints_them(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    response = edit(editor, notice, text="张三遗失学生证,编号:２０２４ ００１,声明作废。")
    assert response.status_code == 302


def test_regenerating_the_wording_brings_it_in_step_with_the_items(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    response = edit(editor, notice, compose_from_items="on", **{"items-0-number": "2024007"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text == "张三遗失学生证,编号:2024007,声明作废。"
    assert not notice.revisions.exists()


def test_an_item_of_a_published_notice_is_changed_only_with_a_correction_note(editor, page):
    notice = student_card_notice(page)
    text = notice.text
    response = edit(editor, notice, compose_from_items="on", **{"items-0-number": "2024007"})
    assert response.status_code == 200
    assert "这则公告已经发布,修改证件条目或刊登文字是更正" in errors(response)[0]
    notice.refresh_from_db()
    assert notice.text == text
    assert notice.items.get().number == "2024001"
    assert not notice.revisions.exists()


def test_a_corrected_item_is_kept_in_the_trail_and_shown_on_the_permalink(editor, client, page):
    notice = student_card_notice(page)
    printed = notice.text
    response = edit(
        editor,
        notice,
        compose_from_items="on",
        correction_note="证件编号有误",
        **{"items-0-number": "2024007"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text == "张三遗失学生证,编号:2024007,声明作废。"
    (revision,) = notice.revisions.all()
    assert (revision.text, revision.note) == (printed, "证件编号有误")
    assert [(item["holder"], item["document"], item["number"]) for item in revision.items] == [
        ("张三", "学生证", "2024001")
    ]

    html = client.get(notice.get_absolute_url()).content.decode()
    items_table = html.split('class="notice-items"', 1)[1].split("</table>", 1)[0]
    assert "2024007" in items_table and "2024001" not in items_table
    history = html.split('class="notice-history"', 1)[1]
    assert "证件编号有误" in history
    assert "更正前声明作废的证件:" in history
    assert "<li>张三 · 学生证 · 号码 2024001</li>" in history


def test_an_item_change_the_wording_still_agrees_with_is_a_correction_too(editor, page):
    notice = student_card_notice(page)
    response = edit(editor, notice, correction_note="数量有误", **{"items-0-quantity": 2})
    assert response.status_code == 302
    (revision,) = notice.revisions.all()
    assert revision.text == notice.text
    assert revision.items[0]["quantity"] == 1
    assert notice.items.get().quantity == 2


def test_a_text_correction_keeps_no_items(editor, page):
    notice = student_card_notice(page)
    edit(
        editor,
        notice,
        text="张三遗失烟台大学学生证,编号:2024001,声明作废。",
        correction_note="补上学校名称",
    )
    assert notice.revisions.get().items == []


def test_earlier_items_mask_resident_id_numbers(editor, client, page):
    notice = make_notice(
        page, items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}]
    )
    edit(
        editor,
        notice,
        correction_note="持有人姓名有误",
        compose_from_items="on",
        **{"items-0-holder": "张叁"},
    )
    assert notice.revisions.get().items[0]["number"] == ID_NUMBER
    html = client.get(notice.get_absolute_url()).content.decode()
    assert ID_NUMBER not in html
    assert f"<li>张三 · 身份证 · 号码 {MASKED}</li>" in html


def test_a_disagreement_saved_before_is_a_warning_when_neither_changes(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    LostItem.objects.filter(notice=notice).update(number="2024009")
    url = f"/admin/notices/notice/{notice.pk}/change/"
    response = editor.post(url, posted_form(editor.get(url), order=3), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("的号码“2024009”不在刊登文字中" in message for message in messages)
    notice.refresh_from_db()
    assert notice.order == 3
    # The change form says so as it opens, beside the wording the items would give.
    html = editor.get(url).content.decode()
    assert "与刊登文字不一致:第 1 件证件(张三 · 学生证)的号码“2024009”不在刊登文字中。" in html


def test_a_typed_wording_without_a_reason_is_refused_once(editor, page):
    notice = student_card_notice(page)
    response = edit(editor, notice, text="张三遗失学生证,编号:2024001,声明作废!")
    assert errors(response) == [
        "这条公告已经发布,修改文字要写明更正说明,原文字会保留在更正记录中。"
    ]


def test_a_date_of_issue_after_the_issues_date_is_refused(editor, page):
    notice = student_card_notice(page, status=Notice.Status.DRAFT)
    response = edit(editor, notice, **{"items-0-issued_on": "2024-12-11"})
    assert response.status_code == 200
    (item_form,) = [
        form
        for form in response.context["inline_admin_formsets"][0].formset.forms
        if form.instance.pk
    ]
    assert item_form.errors["issued_on"] == [
        "开具日期(2024年12月11日)不能晚于这一期报纸的出版日期(2024年12月10日)。"
    ]
    assert edit(editor, notice, **{"items-0-issued_on": "2024-12-10"}).status_code == 302
    assert notice.items.get().issued_on == datetime.date(2024, 12, 10)


def receipt(holder, issuer, number, date):
    return make_notice(
        make_page(make_issue(date=date), code="A03", name="公告"),
        items=[{"holder": holder, "document_type": "收据", "issuer": issuer, "number": number}],
    )


def test_the_earlier_notice_warning_needs_the_same_number_and_document_type(page):
    receipt("毕丽静", "烟台中升丰田汽车销售服务有限公司", "0001715", datetime.date(2024, 10, 22))
    same_type = LostItem(
        holder="王五", document_type=DocumentType.objects.get(name="收据"), number="0001715"
    )
    other_type = LostItem(
        holder="王五", document_type=DocumentType.objects.get(name="学生证"), number="0001715"
    )
    for item in (same_type, other_type):
        item.notice = student_card_notice(page)
        item.save()
    assert same_type.warnings() == [
        "收据号码 0001715 已在2024年10月22日的公告 YT20241022-001 中声明作废。"
    ]
    assert other_type.warnings() == []


def number_warnings(client, **query):
    response = client.get("/admin/notices/notice/number-warnings/", query)
    assert response.status_code == 200
    return response.json()["warnings"]


def test_the_items_inline_asks_for_number_warnings_as_the_editor_types(editor, page):
    earlier = receipt("毕丽静", "烟台某医院", "0001715", datetime.date(2024, 10, 22))
    receipts = DocumentType.objects.get(name="收据").pk
    students = DocumentType.objects.get(name="学生证").pk
    identity = DocumentType.objects.get(name="身份证").pk

    assert number_warnings(editor, number="0001715", document_type=receipts) == [
        "收据号码 0001715 已在2024年10月22日的公告 YT20241022-001 中声明作废。"
    ]
    assert number_warnings(editor, number="０００1715", document_type=students) == []
    # The notice being edited is not an earlier notice of its own.
    assert (
        number_warnings(editor, number="0001715", document_type=receipts, notice=earlier.pk) == []
    )
    assert (
        "校验位不正确"
        in number_warnings(editor, number="370602199001011238", document_type=identity)[0]
    )
    assert number_warnings(editor, number="", document_type="") == []


def test_number_warnings_are_for_staff_only(client):
    response = client.get("/admin/notices/notice/number-warnings/", {"number": "0001715"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_items_inline_loads_the_warning_script(editor, page):
    html = editor.get("/admin/notices/notice/add/").content.decode()
    assert "js/lost-item-warnings.js" in html
