"""Check digits of the numbers printed in lost-certificate notices.

Each function takes the number as typed and returns it in canonical form, or raises
ValidationError with a message an editor can act on. The arithmetic is python-stdnum's; the
checks are run here, in our order and with our messages, because its ``validate()`` functions
raise bare exceptions and are stricter than the standards in ways that would reject real
notices (see each function).
"""

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from paper.text import normalize_text

# The characters GB 32100 allows in any position (no I, O, S, V, Z); named here because the
# message lists the ones that are not.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _compact(value):
    return "".join(normalize_text(value).split()).upper()


def validate_resident_id(value):
    """An 18-character resident ID number (GB 11643): birth date and check character.

    Not ``ric.validate()``: it also requires the first six digits to be a county in its own
    table for the birth year, and old or renumbered counties would then reject a genuine card.
    """
    number = _compact(value)
    if len(number) != 18:
        raise ValidationError(f"居民身份证号码应为18位,现在是{len(number)}位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("居民身份证号码前17位应为数字,最后一位为数字或X。", code="chars")
    try:
        ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            "居民身份证号码中的出生日期(第7至14位)不是有效日期。", code="birth_date"
        ) from None
    # calc_check_digit() takes the whole number and ignores its last character.
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise ValidationError(
            f"居民身份证号码校验位不正确:按前17位计算,最后一位应为{expected}。请核对号码。",
            code="check_digit",
        )
    return number


# The last two digits of a 残疾人证 number (GB/T 26341): the kind of disability, 1 视力 …
# 7 多重, and its grade, 1 (the most severe) to 4.
DISABILITY_CATEGORIES = "1234567"
DISABILITY_GRADES = "1234"


def validate_disability_card_number(value):
    """A 残疾人证 number: the holder's resident ID, then the category and grade digits.

    The ID part is checked as ``validate_resident_id()`` checks an ID, with its message.
    """
    number = _compact(value)
    if len(number) != 20:
        raise ValidationError(
            f"残疾人证号应为20位(18位居民身份证号码加残疾类别、等级各一位),现在是{len(number)}位。",
            code="length",
        )
    try:
        validate_resident_id(number[:18])
    except ValidationError as error:
        raise ValidationError(
            f"残疾人证号的前18位是持证人的居民身份证号码:{error.messages[0]}", code=error.code
        ) from None
    if number[18] not in DISABILITY_CATEGORIES:
        raise ValidationError(
            f"残疾人证号的第19位是残疾类别,应为1至7,现在是“{number[18]}”。", code="category"
        )
    if number[19] not in DISABILITY_GRADES:
        raise ValidationError(
            f"残疾人证号的第20位是残疾等级,应为1至4,现在是“{number[19]}”。", code="grade"
        )
    return number


def validate_credit_code(value):
    """An 18-character unified social credit code (GB 32100) and its check character.

    Not ``uscc.validate()``: it requires the first eight characters to be digits, but the
    registering authority (first character) may be a letter, such as Y for "other".
    """
    code = _compact(value)
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位,现在是{len(code)}位。", code="length")
    bad = sorted({char for char in code if char not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError(
            f"统一社会信用代码中不能有字符:{'、'.join(bad)}(不使用 I、O、S、V、Z)。",
            code="chars",
        )
    # calc_check_digit() weighs the first 17 characters and ignores the 18th.
    expected = uscc.calc_check_digit(code)
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位不正确:按前17位计算,最后一位应为{expected}。请核对号码。",
            code="check_digit",
        )
    return code


def registration_number_warning(value):
    """A 15-digit registration number (ISO 7064 MOD 11,10); a warning, since old numbers vary."""
    number = _compact(value)
    if len(number) != 15 or not number.isdigit():
        return f"注册号一般为15位数字,现在是“{value}”。请核对。"
    if not mod_11_10.is_valid(number):
        return f"注册号“{value}”的校验位与前14位不符,请核对是否抄错。"
    return ""
