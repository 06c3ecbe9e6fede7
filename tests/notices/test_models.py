import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from notices.models import (
    DocumentType,
    LostItem,
    Notice,
    RateCategory,
    WeddingDetails,
    lunar_date,
    number_condition,
)
from paper.text import mask_resident_ids, normalize_number
from tests.factories import make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


def test_rate_card_from_the_seed_is_loaded():
    assert list(RateCategory.objects.values_list("price", flat=True)) == [800, 400, 150, 20]
    assert DocumentType.objects.get(name="营业执照").category.price == 800
    assert DocumentType.objects.get(name="收据").category.price == 400
    assert DocumentType.objects.get(name="身份证").category.price == 150
    assert DocumentType.objects.get(name="学生证").category.price == 20


def test_receipt_wording_in_the_papers_form():
    notice = make_notice(
        items=[
            {
                "holder": "毕丽静",
                "document_type": "收据",
                "document_name": "置换保证金收款收据",
                "issuer": "烟台中升丰田汽车销售服务有限公司",
                "issued_on": datetime.date(2024, 8, 30),
                "number": "0001715",
                "amount": Decimal("10000"),
            }
        ]
    )
    assert notice.text == (
        "毕丽静遗失烟台中升丰田汽车销售服务有限公司开具的置换保证金收款收据,"
        "开具日期:2024年8月30日,票号:0001715,金额:10000元,声明作废。"
    )


def test_several_items_close_with_one_declaration():
    notice = make_notice(
        items=[
            {
                "holder": "迟汝海",
                "document_type": "国籍证书",
                "other_identifier": "鲁烟渔养67419",
                "number": "(鲁烟)船登(籍)(2024)YZ-000135号",
            },
            {
                "holder": "曲和林",
                "document_type": "登记证",
                "other_identifier": "鲁烟渔70235",
                "number": "YD02BA130262.18",
            },
        ]
    )
    assert notice.text == (
        "迟汝海的鲁烟渔养67419国籍证书丢失,编号:(鲁烟)船登(籍)(2024)YZ-000135号;"
        "曲和林的鲁烟渔70235登记证丢失,编号:YD02BA130262.18。以上证件声明作废。"
    )


def test_plain_certificate_and_seal_wordings():
    licence = make_notice(
        items=[
            {
                "holder": "烟台市芝罘区某某商店",
                "document_type": "营业执照",
                "number": "91350100M000100Y43",
            }
        ]
    )
    assert licence.text == (
        "烟台市芝罘区某某商店遗失营业执照,统一社会信用代码:91350100M000100Y43,声明作废。"
    )
    seal = make_notice(items=[{"holder": "烟台某某有限公司", "document_type": "公章"}])
    assert seal.text == "烟台某某有限公司公章一枚遗失,声明作废。"
    two_seals = make_notice(
        items=[{"holder": "烟台某某有限公司", "document_type": "财务章", "quantity": 2}]
    )
    assert two_seals.text == "烟台某某有限公司财务章二枚遗失,声明作废。"
    id_card = make_notice(
        items=[{"holder": "张三", "document_type": "身份证", "number": "370602199001011239"}]
    )
    assert id_card.text == "张三遗失身份证,号码:370602199001011239,声明作废。"


def test_fee_is_price_times_quantity_and_stays_when_prices_change():
    notice = make_notice(
        items=[
            {"holder": "甲", "document_type": "营业执照", "number": "91350100M000100Y43"},
            {"holder": "甲", "document_type": "公章", "quantity": 2},
            {"holder": "乙", "document_type": "学生证", "number": "2024001"},
        ]
    )
    assert notice.fee == 800 + 2 * 400 + 20
    RateCategory.objects.filter(price=800).update(price=1000)
    notice.refresh_from_db()
    assert notice.fee == 1620
    assert notice.compute_fee() == 1820


def test_wedding_lunar_date_and_wording():
    assert lunar_date(datetime.date(2024, 11, 2)) == "农历十月初二"
    assert lunar_date(datetime.date(2025, 8, 1)) == "农历闰六月初八"
    page = make_page(code="A03")
    notice = Notice.objects.create(
        kind=Notice.Kind.WEDDING, issue=page.issue, page=page, status="published"
    )
    wedding = WeddingDetails.objects.create(
        notice=notice,
        groom="张雨",
        bride="百音一兰",
        wedding_date=datetime.date(2024, 11, 2),
        message="愿修百年之好,共赴白头之约。",
    )
    assert wedding.lunar_date == "农历十月初二"
    assert notice.compose_text() == (
        "【农历十月初二】新郎张雨与新娘百音一兰于公历2024年11月2日正式结为夫妇。"
        "愿修百年之好,共赴白头之约。"
    )


def test_reference_numbers_are_per_day_and_permanent():
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03")
    first = make_notice(page)
    second = make_notice(page)
    assert (first.reference, second.reference) == ("YT20241022-001", "YT20241022-002")
    first.text = "改过的文字"
    first.save()
    first.refresh_from_db()
    assert first.reference == "YT20241022-001"


def test_reference_numbers_are_not_given_twice_after_a_deletion():
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A03")
    first = make_notice(page)
    make_notice(page)
    first.delete()
    assert make_notice(page).reference == "YT20241022-003"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("issued_on", datetime.date.today() + datetime.timedelta(days=2), "不能晚于今天"),
        ("amount", Decimal("-1"), "不能为负数"),
        ("number", "370602199001011238", "校验位不正确"),
    ],
)
def test_item_checks(field, value, message):
    item = LostItem(
        notice=make_notice(),
        holder="张三",
        document_type=DocumentType.objects.get(name="身份证"),
        number="370602199001011239",
    )
    setattr(item, field, value)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_database_refuses_negative_amounts_and_unknown_kinds():
    notice = make_notice()
    with pytest.raises(IntegrityError), transaction.atomic():
        LostItem.objects.filter(notice=notice).update(amount=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(kind="advert")


def test_earlier_published_number_is_pointed_out():
    make_notice(
        make_page(make_issue(date=datetime.date(2024, 1, 5))),
        items=[{"holder": "张三", "document_type": "身份证", "number": "370602199001011239"}],
    )
    again = make_notice(
        status=Notice.Status.DRAFT,
        items=[{"holder": "张三", "document_type": "身份证", "number": "370602 19900101 1239"}],
    )
    warnings = again.items.get().warnings()
    assert len(warnings) == 1
    assert "2024年1月5日" in warnings[0] and "已在" in warnings[0]


def test_registration_number_on_a_licence_warns_but_is_accepted():
    item = LostItem(
        notice=make_notice(),
        holder="某商店",
        document_type=DocumentType.objects.get(name="营业执照"),
        number="110108000000017",
    )
    item.full_clean()
    assert any("校验位" in w for w in item.warnings())


def test_masking_shows_first_six_and_last_four():
    assert mask_resident_ids("号码:370602199001011239,声明") == "号码:370602********1239,声明"
    assert mask_resident_ids("11010519491231002X") == "110105********002X"
    # An ID inside a longer code is still an ID (issue: resident ID numbers stay private).
    assert mask_resident_ids("A370602199001011239B") == "A370602********1239B"


def test_number_key_ignores_width_case_spaces_and_punctuation():
    key = normalize_number("(鲁烟)船登(籍)(2024)YZ-000135号")
    assert normalize_number("（鲁烟）船登") in key
    assert normalize_number("yz-000135") in key
    assert normalize_number("ＹＺ ０００１３５") in key


def other_notice(**fields):
    page = make_page(code="A03", name="公告")
    notice = Notice(
        kind=Notice.Kind.OTHER,
        issue=page.issue,
        page=page,
        status=Notice.Status.PUBLISHED,
        text="烟台某某贸易有限公司经股东会决议,注册资本由1000万元减至500万元。特此公告。",
        **fields,
    )
    notice.full_clean()
    notice.save()
    return notice


def test_other_notice_is_titled_by_its_headline_and_announcer():
    notice = other_notice(headline="减资公告", announcer="烟台某某贸易有限公司")
    assert notice.title() == "减资公告:烟台某某贸易有限公司"
    notice.headline = ""
    assert notice.title() == "其他声明:烟台某某贸易有限公司"
    notice.announcer = "张三 370602199001011239"
    assert notice.title() == "其他声明:张三 370602********1239"
    notice.announcer = ""
    notice.headline = "注销公告"
    assert notice.title().startswith("其他声明:烟台某某贸易有限公司经股东会决议")


def test_other_notices_credit_code_is_checked_stored_canonical_and_found():
    notice = other_notice(announcer="烟台某某贸易有限公司", credit_code="91350100m000100y43")
    assert notice.credit_code == "91350100M000100Y43"
    make_notice(items=[{"holder": "甲", "number": "91350100"}])
    for number in ["91350100M000100Y43", "m000100y43", "ｍ０００１００"]:
        assert list(Notice.objects.with_number(number)) == [notice], number
    assert Notice.objects.with_number("91350100").count() == 2
    # A number no credit code holds is looked for in the items alone, as before there were any.
    assert number_condition("0001715") == Q(items__number_key__contains="0001715")
    with pytest.raises(ValidationError) as error:
        other_notice(credit_code="91350100M000100Y44")
    assert error.value.message_dict["credit_code"] == [
        "统一社会信用代码校验位不正确:按前17位计算,最后一位应为3。请核对号码。"
    ]
    # The page's own rule still holds beside it.
    wrong_page = Notice(
        kind=Notice.Kind.OTHER,
        issue=make_issue(),
        page=notice.page,
        credit_code="91350100M000100Y44",
    )
    with pytest.raises(ValidationError) as error:
        wrong_page.full_clean()
    assert set(error.value.message_dict) == {"page", "credit_code"}


def test_list_title_says_who_what_and_which_kind():
    """毕丽静 · 收据 · 遗失声明: the holder and the document's type, not only the kind."""
    receipt = make_notice(
        items=[{"holder": "毕丽静", "document_name": "置换保证金收款收据", "number": "0001715"}]
    )
    assert receipt.list_title() == "毕丽静 · 收据 · 遗失声明"
    fishing = make_notice(
        items=[
            {"holder": "迟汝海", "document_type": "国籍证书"},
            {"holder": "曲和林", "document_type": "其他证件", "document_name": "登记证"},
            {"holder": "曲和林", "document_type": "国籍证书"},
        ]
    )
    # Each holder and each document once; 其他证件 says nothing: the printed name is shown.
    assert fishing.list_title() == "迟汝海、曲和林 · 国籍证书、登记证 · 遗失声明"
    many = make_notice(items=[{"holder": name} for name in "甲乙丙丁"])
    assert many.list_title() == "甲、乙、丙等 · 收据 · 遗失声明"


def test_list_title_of_weddings_and_other_notices():
    from tests.factories import make_wedding_notice

    assert make_wedding_notice().list_title() == "张雨、百音一兰 · 结婚启事"
    notice = other_notice(headline="减资公告", announcer="烟台某某贸易有限公司")
    assert notice.list_title() == "烟台某某贸易有限公司 · 减资公告"
    notice.announcer = ""
    # Nobody named: the wording says who, as the permalink's title does.
    assert notice.list_title() == notice.title()
    assert notice.list_title().startswith("其他声明:烟台某某贸易有限公司经股东会决议")


def test_list_title_masks_a_resident_id_in_a_holder():
    notice = make_notice(items=[{"holder": "张三 370602199001011239", "document_type": "身份证"}])
    assert notice.list_title() == "张三 370602********1239 · 身份证 · 遗失声明"
