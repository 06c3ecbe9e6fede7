"""What a notice's permalink tells search engines and link previews."""

import datetime

import pytest

from notices.models import CorrectionKind
from tests.factories import make_issue, make_notice, make_page, make_wedding_notice
from tests.shared_head import read_head

pytestmark = pytest.mark.django_db

ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"
HOSTILE = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)> & <!--'


@pytest.fixture
def page():
    return make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03", name="公告")


@pytest.fixture
def notice(page):
    return make_notice(
        page, items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}]
    )


def test_notice_page_has_a_readable_title_canonical_link_and_open_graph_tags(client, notice):
    head = read_head(client.get(notice.get_absolute_url()).content.decode())
    url = f"http://testserver/notices/{notice.pk}/"
    text = f"张三 · 身份证 · 遗失声明:张三遗失身份证,号码:{MASKED},声明作废。"

    assert head.title == "遗失声明:张三 · 2024年10月22日 · 烟台日报"
    assert head.canonical == [url]
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] == "遗失声明:张三"
    assert head.meta["og:description"] == head.meta["description"] == text
    assert head.meta["og:url"] == url
    assert head.meta["article:published_time"] == "2024-10-22"


def test_wedding_title_names_the_couple(client, page):
    notice = make_wedding_notice(page)
    head = read_head(client.get(notice.get_absolute_url()).content.decode())
    assert head.title == "结婚启事:张雨、百音一兰 · 2024年10月22日 · 烟台日报"


def test_notice_page_carries_the_text_and_date_as_json_ld(client, notice):
    html = client.get(notice.get_absolute_url()).content.decode()
    assert ID_NUMBER not in html

    [data] = read_head(html).json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "遗失声明:张三"
    assert data["genre"] == "遗失声明"
    assert data["text"] == f"张三遗失身份证,号码:{MASKED},声明作废。"
    assert data["datePublished"] == "2024-10-22"
    assert data["identifier"] == notice.reference
    assert data["publisher"] == {"@type": "NewsMediaOrganization", "name": "烟台日报"}
    assert data["isPartOf"]["datePublished"] == "2024-10-22"
    assert data["pageStart"] == "A03"
    assert "correction" not in data


def test_a_corrected_notice_says_so_in_its_json_ld(client, notice):
    notice.text = "张三遗失身份证,声明作废。"
    notice.correction_note = "删去号码"
    notice.save()
    notice.text = "张三遗失身份证一张,声明作废。"
    notice.correction_kind = CorrectionKind.TRANSCRIPTION
    notice.save()

    [data] = read_head(client.get(notice.get_absolute_url()).content.decode()).json_ld
    assert data["text"] == "张三遗失身份证一张,声明作废。"
    assert [c["text"] for c in data["correction"]] == ["删去号码", "录入更正"]
    assert all(c["@type"] == "CorrectionComment" for c in data["correction"])


def test_what_editors_type_cannot_break_out_of_tags_or_json_ld(client, page):
    notice = make_notice(page, items=[{"holder": HOSTILE}], text=HOSTILE)
    html = client.get(notice.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    head = read_head(html)
    assert head.other_scripts == 0
    [data] = head.json_ld
    assert data["text"] == HOSTILE
    assert data["headline"] == f"遗失声明:{HOSTILE}"
    assert head.meta["og:title"] == f"遗失声明:{HOSTILE}"
