import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from notices.validators import (
    registration_number_warning,
    validate_credit_code,
    validate_disability_card_number,
    validate_resident_id,
)


def resident_id(first_17):
    """A valid resident ID: ``first_17`` and the check character stdnum computes."""
    return first_17 + ric.calc_check_digit(first_17 + "0")


def wrong_check(number):
    """``number`` with another check character in place of its own."""
    return number[:17] + ("1" if number[17] == "0" else "0")


@pytest.mark.parametrize(
    "number, canonical",
    [
        ("370602199001011239", "370602199001011239"),
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
    ],
)
def test_valid_resident_ids(number, canonical):
    assert validate_resident_id(number) == canonical


@pytest.mark.parametrize(
    "number, message",
    [
        ("370602199001011238", "最后一位应为9"),
        ("110105194912310021", "最后一位应为X"),
        ("37060219900101123", "应为18位,现在是17位"),
        ("3706021990010112390", "应为18位,现在是19位"),
        ("37060219900101123A", "最后一位为数字或X"),
        ("370602199013011239", "出生日期"),
    ],
)
def test_invalid_resident_ids(number, message):
    with pytest.raises(ValidationError) as error:
        validate_resident_id(number)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    "code, canonical",
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
    ],
)
def test_valid_credit_codes(code, canonical):
    assert validate_credit_code(code) == canonical


@pytest.mark.parametrize(
    "code, message",
    [
        ("91350100M000100Y44", "最后一位应为3"),
        ("91350100M000100Y4", "应为18位,现在是17位"),
        ("91350100M0001O0Y43", "不能有字符:O"),
        ("9135010IM000100Y43", "不能有字符:I"),
    ],
)
def test_invalid_credit_codes(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in error.value.messages[0]


def test_registration_number_check_digit_is_a_warning():
    assert registration_number_warning("110108000000016") == ""
    assert "校验位" in registration_number_warning("110108000000017")
    assert "15位" in registration_number_warning("11010800000001")


@pytest.mark.parametrize("number", ["37065019900101123X", "370603199001011235"])
def test_resident_id_region_code_is_not_looked_up(number):
    """stdnum's ric.validate() rejects counties missing from its table; printed numbers stand."""
    assert validate_resident_id(number) == number


def test_credit_code_may_start_with_a_letter():
    """Registering authority Y ("other") is a letter; stdnum's uscc.validate() wants digits."""
    assert validate_credit_code("Y1370600MA3C00000J") == "Y1370600MA3C00000J"
    with pytest.raises(ValidationError) as error:
        validate_credit_code("Y1370600MA3C00000K")
    assert "最后一位应为J" in error.value.messages[0]


DISABLED = resident_id("37068219850315002")
DISABLED_X = resident_id("11010519491231002")  # its check character is X


@pytest.mark.parametrize(
    "number, canonical",
    [
        (DISABLED + "42", DISABLED + "42"),
        (DISABLED + "11", DISABLED + "11"),
        (DISABLED + "74", DISABLED + "74"),
        (DISABLED_X.lower() + "21", DISABLED_X + "21"),
        (f" {DISABLED[:6]} {DISABLED[6:14]} {DISABLED[14:]} 42 ", DISABLED + "42"),
        (
            (DISABLED + "42").translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
            DISABLED + "42",
        ),
    ],
)
def test_valid_disability_card_numbers(number, canonical):
    assert DISABLED_X.endswith("X")
    assert validate_disability_card_number(number) == canonical


@pytest.mark.parametrize(
    "number, message",
    [
        (wrong_check(DISABLED) + "42", "前18位是持证人的居民身份证号码:居民身份证号码校验位不正确"),
        (DISABLED[:10] + "1301" + DISABLED[14:] + "42", "出生日期"),
        (DISABLED + "82", "第19位是残疾类别,应为1至7,现在是“8”"),
        (DISABLED + "02", "第19位是残疾类别"),
        (DISABLED + "45", "第20位是残疾等级,应为1至4,现在是“5”"),
        (DISABLED + "40", "第20位是残疾等级"),
        (DISABLED + "4X", "第20位是残疾等级"),
        (DISABLED, "应为20位(18位居民身份证号码加残疾类别、等级各一位),现在是18位"),
        (DISABLED + "4", "现在是19位"),
        (DISABLED + "421", "现在是21位"),
    ],
)
def test_invalid_disability_card_numbers(number, message):
    with pytest.raises(ValidationError) as error:
        validate_disability_card_number(number)
    assert message in error.value.messages[0]
