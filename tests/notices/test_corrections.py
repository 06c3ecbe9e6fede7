"""The correction trail: a published notice keeps what readers saw; the proof, what was printed."""

import datetime

import pytest

from notices.models import CorrectionKind, Notice, NoticeRevision
from tests.factories import make_archive, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db

PRINTED = "张山遗失烟台大学学生证,编号:2024001,声明作废。"
FIRST_FIX = "张三遗失烟台大学学生证,编号:2024001,声明作废。"
SECOND_FIX = "张三遗失烟台大学学生证,编号:2024007,声明作废。"
ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"


@pytest.fixture
def notice():
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03", name="公告")
    return make_notice(
        page, items=[{"holder": "张三", "document_type": "学生证", "number": "2024001"}]
    )


def change_form(notice, **fields):
    """The admin change form of a one-item lost notice as the browser posts it."""
    item = notice.items.get()
    data = {
        "kind": notice.kind,
        "issue": notice.issue_id,
        "page": notice.page_id,
        "order": notice.order,
        "status": notice.status,
        "text": notice.text,
        "fee": notice.fee,
        "review_note": "",
        "correction_kind": CorrectionKind.CORRECTION,
        "correction_note": "",
        "zones-TOTAL_FORMS": 0,
        "zones-INITIAL_FORMS": 0,
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 1,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
        "items-0-id": item.pk,
        "items-0-notice": notice.pk,
        "items-0-holder": item.holder,
        "items-0-document_type": item.document_type_id,
        "items-0-document_name": item.document_name,
        "items-0-number": item.number,
        "items-0-issuer": item.issuer,
        "items-0-issued_on": "",
        "items-0-amount": "",
        "items-0-other_identifier": item.other_identifier,
        "items-0-quantity": item.quantity,
        "items-0-order": item.order,
        "wedding-TOTAL_FORMS": 0,
        "wedding-INITIAL_FORMS": 0,
        "wedding-MIN_NUM_FORMS": 0,
        "wedding-MAX_NUM_FORMS": 1,
    }
    if notice.revisions.exists():
        data.update(
            {
                "revisions-TOTAL_FORMS": 0,
                "revisions-INITIAL_FORMS": 0,
                "revisions-MIN_NUM_FORMS": 0,
                "revisions-MAX_NUM_FORMS": 0,
            }
        )
    data.update(fields)
    return data


def correct(editor, notice, text, note, kind=CorrectionKind.CORRECTION, **fields):
    response = editor.post(
        f"/admin/notices/notice/{notice.pk}/change/",
        change_form(notice, text=text, correction_note=note, correction_kind=kind, **fields),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    notice.refresh_from_db()


def set_correction_times(notice, *times):
    for revision, when in zip(notice.revisions.order_by("id"), times, strict=True):
        NoticeRevision.objects.filter(pk=revision.pk).update(replaced=when)


def beijing(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_a_notice_corrected_twice_shows_both_earlier_wordings_and_the_proof_the_printed_one(
    client, editor, notice
):
    Notice.objects.filter(pk=notice.pk).update(text=PRINTED)
    notice.refresh_from_db()
    correct(editor, notice, FIRST_FIX, "持有人姓名有误")
    correct(editor, notice, SECOND_FIX, "证件编号有误", **{"items-0-number": "2024007"})
    set_correction_times(notice, beijing(2024, 10, 23, 9, 5), beijing(2024, 10, 25, 16, 40))

    assert notice.text == SECOND_FIX
    assert [(r.text, r.note) for r in notice.revisions.all()] == [
        (PRINTED, "持有人姓名有误"),
        (FIRST_FIX, "证件编号有误"),
    ]

    html = client.get(notice.get_absolute_url()).content.decode()
    assert "本公告刊登后已更正,最近一次更正于2024年10月25日 16:40" in html
    current, history = html.split("更正后的文字", 1)[1].split("更正记录", 1)
    assert SECOND_FIX in current and PRINTED not in current
    printed_at = history.index(PRINTED)
    first_fix_at = history.index(FIRST_FIX)
    assert printed_at < first_fix_at
    assert "2024年10月22日刊登的文字(见报文字)" in history
    assert "2024年10月23日 09:05更正:持有人姓名有误" in history
    assert "2024年10月23日 09:05起的文字" in history
    assert "2024年10月25日 16:40更正:证件编号有误" in history

    proof = client.get(notice.get_proof_url()).content.decode()
    assert PRINTED in proof
    assert FIRST_FIX not in proof and SECOND_FIX not in proof
    assert "本公告见报后于2024年10月23日更正" in proof


def test_an_uncorrected_notice_says_nothing_about_corrections(client, notice):
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "见报原文" in html
    assert "更正" not in html
    assert "更正" not in client.get(notice.get_proof_url()).content.decode()


def test_a_transcription_fix_makes_the_new_wording_the_printed_one(client, editor, notice):
    Notice.objects.filter(pk=notice.pk).update(text=PRINTED)
    notice.refresh_from_db()
    correct(editor, notice, FIRST_FIX, "按报纸原版校正", kind=CorrectionKind.TRANSCRIPTION)

    html = client.get(notice.get_absolute_url()).content.decode()
    assert "见报原文" in html and "录入更正:按报纸原版校正" in html
    proof = client.get(notice.get_proof_url()).content.decode()
    assert FIRST_FIX in proof and PRINTED not in proof

    # A correction after that leaves the printed wording where the fix put it.
    correct(editor, notice, SECOND_FIX, "证件编号有误", **{"items-0-number": "2024007"})
    proof = client.get(notice.get_proof_url()).content.decode()
    assert FIRST_FIX in proof and SECOND_FIX not in proof
    assert "更正后的文字" in client.get(notice.get_absolute_url()).content.decode()


def test_drafts_and_unpublished_issues_keep_no_trail(notice):
    draft = make_notice(status=Notice.Status.DRAFT)
    in_tomorrows_paper = make_notice(make_page(make_issue(is_published=False)))
    for unseen in (draft, in_tomorrows_paper):
        unseen.text = "改过的文字。"
        unseen.save()
        assert not unseen.revisions.exists()


def test_saving_without_changing_the_wording_records_nothing(notice):
    notice.fee = 30
    notice.save()
    notice.save()
    assert not notice.revisions.exists()
    notice.text = FIRST_FIX
    notice.save()
    notice.save()
    assert notice.revisions.count() == 1


def test_earlier_wordings_mask_resident_id_numbers(client, notice):
    Notice.objects.filter(pk=notice.pk).update(text=f"张三遗失身份证,号码:{ID_NUMBER},声明作废。")
    notice.refresh_from_db()
    notice.text = "张三遗失身份证,声明作废。"
    notice.save()
    for url in (notice.get_absolute_url(), notice.get_proof_url()):
        html = client.get(url).content.decode()
        assert ID_NUMBER not in html and MASKED in html, url


def test_changing_a_published_wording_needs_a_reason_and_changes_nothing_without_one(
    editor, notice
):
    text = notice.text
    response = editor.post(
        f"/admin/notices/notice/{notice.pk}/change/", change_form(notice, text=FIRST_FIX)
    )
    assert response.status_code == 200
    assert "修改文字要写明更正说明" in response.content.decode()
    notice.refresh_from_db()
    assert notice.text == text
    assert not notice.revisions.exists()


def test_editors_see_the_trail_in_the_admin_but_cannot_change_it(editor, notice):
    correct(editor, notice, FIRST_FIX, "持有人姓名有误")
    html = editor.get(f"/admin/notices/notice/{notice.pk}/change/").content.decode()
    assert "更正记录(此前公开的文字)" in html
    assert "持有人姓名有误" in html
    assert 'name="revisions-0-text"' not in html
    assert 'name="correction_note"' in html

    draft = make_notice(status=Notice.Status.DRAFT)
    html = editor.get(f"/admin/notices/notice/{draft.pk}/change/").content.decode()
    assert 'name="correction_note"' not in html


def test_recomposing_a_published_wording_is_recorded(editor, notice):
    notice.text = "手写的文字。"
    notice.save()
    editor.post(
        "/admin/notices/notice/",
        {"action": "recompose_text", "_selected_action": [notice.pk]},
    )
    notice.refresh_from_db()
    assert notice.text == "张三遗失学生证,编号:2024001,声明作废。"
    assert notice.revisions.last().text == "手写的文字。"
    assert notice.revisions.last().note == "按条目重新生成文字"


def test_corrected_notice_pages_run_a_fixed_number_of_queries(
    client, notice, django_assert_num_queries
):
    make_archive(3)
    for text in (FIRST_FIX, SECOND_FIX, PRINTED):
        notice.text = text
        notice.save()
    # The notice with its page, issue and couple; its items; its corrections.
    with django_assert_num_queries(3):
        client.get(notice.get_absolute_url())
    # The notice with its page, issue and couple; its items (its description names the holder);
    # its corrections.
    with django_assert_num_queries(3):
        client.get(notice.get_proof_url())
