"""What an editor is shown of a recognition: paper.ocr.review, pure functions over the data."""

import math
import re

import pytest

from paper.ocr.lines import (
    DOUBTFUL_CHAR_CONFIDENCE,
    DOUBTFUL_LINE_CONFIDENCE,
    Char,
    Line,
    Recognition,
)
from paper.ocr.review import page_review


def recognition(*lines):
    return Recognition(width=1000, height=1400, lines=list(lines)).to_json()


def chars(text, confidences, top=10):
    return tuple(
        Char(char, (10 + 20 * n, top, 30 + 20 * n, top + 20), confidence)
        for n, (char, confidence) in enumerate(zip(text, confidences, strict=True))
    )


SURE = Line("烟台港", (10, 10, 70, 30), 0.99, chars("烟台港", [0.99, 0.99, 0.99]))
DOUBTFUL = Line("吞吐量", (10, 50, 70, 70), 0.7, chars("吞吐量", [0.9, 0.4, 0.8], top=50))
ONE_BAD_CHAR = Line("创新高", (10, 90, 70, 110), 0.95, chars("创新高", [0.99, 0.99, 0.5], top=90))


def test_a_line_is_doubtful_by_its_confidence_or_by_a_characters():
    review = page_review(recognition(SURE, DOUBTFUL, ONE_BAD_CHAR))
    assert [line.low for line in review.lines] == [False, True, True]
    assert [line.text for line in review.low_lines] == ["吞吐量", "创新高"]  # least sure first
    assert [char.low for char in review.lines[1].chars] == [False, True, False]
    assert review.lines[2].low_boxes == [(50.0, 90.0, 70.0, 110.0)]
    assert str(review.lines[2].text_html()) == '创新<mark title="这个字的置信度 50.0%">高</mark>'
    assert (DOUBTFUL_LINE_CONFIDENCE, DOUBTFUL_CHAR_CONFIDENCE) == (0.9, 0.8)


def test_the_thresholds_are_strict():
    scores = [DOUBTFUL_CHAR_CONFIDENCE] * 2
    at = Line("正好", (1, 1, 9, 9), DOUBTFUL_LINE_CONFIDENCE, chars("正好", scores))
    assert not at.doubtful
    assert not page_review(recognition(at)).lines[0].low


def test_characters_that_do_not_spell_the_line_mark_only_the_scan():
    words = Line("ab c", (1, 1, 90, 9), 0.95, (Char("ab", (1, 1, 40, 9), 0.3),))
    (line,) = page_review(recognition(words)).lines
    assert [char.text for char in line.chars] == ["ab c"]
    assert line.low and line.low_boxes == [(1.0, 1.0, 40.0, 9.0)]


def test_blocks_give_their_lines_and_the_item_they_became():
    data = recognition(SURE, DOUBTFUL, ONE_BAD_CHAR)
    data["blocks"] = [
        {"kind": "headline", "box": [10, 10, 70, 30], "lines": [0], "item": None},
        {
            "kind": "body",
            "box": [10, 50, 70, 110],
            "lines": [1, 2],
            "item": {"model": "articles.Article", "pk": 7},
        },
    ]
    review = page_review(data)
    assert [(b.number, b.kind_label, b.low_lines) for b in review.blocks] == [
        (1, "标题", 0),
        (2, "正文", 2),
    ]
    assert [line.text for line in review.lines_of("articles.article", 7)] == ["吞吐量", "创新高"]
    assert review.boxes_of("articles.article", 7) == [(10.0, 50.0, 70.0, 110.0)]
    assert review.lines_of("notices.notice", 7) == []
    assert (review.lines[1].block, review.lines[1].kind_label) == (2, "正文")
    assert review.blocks[1].rect == {"x": 10.0, "y": 50.0, "width": 60.0, "height": 60.0}


def test_no_reading_is_none():
    assert page_review({}) is None
    assert page_review(None) is None
    assert page_review({"width": 10, "height": -1, "lines": []}) is None
    empty = page_review({"width": 10, "height": 10})
    assert empty.lines == [] and empty.blocks == [] and empty.low_lines == []


def svg_apply(transform, point):
    """``point`` through an SVG transform list of matrix() and rotate() steps (right first)."""
    x, y = point
    for name, args in reversed(re.findall(r"(\w+)\(([^)]*)\)", transform)):
        values = [float(value) for value in args.split()]
        if name == "matrix":
            a, b, c, d, e, f = values
            x, y = a * x + c * y + e, b * x + d * y + f
        else:
            angle, cx, cy = math.radians(values[0]), values[1], values[2]
            dx, dy = x - cx, y - cy
            x = cx + dx * math.cos(angle) - dy * math.sin(angle)
            y = cy + dx * math.sin(angle) + dy * math.cos(angle)
    return x, y


@pytest.mark.parametrize("rotation, skew", [(0, 0.0), (90, 0.0), (180, 1.5), (270, -2.0)])
def test_the_overlay_puts_boxes_where_the_page_image_has_them(rotation, skew):
    """The SVG transform over the stored image and page_share (zones, covers) agree."""
    review = page_review({"width": 1200, "height": 1600, "rotation": rotation, "skew": skew})
    box = (300, 400, 500, 460)
    corners = [svg_apply(review.overlay_transform, (x, y)) for x in box[::2] for y in box[1::2]]
    drawn = (
        min(x for x, _ in corners) / review.image_width,
        min(y for _, y in corners) / review.image_height,
        max(x for x, _ in corners) / review.image_width,
        max(y for _, y in corners) / review.image_height,
    )
    assert drawn == pytest.approx(review.page_share(box), abs=1e-4)
    if rotation in (90, 270):
        assert (review.image_width, review.image_height) == (1600, 1200)
