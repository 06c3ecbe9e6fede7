"""The admin's wording generator and the import's parser agree: for every document type, the
wording generated from a notice's items reads back as those items."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from notices.models import DocumentType, LostItem, Notice
from notices.parsing import parse_declaration

pytestmark = pytest.mark.django_db

PEOPLE = ["张建国", "欧阳明月", "迪丽拜尔·买买提", "李娜", "司马光辉"]
ORGANISATIONS = [
    "烟台海港物流有限公司",
    "烟台市芝罘区老味道饭店(个体工商户)",
    "烟台市莱山区院格庄街道东院格庄村村民委员会",
]
ISSUERS = ["烟台市公安局芝罘分局", "烟台市芝罘区市场监督管理局", "中国工商银行烟台分行"]
VEHICLES = ["鲁F·A2K36", "鲁YB6L35", "鲁烟渔养67419"]
SECOND_NUMBERS = ["档案编号 370600123456", "发票代码 037001900111"]


def resident_id(birth):
    body = f"370602{birth:%Y%m%d}123"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def numbers(draw, number_format):
    if number_format in ("resident_id", "disability_card"):
        birth = draw(st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31)))
        number = resident_id(birth)
        if number_format == "disability_card":
            number += f"{draw(st.integers(1, 7))}{draw(st.integers(1, 4))}"
        return number
    if number_format == "credit_code":
        body = "91370602MA3" + draw(
            st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=6, max_size=6)
        )
        return body + uscc.calc_check_digit(body + "0")
    return draw(st.from_regex(r"[A-Z]?[0-9]{6,12}", fullmatch=True))


@st.composite
def items(draw, document_type):
    name = draw(st.sampled_from(["", *document_type.aliases.values_list("name", flat=True)]))
    item = LostItem(
        holder=draw(st.sampled_from(PEOPLE + ORGANISATIONS)),
        document_type=document_type,
        document_name=name,
        quantity=draw(st.integers(1, 5)),
    )
    if draw(st.booleans()):
        item.number = draw(numbers(document_type.number_format))
    if draw(st.booleans()):
        item.issuer = draw(st.sampled_from(ISSUERS))
    if draw(st.booleans()):
        item.issued_on = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2024, 10, 1)))
    if draw(st.booleans()):
        item.amount = Decimal(draw(st.integers(1, 10_000_000))) / 100
    identifiers = draw(st.lists(st.sampled_from(VEHICLES[:1] + SECOND_NUMBERS[:1]), unique=True))
    if item.number or not any(" " in identifier for identifier in identifiers):
        item.other_identifier = ";".join(sorted(identifiers, key=lambda i: " " in i))
    return item


def fields(item):
    return (
        item.holder,
        item.name,
        item.number,
        item.issuer,
        item.issued_on,
        item.amount,
        item.quantity,
        item.other_identifier,
    )


def parsed_fields(item):
    return (
        item.holder,
        item.document,
        item.number,
        item.issuer,
        item.issued_on,
        item.amount,
        item.quantity,
        item.vessel,
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_wording_reads_back_as_its_items(data):
    types = list(DocumentType.objects.prefetch_related("aliases"))
    notices = [[data.draw(items(document_type))] for document_type in types]
    chosen = data.draw(st.lists(st.sampled_from(types), min_size=2, max_size=3))
    notices.append([data.draw(items(document_type)) for document_type in chosen])
    for lost in notices:
        text = Notice.compose_declaration(lost)
        declaration = parse_declaration(text)
        assert declaration.problems == [], text
        assert list(map(parsed_fields, declaration.items)) == list(map(fields, lost)), text
