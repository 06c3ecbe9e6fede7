"""The OCR engine on small typeset pages whose text is known (tests/typeset.py)."""

import pytest
from PIL import Image

from paper.ocr import engine
from paper.ocr.lines import Recognition
from tests.typeset import (
    character_errors,
    match_lines,
    typeset_page,
    vertical_column,
    vertical_page,
)

ARTICLES = [
    {
        "kicker": "生态环境部发布消息",
        "headline": "环保督察全部进驻",
        "paragraphs": [
            "据新华社电 生态环境部10月21日发布消息,第三轮第三批8个中央生态环境保护督察组"
            "全部实现督察进驻。",
            "督察组指出,要统筹开展流域督察和省域督察,推动长江经济带高质量发展取得新进展。",
        ],
        "byline": "(本报记者 王晓)",
        "span": 2,
    },
]
NOTICES = ["张三遗失居民身份证,号码370602198001011234,声明作废。"]


@pytest.fixture(scope="module")
def page():
    return typeset_page(ARTICLES, NOTICES, width_mm=120, height_mm=90, columns=3)


@pytest.fixture(scope="module")
def reading(page):
    return engine.recognise(page.picture)


def test_the_text_of_a_page_is_read(page, reading):
    errors, characters = character_errors(page.lines, reading.lines)
    assert characters > 100
    assert errors / characters < 0.03, [line.text for line in reading.lines]
    assert reading.problems == []
    assert reading.engine.startswith("RapidOCR")
    assert (reading.width, reading.height) == page.picture.size
    assert reading.rotation == 0


def test_text_is_normalised_as_exports_have_it(reading):
    text = "".join(line.text for line in reading.lines)
    # Printed full-width ，（）： come out half-width, as the page exports have them.
    assert "，" not in text and "（" not in text
    assert "," in text and "370602198001011234" in text


def test_lines_are_where_the_text_was_printed(page, reading):
    matched, stray = match_lines(page.lines, reading.lines)
    assert stray == []
    assert len(matched) >= len(page.lines) - 1
    for k, lines in matched.items():
        truth = page.lines[k].box
        for line in lines:
            # Within a few pixels of the ink (the detector's box has a margin).
            assert abs(line.box[1] - truth[1]) < 25 and abs(line.box[3] - truth[3]) < 25
            assert line.box[0] > truth[0] - 25 and line.box[2] < truth[2] + 25


def test_each_character_has_its_box_and_confidence(page, reading):
    headline = next(line for line in reading.lines if "督察全部进驻" in line.text)
    assert [char.text for char in headline.chars] == list(headline.text.replace(" ", ""))
    for char in headline.chars:
        assert 0 < char.confidence <= 1
        left, top, right, bottom = char.box
        assert headline.box[0] - 2 <= left < right <= headline.box[2] + 2
        assert headline.box[1] - 2 <= top < bottom <= headline.box[3] + 2
    # Left to right, each character about as wide as it is tall (a CJK headline).
    lefts = [char.box[0] for char in headline.chars]
    assert lefts == sorted(lefts)
    widths = [char.box[2] - char.box[0] for char in headline.chars]
    assert 0.5 * headline.height < sorted(widths)[len(widths) // 2] < 1.3 * headline.height
    # The line's confidence is its characters' mean; the page's is weighted by length.
    assert headline.confidence == pytest.approx(
        sum(char.confidence for char in headline.chars) / len(headline.chars)
    )
    assert 0.8 < reading.confidence <= 1


def test_a_reading_survives_json(reading):
    again = Recognition.from_json(reading.to_json())
    assert [line.text for line in again.lines] == [line.text for line in reading.lines]
    assert again.lines[0].chars[0].text == reading.lines[0].chars[0].text
    assert again.problems == reading.problems and again.rotation == reading.rotation


def test_a_blank_page_says_so():
    reading = engine.recognise(Image.new("RGB", (800, 1100), (250, 248, 242)))
    assert reading.lines == []
    assert reading.problems and "未在扫描图上找到文字" in reading.problems[0]


def test_a_tiny_picture_says_so():
    reading = engine.recognise(Image.new("L", (40, 30), 255))
    assert reading.lines == []
    assert "扫描图太小" in reading.problems[0]


def test_a_coarse_scan_says_so(page):
    # The page at 75 dpi: body text a dozen pixels high.
    coarse = page.picture.resize((page.picture.width // 4, page.picture.height // 4))
    reading = engine.recognise(coarse)
    assert any("扫描分辨率可能过低" in problem for problem in reading.problems), reading.problems


def test_odd_picture_modes_are_read(page):
    headline = page.articles[0].headline_box
    part = page.picture.crop((0, 0, page.picture.width, int(headline[3]) + 40))
    rgba = part.convert("RGBA")
    reading = engine.recognise(rgba)
    assert any("督察全部进驻" in line.text for line in reading.lines)
    sixteen = part.convert("L").point(lambda value: value * 256, "I")
    reading = engine.recognise(sixteen)
    assert any("督察全部进驻" in line.text for line in reading.lines)


@pytest.mark.parametrize("turned, rotation", [(90, 90), (-90, 270)])
def test_a_page_on_its_side_is_read_upright_and_said_so(page, turned, rotation):
    sideways = page.picture.rotate(turned, expand=True)  # the scan lies on its side
    reading = engine.recognise(sideways)
    assert reading.rotation == rotation
    assert (reading.width, reading.height) == page.picture.size
    assert "扫描图可能是横放的" in reading.problems[0]
    errors, characters = character_errors(page.lines, reading.lines)
    assert errors / characters < 0.05


def test_a_page_upside_down_is_read_upright(page):
    reading = engine.recognise(page.picture.rotate(180))
    assert reading.rotation == 180
    assert "倒置" in reading.problems[0]
    errors, characters = character_errors(page.lines, reading.lines)
    assert errors / characters < 0.05


def test_a_vertical_column_is_read_as_one():
    text = "烟台市整形美容协会成立大会成功召开"
    picture, truth = vertical_column(text, points=16)
    reading = engine.recognise(picture)
    assert reading.rotation == 0
    assert len(reading.lines) == 1
    line = reading.lines[0]
    assert line.vertical
    errors, characters = character_errors([truth], reading.lines)
    assert errors <= 2, line.text
    # Characters top to bottom, each in its own cell.
    tops = [char.box[1] for char in line.chars]
    assert tops == sorted(tops)
    assert any("竖排" in problem for problem in reading.problems)


def test_a_page_of_vertical_columns_is_read_upright():
    picture, truth = vertical_page(
        [
            "烟台港口货物吞吐量",
            "再创历史新高",
            "本报记者王晓报道",
            "今年以来全市港口",
            "生产保持平稳增长",
        ]
    )
    reading = engine.recognise(picture)
    assert reading.rotation == 0, reading.problems
    assert all(line.vertical for line in reading.lines)
    errors, characters = character_errors(truth, reading.lines)
    assert errors / characters < 0.1, [line.text for line in reading.lines]


def test_a_page_scanned_askew_is_levelled(page):
    askew = page.picture.rotate(2, resample=Image.BICUBIC, fillcolor=(250, 248, 242))
    reading = engine.recognise(askew)
    # Turned back clockwise about its centre, the lines stand where they were typeset.
    assert reading.skew == pytest.approx(-2, abs=0.3)
    assert (reading.width, reading.height) == page.picture.size
    errors, characters = character_errors(page.lines, reading.lines)
    assert errors / characters < 0.03
