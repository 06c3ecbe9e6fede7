import datetime
import re

import pytest
from django.db import connection
from pytest_django.asserts import assertContains

from notices.models import Notice
from tests.factories import make_archive, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db
# On PostgreSQL a list's count is planned first (EXPLAIN), then runs under its own time limit
# (paper.pagination): a savepoint, the limit set and put back, and the savepoint's release.
TIMED_COUNT = 5 if connection.vendor == "postgresql" else 0

# The sample issue's notices, numbered in the order printed.
WEDDING, RECEIPT, VESSELS = "YT20241022-001", "YT20241022-002", "YT20241022-003"
ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"


@pytest.fixture
def id_card_notice():
    return make_notice(
        make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03", name="公告"),
        items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}],
    )


def test_notice_permalink_shows_text_items_date_page_and_reference(client, sample_issue):
    notice = Notice.objects.get(reference=VESSELS)
    response = client.get(notice.get_absolute_url())
    html = response.content.decode()
    assert notice.text in html
    for text in (
        VESSELS,
        "2024年10月22日",
        "A03 公告",
        "迟汝海",
        "鲁烟渔养67419",
        "曲和林",
    ):
        assert text in html
    assertContains(
        response, f'<a class="button" href="{notice.get_proof_url()}">打印登报证明</a>', html=True
    )


def test_wedding_notice_shows_couple_and_lunar_date(client, sample_issue):
    notice = Notice.objects.get(kind=Notice.Kind.WEDDING)
    html = client.get(notice.get_absolute_url()).content.decode()
    for text in ("结婚启事", "张雨", "百音一兰", "2024年11月2日", "农历十月初二"):
        assert text in html


def test_proof_has_everything_an_official_checks(client, sample_issue):
    notice = Notice.objects.get(reference=RECEIPT)
    response = client.get(notice.get_proof_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("登报证明", "烟台日报", "2024年10月22日", "A03版", RECEIPT, notice.text):
        assert text in html
    assert f"http://testserver{notice.get_absolute_url()}" in html
    assert "<svg" in html and "qrline" in html


def test_rates_page_shows_the_rate_card_and_phones(client):
    html = client.get("/notices/rates/").content.decode()
    for text in ("800元", "400元", "150元", "20元", "营业执照", "身份证", "6631203", "6631205"):
        assert text in html


@pytest.mark.parametrize("path", ["/notices/{pk}/", "/notices/{pk}/proof/"])
def test_unpublished_notice_is_404(client, path):
    draft = make_notice(status=Notice.Status.DRAFT)
    unpublished_issue = make_notice(make_page(make_issue(is_published=False)))
    for notice in (draft, unpublished_issue):
        response = client.get(path.format(pk=notice.pk))
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("path", ["/notices/999999/", "/notices/99999999999999999999/proof/"])
def test_missing_notice_is_404(client, path):
    assert client.get(path).status_code == 404


def test_resident_id_is_masked_on_every_public_page(client, id_card_notice):
    pages = [
        "/",
        "/issues/2024-10-22/",
        "/issues/2024-10-22/A03/",
        "/notices/",
        f"/notices/?number={ID_NUMBER}",
        f"/notices/?q={ID_NUMBER}",
        id_card_notice.get_absolute_url(),
        id_card_notice.get_proof_url(),
    ]
    for path in pages:
        html = client.get(path).content.decode()
        # The search box and the link to the list's JSON may echo what the reader typed;
        # nothing the archive shows may.
        html = html.replace(f'value="{ID_NUMBER}"', "")
        html = re.sub(rf'href="/notices\.json\?[^"]*{ID_NUMBER}[^"]*"', "", html)
        assert ID_NUMBER not in html, path
    for path in pages[3:]:
        assert MASKED in client.get(path).content.decode(), path


def test_admin_shows_the_whole_number(admin_client, id_card_notice):
    html = admin_client.get(f"/admin/notices/notice/{id_card_notice.pk}/change/").content.decode()
    assert ID_NUMBER in html


def notice_refs(client, **params):
    response = client.get("/notices/", params)
    assert response.status_code == 200
    return sorted(n.reference for n in response.context["notice_list"])


def test_numbers_match_however_they_are_typed(client, sample_issue):
    for typed in (
        "（鲁烟）船登",
        "(鲁烟)船登",
        "yz-000135",
        "YZ000135",
        "ｙｚ－０００１３５",
        "0001715",
    ):
        expected = [RECEIPT] if typed == "0001715" else [VESSELS]
        assert notice_refs(client, number=typed) == expected, typed
    assert notice_refs(client, number="9999999") == []
    assert notice_refs(client, number="---") == []


def test_an_other_notice_is_found_by_its_credit_code_and_titled_by_its_announcer(client):
    page = make_page(code="A03", name="公告")
    notice = Notice.objects.create(
        kind=Notice.Kind.OTHER,
        issue=page.issue,
        page=page,
        status=Notice.Status.PUBLISHED,
        text="烟台某某贸易有限公司拟向登记机关申请注销登记。特此公告。",
        headline="注销公告",
        announcer="烟台某某贸易有限公司",
        credit_code="91350100M000100Y43",
    )
    assert notice_refs(client, number="91350100-m000100-y43") == [notice.reference]
    assert "注销公告:烟台某某贸易有限公司" in client.get(notice.get_absolute_url()).content.decode()


def test_full_resident_id_still_finds_the_notice(client, id_card_notice):
    assert notice_refs(client, number=ID_NUMBER) == [id_card_notice.reference]
    assert notice_refs(client, q=ID_NUMBER) == [id_card_notice.reference]


def test_list_filters_by_kind_date_holder_and_document_type(client, sample_issue):
    from notices.models import DocumentType

    assert notice_refs(client, kind="wedding") == [WEDDING]
    assert notice_refs(client, holder="曲和林") == [VESSELS]
    receipt = DocumentType.objects.get(name="收据")
    assert notice_refs(client, doc_type=receipt.pk) == [RECEIPT]
    assert notice_refs(client, date_from="2024-10-23") == []
    assert len(notice_refs(client, date_to="2024-10-22")) == 3
    assert notice_refs(client, q="置换保证金") == [RECEIPT]
    assert notice_refs(client, q="（鲁烟） 迟汝海") == [VESSELS]


def test_a_notice_with_several_matching_items_is_listed_once(client):
    from notices.models import DocumentType

    make_archive(1)
    both = make_notice(
        items=[
            {"holder": "王明", "document_type": "身份证"},
            {"holder": "王丽", "document_type": "身份证"},
        ]
    )
    other = make_notice(items=[{"holder": "李华", "document_type": "身份证"}])
    card = DocumentType.objects.get(name="身份证")
    assert notice_refs(client, holder="王") == [both.reference]
    assert notice_refs(client, doc_type=card.pk) == sorted([both.reference, other.reference])


def test_a_short_holder_name_matches_its_characters_in_order(client):
    make_archive(1)
    wang_wei = make_notice(items=[{"holder": "王伟"}])
    wei_wang = make_notice(items=[{"holder": "伟王"}])
    latin = make_notice(items=[{"holder": "Li Ming"}])
    assert notice_refs(client, holder="王伟") == [wang_wei.reference]
    assert notice_refs(client, holder="王") == sorted([wang_wei.reference, wei_wang.reference])
    assert notice_refs(client, holder="li") == [latin.reference]
    assert notice_refs(client, holder="霍") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.parametrize(
    "method, value, index",
    [
        ("with_holder", "王", "lostitem_holder_chars"),  # too short for trigrams
        ("with_holder", "王伟", "lostitem_holder_chars"),
        ("with_number", "682686", "lostitem_number_key_trgm"),  # part of a number
    ],
)
def test_the_holder_and_number_filters_are_served_by_their_indexes(method, value, index):
    # The test tables are too small for the planner to prefer an index of its own accord. With
    # only bitmap scans left, an index must serve the condition itself, not be read whole.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = getattr(Notice.objects, method)(value).explain()
    assert index in plan


@pytest.mark.parametrize(
    "params, message",
    [
        ({"kind": "advert"}, "选择一个有效的选项"),
        ({"doc_type": "abc"}, "选择一个有效的选项"),
        ({"date_from": "2024-02-30"}, "有效的日期"),
        ({"q": "a\x00b"}, "Null"),
    ],
)
def test_bad_filter_input_shows_a_form_error(client, sample_issue, params, message):
    response = client.get("/notices/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "查询条件有误" in html


def test_pages_show_their_notices(client, sample_issue):
    issue_html = client.get("/issues/2024-10-22/").content.decode()
    page_html = client.get("/issues/2024-10-22/A03/").content.decode()
    for html in (issue_html, page_html):
        assert "遗失声明" in html and "结婚启事" in html
        assert "毕丽静遗失" in html
    assert "本版公告" in page_html


def test_notice_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_archive(1)
    notice = make_notice(items=[{"holder": "甲"}, {"holder": "乙"}, {"holder": "丙"}])
    for _ in range(10):
        make_notice(items=[{"holder": "丁"}])
    # The count, the page of notices, their items with their types (for the title lines), and
    # the document types for the filter's choices.
    with django_assert_num_queries(4 + TIMED_COUNT):
        client.get("/notices/")
    with django_assert_num_queries(4 + TIMED_COUNT):
        client.get("/notices/", {"holder": "甲", "kind": "lost"})
    # The notice with its page, issue and couple; its items; its corrections.
    with django_assert_num_queries(3):
        client.get(notice.get_absolute_url())
    # The notice with its page, issue and couple; its items (its description names the holder);
    # its corrections.
    with django_assert_num_queries(3):
        client.get(notice.get_proof_url())
    with django_assert_num_queries(3):
        client.get("/notices/rates/")


def test_notice_list_shows_holder_and_document_in_each_title_line(client):
    make_notice(items=[{"holder": "毕丽静", "document_name": "置换保证金收款收据"}])
    make_notice(items=[{"holder": "迟汝海", "document_type": "国籍证书"}])
    html = client.get("/notices/").content.decode()
    titles = re.findall(r'<span class="notice-title">([^<]*)</span>', html)
    assert titles == ["迟汝海 · 国籍证书 · 遗失声明", "毕丽静 · 收据 · 遗失声明"]
