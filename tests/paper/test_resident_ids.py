"""The one rule for resident ID numbers: what counts as one, what the mask hides, the digests."""

import pytest

from paper.text import (
    find_resident_ids,
    mask_resident_ids,
    resident_id_digest,
    resident_id_digests,
    resident_id_lookup,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("号码:370602199001011239,声明", "号码:370602********1239,声明"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002x"),
        # A wrong check digit is still somebody's ID.
        ("身份证号370602199001011238", "身份证号370602********1238"),
        ("370602 19900101 1239", "370602 ******** 1239"),
        ("370602-1990-0101-1239", "370602-****-****-1239"),
        ("3706 0219 9001 0112 39", "3706 02** **** **12 39"),
        ("３７０６０２１９９００１０１１２３９", "３７０６０２********１２３９"),
        # First generation: 15 digits, a two-digit year.
        ("370602900101123", "370602******123"),
        # A 残疾人证 number is the ID and two digits; a driving licence number is the ID.
        ("残疾人证号37060219900101123912", "残疾人证号370602********123912"),
        ("驾驶证证号:370602199001011239", "驾驶证证号:370602********1239"),
        ("A370602199001011239B", "A370602********1239B"),
        (
            "电话 0535-6612345 370602199001011239 2024年",
            "电话 0535-6612345 370602********1239 2024年",
        ),
        (
            "甲370602199001011239、乙110105194912310021",
            "甲370602********1239、乙110105********0021",
        ),
    ],
)
def test_ids_in_every_form_are_masked(text, masked):
    assert mask_resident_ids(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "123456789012345678",  # 9012-34-56 is no birth date
        "370602199013011239",  # the 13th month
        "990602199001011239",  # no province 99
        "6222021234567890123",  # a 19-digit bank account
        "毕业证书编号:370602201099991234",  # 18 digits, but no birth date
        "370602991399123",  # 15 digits, but no birth date
    ],
)
def test_numbers_that_are_not_ids_are_left_alone(text):
    assert mask_resident_ids(text) == text
    assert find_resident_ids(text) == []


def test_a_birth_date_in_the_future_is_no_id():
    assert mask_resident_ids("370602209901011239") == "370602209901011239"


def test_an_exact_lookup_is_a_whole_id_however_written():
    assert resident_id_lookup(" 370602 19900101 1239 ") == "370602199001011239"
    assert resident_id_lookup("３７０６０２１９９００１０１１２３９") == "370602199001011239"
    assert resident_id_lookup("3706021990") is None
    assert resident_id_lookup("370602********1239") is None
    assert resident_id_lookup("王建国 370602199001011239") is None


def test_digests_are_keyed_and_cover_the_id_inside_a_longer_number(settings):
    number = "370602199001011239"
    assert resident_id_digests(f"残疾人证 {number}12") == {
        resident_id_digest(number + "12"),
        resident_id_digest(number),
    }
    assert number not in resident_id_digest(number)
    before = resident_id_digest(number)
    settings.RESIDENT_ID_KEY = "another key"
    assert resident_id_digest(number) != before
