"""ID numbers in OCR text: where they are covered on the scan (paper.ocr.privacy)."""

import pytest

from paper.ocr.lines import Char, Line, Recognition
from paper.ocr.privacy import covering

# A page 1000 × 1000 px; characters 20 px wide on lines 20 px high.
SIZE = 1000


def line(text, left=100, top=100, size=20, words=False):
    """A recognised line, each character (or, with ``words``, each run of digits) boxed."""
    chars, x = [], left
    if words:
        import re

        for piece in re.findall(r"\d+|\D", text):
            width = size * (len(piece) if not piece.isdigit() else len(piece) * 0.55)
            chars.append(Char(piece, (x, top, x + width, top + size), 0.95))
            x += width
    else:
        for char in text:
            chars.append(Char(char, (x, top, x + size, top + size), 0.95))
            x += size
    return Line(text, (left, top, x, top + size), 0.95, tuple(chars))


def page(*lines, rotation=0):
    recognition = Recognition(SIZE, SIZE, list(lines))
    recognition.rotation = rotation
    return recognition


def covers(boxes, x, y):
    """Whether a point (pixels) is inside one of ``boxes`` (shares of the page)."""
    return any(
        left * SIZE <= x <= right * SIZE and top * SIZE <= y <= bottom * SIZE
        for left, top, right, bottom in boxes
    )


def char_centre(text_line, index):
    left, top, right, bottom = text_line.chars[index].box
    return (left + right) / 2, (top + bottom) / 2


def test_the_birth_date_of_an_id_is_covered_and_the_rest_left_readable():
    printed = line("遗失身份证,号码370602199001011239,声明作废")
    found = covering(page(printed))
    start = len("遗失身份证,号码")
    for index in range(start + 6, start + 14):
        assert covers(found.boxes, *char_centre(printed, index))
    for index in [*range(start, start + 6), *range(start + 14, start + 18)]:
        assert not covers(found.boxes, *char_centre(printed, index))
    assert found.suspects == []


def test_an_id_read_as_one_word_is_covered_where_its_digits_are():
    """RapidOCR boxes a run of digits as one word: its box is shared out among the digits."""
    printed = line("号码370602199001011239声明", words=True)
    found = covering(page(printed))
    word = printed.chars[2].box
    digit = (word[2] - word[0]) / 18
    for index in range(6, 14):
        assert covers(found.boxes, word[0] + (index + 0.5) * digit, 110)
    assert not covers(found.boxes, word[0] + 2.5 * digit, 110)
    assert not covers(found.boxes, word[0] + 16.5 * digit, 110)


def test_an_id_broken_over_two_lines_is_covered_on_both():
    first = line("本人张三身份证号码37060219", top=100)
    second = line("9001011239声明作废", top=130)
    found = covering(page(first, second))
    assert covers(found.boxes, *char_centre(first, len(first.text) - 1))  # the 9 of 19…
    assert covers(found.boxes, *char_centre(second, 0))
    assert not covers(found.boxes, *char_centre(second, 7))  # the 2 of 1239


def test_a_misread_id_is_covered_too_and_the_editor_told():
    """A 3 read as 8 makes the 13th month: not an ID by the rule, covered all the same."""
    printed = line("身份证号370602199081011239作废")
    found = covering(page(printed))
    start = len("身份证号")
    assert covers(found.boxes, *char_centre(printed, start + 9))
    assert not covers(found.boxes, *char_centre(printed, start + 2))
    assert found.suspects == [(1, "370602********1239")]


def test_a_credit_code_and_a_phone_number_are_left_alone():
    printed = line("统一社会信用代码913706001634567896,电话13800000000")
    assert covering(page(printed)).boxes == ()


def test_no_text_no_boxes():
    assert covering(page()).boxes == ()


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [
        (0, (0.1, 0.2, 0.3, 0.4)),
        (90, (0.2, 0.7, 0.4, 0.9)),
        (180, (0.7, 0.6, 0.9, 0.8)),
        (270, (0.6, 0.1, 0.8, 0.3)),
    ],
)
def test_boxes_read_on_a_turned_picture_are_put_back_on_the_page(rotation, expected):
    read = Recognition(width=1000, height=1000, rotation=rotation)
    assert read.page_box((100, 200, 300, 400)) == pytest.approx(expected)
