"""Check digits of the numbers printed in lost-certificate notices.

Each function takes the number as typed and returns it in canonical form, or raises
ValidationError with a message an editor can act on.
"""

import datetime

from django.core.exceptions import ValidationError

from paper.text import normalize_text

RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RESIDENT_ID_CHECK = "10X98765432"

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def _compact(value):
    return "".join(normalize_text(value).split()).upper()


def validate_resident_id(value):
    """An 18-character resident ID number (GB 11643): birth date and check character."""
    number = _compact(value)
    if len(number) != 18:
        raise ValidationError(f"居民身份证号码应为18位,现在是{len(number)}位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("居民身份证号码前17位应为数字,最后一位为数字或X。", code="chars")
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            "居民身份证号码中的出生日期(第7至14位)不是有效日期。", code="birth_date"
        ) from None
    total = sum(
        int(digit) * weight for digit, weight in zip(number[:17], RESIDENT_ID_WEIGHTS, strict=True)
    )
    expected = RESIDENT_ID_CHECK[total % 11]
    if number[17] != expected:
        raise ValidationError(
            f"居民身份证号码校验位不正确:按前17位计算,最后一位应为{expected}。请核对号码。",
            code="check_digit",
        )
    return number


def validate_credit_code(value):
    """An 18-character unified social credit code (GB 32100) and its check character."""
    code = _compact(value)
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位,现在是{len(code)}位。", code="length")
    bad = sorted({char for char in code if char not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError(
            f"统一社会信用代码中不能有字符:{'、'.join(bad)}(不使用 I、O、S、V、Z)。",
            code="chars",
        )
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    expected = CREDIT_CODE_CHARS[(31 - total % 31) % 31]
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
    product = 10
    for digit in number[:14]:
        remainder = (product + int(digit)) % 10 or 10
        product = remainder * 2 % 11
    if (product + int(number[14])) % 10 != 1:
        return f"注册号“{value}”的校验位与前14位不符,请核对是否抄错。"
    return ""
