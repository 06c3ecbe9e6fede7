"""The layout of recognised lines: columns, reading order, heads, paragraphs, articles, notices.

Every page here is set by hand from lines as the engine gives them (a box and a confidence a
line), the way a broadsheet sets them: text in columns of justified lines, first lines indented
two characters, headlines two or three times the body's size.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from paper.ocr.layout import lay_out, reading_order, split_at_gutters
from paper.ocr.lines import Char, Line, Recognition

RECOGNITIONS = Path(__file__).parent / "recognitions"
SIZE = 20  # the body text's character size, in pixels
PITCH = 28  # from one line's top to the next's


def line(text, left, top, size=SIZE, confidence=0.97, chars=None, vertical=False):
    """A recognised line of ``text`` set from (left, top), one character ``size`` wide each."""
    if vertical:
        box = (left, top, left + size, top + size * len(text))
        places = [
            (left, top + i * size, left + size, top + (i + 1) * size) for i in range(len(text))
        ]
    else:
        box = (left, top, left + size * len(text), top + size)
        places = [
            (left + i * size, top, left + (i + 1) * size, top + size) for i in range(len(text))
        ]
    scores = chars or [confidence] * len(text)
    return Line(
        text=text,
        box=box,
        confidence=sum(scores) / len(scores),
        chars=tuple(map(Char, text, places, scores)),
        vertical=vertical,
    )


# Never at the start of a line (避头): set as a hanging character at the end of the one before.
NO_BREAK_BEFORE = "。,、;:!?)”》"


def broken(paragraph, width):
    """The lines of ``paragraph`` in a column ``width`` characters wide, each (text, first)."""
    pieces, text, first = [], paragraph, True
    while text:
        room = width - 2 if first else width
        piece, text = text[:room], text[room:]
        while text and text[0] in NO_BREAK_BEFORE:
            piece, text = piece + text[0], text[1:]
        pieces.append((piece, first))
        first = False
    return pieces


def column(paragraphs, left, top, width=18, size=SIZE, pitch=PITCH):
    """Lines of ``paragraphs`` set in a column ``width`` characters wide; and the next top."""
    lines = []
    for paragraph in paragraphs:
        for piece, first in broken(paragraph, width):
            lines.append(line(piece, left + (2 * size if first else 0), top, size))
            top += pitch
    return lines, top


def flow(paragraphs, columns, top, width=18, rows=None, size=SIZE, pitch=PITCH):
    """``paragraphs`` set through ``columns`` (their lefts), ``rows`` lines a column at most."""
    lines = []
    text_lines = [piece for paragraph in paragraphs for piece in broken(paragraph, width)]
    rows = rows or -(-len(text_lines) // len(columns))
    for number, (piece, first) in enumerate(text_lines):
        left = columns[number // rows] + (2 * size if first else 0)
        lines.append(line(piece, left, top + (number % rows) * pitch, size))
    return lines


def recognise(lines, width=1000, height=1400):
    return Recognition(width=width, height=height, lines=list(lines))


def texts(recognition, indices):
    return [recognition.lines[i].text for i in indices]


FIRST = (
    "10月18日,烟台市整形美容协会成立大会在东山宾馆隆重举行。相关负责人出席会议,"
    "各会员单位代表以及各列席单位嘉宾近200人共同见证了协会成立。"
)
SECOND = "会上,烟台市行政审批服务局审批服务四科科长宣读了成立批复文件,张鲁作筹备报告。"
THIRD = "随后,大会表决通过了协会章程和会费管理办法等各项草案,并选举产生了第一届理事会。"


HEADLINE_A = "烟台市整形美容协会成立大会成功召开"


def two_column_article(top=60):
    headline = line("烟台市整形美容协会成立大会成功召开", 120, top, size=44)
    body = flow([FIRST, SECOND, THIRD], [50, 450], top + 80)
    return [headline, *body]


def test_two_columns_under_a_spanning_headline_read_headline_then_left_then_right():
    recognition = recognise(two_column_article())
    layout = lay_out(recognition)
    assert len(layout.articles) == 1
    story = layout.articles[0]
    assert story.headline == "烟台市整形美容协会成立大会成功召开"
    assert story.paragraphs == [FIRST, SECOND, THIRD]
    assert layout.order == list(range(len(recognition.lines)))
    assert [block.kind for block in layout.blocks][0] == "headline"


def test_lines_given_in_any_order_are_read_in_reading_order():
    lines = two_column_article()
    shuffled = list(reversed(lines))
    recognition = recognise(shuffled)
    layout = lay_out(recognition)
    assert "".join(texts(recognition, layout.order)) == "".join(line.text for line in lines)


def test_two_articles_side_by_side_each_read_whole():
    left = [line("第一篇的标题在这里", 40, 60, size=40), *column([FIRST, SECOND], 40, 130)[0]]
    right = [line("第二篇的标题", 560, 60, size=40), *column([THIRD], 560, 130)[0]]
    recognition = recognise(right + left)
    layout = lay_out(recognition)
    assert [story.headline for story in layout.articles] == ["第一篇的标题在这里", "第二篇的标题"]
    assert layout.articles[0].paragraphs == [FIRST, SECOND]
    assert layout.articles[1].paragraphs == [THIRD]


def test_headline_shorter_than_its_article_takes_every_column_under_it():
    """A centred headline over three columns covers only the middle one."""
    headline = line("协会成立", 400, 60, size=44)
    body = flow([FIRST, SECOND, THIRD, FIRST], [40, 360, 680], 140)
    layout = lay_out(recognise([headline, *body]))
    assert len(layout.articles) == 1
    assert layout.articles[0].paragraphs == [FIRST, SECOND, THIRD, FIRST]


def test_kicker_above_and_subheadline_below_the_headline():
    lines = [
        line("喜迎新时代 奋进新征程", 200, 40, size=28),
        line("烟台市整形美容协会成立", 130, 80, size=44),
        line("选举产生第一届理事会", 220, 136, size=28),
        *flow([FIRST, SECOND], [50, 450], 190),
    ]
    layout = lay_out(recognise(lines))
    story = layout.articles[0]
    assert story.kicker == "喜迎新时代 奋进新征程"
    assert story.headline == "烟台市整形美容协会成立"
    assert story.subheadline == "选举产生第一届理事会"
    assert [block.kind for block in layout.blocks][:3] == ["kicker", "headline", "subheadline"]
    assert story.paragraphs == [FIRST, SECOND]


def test_headline_in_two_lines_is_one_headline():
    lines = [
        line("烟台市整形美容协会", 150, 40, size=44),
        line("成立大会成功召开", 170, 92, size=44),
        *column([FIRST], 50, 170)[0],
    ]
    story = lay_out(recognise(lines)).articles[0]
    assert story.headline == "烟台市整形美容协会成立大会成功召开"


def test_byline_at_the_end_of_the_article():
    body, top = column([FIRST, SECOND], 50, 130)
    lines = [
        line("协会成立大会召开", 60, 60, size=40),
        *body,
        line("(本报记者 王晓 通讯员 李明)", 50 + 9 * SIZE, top),
    ]
    layout = lay_out(recognise(lines))
    story = layout.articles[0]
    assert story.byline == "本报记者 王晓 通讯员 李明"
    assert story.paragraphs == [FIRST, SECOND]
    assert layout.blocks[-1].kind == "byline"


def test_byline_under_the_headline_and_source_at_the_start():
    body, _ = column(["本报讯 " + FIRST, SECOND], 50, 160)
    lines = [
        line("协会成立大会召开", 60, 60, size=40),
        line("本报记者 王晓 通讯员 李明", 100, 120),
        *body,
    ]
    story = lay_out(recognise(lines)).articles[0]
    assert story.byline == "本报记者 王晓 通讯员 李明"
    assert story.source == "本报讯"
    assert story.paragraphs[0].startswith("本报讯")


def test_paragraph_broken_across_columns_is_one_paragraph():
    """The left column ends mid-sentence with a full line; the right one goes on unindented."""
    long = FIRST + SECOND.removeprefix("会上,")  # 70-odd characters: five lines
    lines = [
        line("协会成立大会召开", 200, 60, size=40),
        *flow([long, THIRD], [50, 450], 130, rows=5),
    ]
    layout = lay_out(recognise(lines))
    story = layout.articles[0]
    assert story.paragraphs == [long, THIRD]
    broken = [block for block in layout.blocks if block.kind == "body"]
    assert broken[1].continues and not broken[0].continues
    assert broken[0].box[0] == 50 and broken[1].box[0] == 450


def test_paragraphs_break_at_short_last_lines_even_without_indent():
    lines = [line("标题在这里很醒目", 60, 40, size=40)]
    top = 110
    for text in ("甲" * 18, "乙" * 7, "丙" * 18, "丁" * 18, "戊" * 3):
        lines.append(line(text, 50, top))
        top += PITCH
    story = lay_out(recognise(lines)).articles[0]
    assert story.paragraphs == ["甲" * 18 + "乙" * 7, "丙" * 18 + "丁" * 18 + "戊" * 3]


def test_heading_inside_an_article_stays_in_it():
    first, top = column([FIRST], 50, 130)
    second, _ = column([SECOND], 50, top + 40)
    lines = [
        line("关于深化产业工人队伍建设改革的意见", 40, 50, size=44),
        *first,
        line("一、总体要求", 50, top + 4, size=28),
        *second,
    ]
    layout = lay_out(recognise(lines))
    assert len(layout.articles) == 1
    assert layout.articles[0].paragraphs == [FIRST, "## 一、总体要求", SECOND]


def test_caption_under_a_picture_gap():
    body, top = column([FIRST], 50, 130)
    picture_bottom = top + 300
    lines = [
        line("协会成立大会召开", 60, 60, size=40),
        *body,
        line("图为成立大会现场。本报记者 王晓 摄", 50, picture_bottom, size=18),
        *column([SECOND], 50, picture_bottom + 40)[0],
    ]
    layout = lay_out(recognise(lines))
    story = layout.articles[0]
    assert story.captions == ["图为成立大会现场。本报记者 王晓 摄"]
    assert story.paragraphs == [FIRST, SECOND]
    assert [block.kind for block in layout.blocks].count("caption") == 1


LOST = [
    "毕丽静遗失烟台中升丰田汽车销售服务有限公司开具的置换保证金收款收据,"
    "开具日期:2024年8月30日,票号:0001715,金额:10000元,声明作废。",
    "曲和林的鲁烟渔70235登记证丢失,编号:YD02BA130262.18,声明作废。",
    "王晓明遗失居民身份证,号码:370602199001011239,声明作废。",
]


def test_notices_column_is_claimed_by_the_notices_part_not_read_as_an_article():
    article = two_column_article()
    notices = [line("遗失声明", 900, 60, size=36), *column(LOST, 860, 120, width=12)[0]]
    lines = [*article, *notices]
    layout = lay_out(recognise(lines, width=1200))
    assert [story.headline for story in layout.articles] == ["烟台市整形美容协会成立大会成功召开"]
    notice_blocks = [block for block in layout.blocks if block.kind == "notice"]
    assert {i for block in notice_blocks for i in block.lines} == set(
        range(len(article), len(lines))
    )
    assert all(block.article is None for block in notice_blocks)
    (section,) = [s for s in layout.sections if not s.part.takes_the_rest]
    assert section.headline == "遗失声明"
    assert "".join(p.text for p in section.paragraphs) == "".join(LOST)


def test_page_with_only_notices_has_no_articles():
    lines = []
    for number, left in enumerate((50, 380, 710)):
        lines += column(LOST[number:] + LOST[:number], left, 60, width=13)[0]
    layout = lay_out(recognise(lines))
    assert layout.articles == []
    assert all(block.kind == "notice" for block in layout.blocks)
    assert sorted(layout.order) == list(range(len(lines)))
    assert all(not section.part.takes_the_rest for section in layout.sections)


def test_notices_after_an_article_without_a_headline_of_their_own_are_split_off():
    body, top = column([FIRST, SECOND, *LOST[:2]], 50, 130)
    lines = [line("协会成立大会召开", 60, 60, size=40), *body]
    layout = lay_out(recognise(lines))
    assert layout.articles[0].paragraphs == [FIRST, SECOND]
    notice_lines = [i for block in layout.blocks if block.kind == "notice" for i in block.lines]
    assert "".join(lines[i].text for i in notice_lines) == "".join(LOST[:2])


def test_vertical_columns_read_right_to_left():
    columns = ["一二三四五六七八九十", "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"]
    lines = [
        line(text, 800 - number * 30, 100, vertical=True) for number, text in enumerate(columns)
    ]
    headline = line("竖排的大标题", 860, 100, size=44, vertical=True)
    recognition = recognise([*reversed(lines), headline])
    layout = lay_out(recognition)
    assert texts(recognition, layout.order) == ["竖排的大标题", *columns]
    assert layout.articles[0].headline == "竖排的大标题"
    assert layout.articles[0].paragraphs == ["".join(columns)]


def test_noise_is_left_out_folio_date_line_masthead_and_specks():
    lines = [
        line("2024年10月22日 星期二 责任编辑:王晓 美编:李明", 50, 10, size=16),
        line("A03", 900, 10, size=16),
        *two_column_article(top=90),
        line("丨", 700, 900),
        line("3", 480, 1370, size=16),
    ]
    recognition = recognise(lines)
    layout = lay_out(recognition)
    assert texts(recognition, layout.noise) == [lines[0].text, "A03", "丨", "3"]
    assert layout.articles[0].paragraphs == [FIRST, SECOND, THIRD]


def test_low_confidence_lines_are_listed_per_article_and_confidence_kept():
    lines = two_column_article()
    unsure = lines[3]
    # Doubtful as the review marks them (paper.ocr.lines): one character under 0.8, a line's
    # mean under 0.9; a line at 0.91 with no character under 0.8 is not.
    lines[3] = line(unsure.text, unsure.box[0], unsure.box[1], chars=[0.99] * 17 + [0.75])
    lines[4] = line(lines[4].text, lines[4].box[0], lines[4].box[1], confidence=0.85)
    lines[5] = line(lines[5].text, lines[5].box[0], lines[5].box[1], confidence=0.91)
    story = lay_out(recognise(lines)).articles[0]
    assert story.low_confidence == [3, 4]
    assert 0.9 < story.confidence < 0.97


def test_article_box_covers_its_lines():
    recognition = recognise(two_column_article())
    story = lay_out(recognition).articles[0]
    left, top, right, bottom = story.box
    for item in recognition.lines:
        assert left <= item.box[0] and item.box[2] <= right
        assert top <= item.box[1] and item.box[3] <= bottom


def test_article_under_another_in_the_same_columns_is_its_own():
    first = two_column_article()
    second = [
        line("第二篇文章的标题", 200, 400, size=40),
        *flow([THIRD, SECOND], [50, 450], 470),
    ]
    layout = lay_out(recognise(first + second))
    assert [story.headline for story in layout.articles] == [
        "烟台市整形美容协会成立大会成功召开",
        "第二篇文章的标题",
    ]
    assert layout.articles[1].paragraphs == [THIRD, SECOND]


def test_blocks_say_their_kind_box_lines_and_article_as_json():
    layout = lay_out(recognise(two_column_article()))
    data = layout.to_json()["blocks"]
    assert data[0] == {
        "kind": "headline",
        "box": [120, 60, 120 + 44 * 17, 104],
        "lines": [0],
        "article": 0,
    }
    assert all(block["kind"] in {"headline", "body"} for block in data)


def test_reading_order_cuts_bands_then_columns():
    boxes = [(500, 0, 900, 100), (0, 0, 400, 300), (0, 320, 900, 400), (500, 120, 900, 300)]
    assert reading_order(boxes) == [1, 0, 3, 2]


def test_empty_page():
    layout = lay_out(recognise([]))
    assert layout.blocks == [] and layout.articles == []


# --- Pages like the sample issue's (sample/page-export-2024-10-22.txt) ---------------------------

SAMPLE_A04 = [
    "10月18日,烟台市整形美容协会成立大会在东山宾馆隆重举行。中国整形美容协会、烟台市卫健委、"
    "烟台市民政局社会组织管理局相关负责人出席会议。",
    "会上,烟台市行政审批服务局审批服务四科科长、四级调研员修建新,宣读了烟台市整形美容协会成立"
    "批复文件。张鲁代表烟台市整形美容协会筹备组作筹备报告。",
    "随后,大会表决通过了《烟台市整形美容协会章程》等各项草案,选举高冬为第一届理事会会长。",
    "在热烈的掌声中,烟台市整形美容协会成立大会胜利闭幕。",
]
SAMPLE_A02 = [
    "据新华社电 生态环境部10月21日发布消息,第三轮第三批8个中央生态环境保护督察组全部实现督察进驻。",
    "根据工作安排,督察进驻时间为1个月。进驻期间,各督察组分别设立专门值班电话和邮政信箱。",
]
WEDDING = (
    "新娘 百音一兰 新郎 张雨 于公历2024年11月2日正式结为夫妇。愿修百年之好,共赴白头之约。"
    "特此登报,敬告亲友,亦作留念。"
)


def broadsheet():
    """A page of the sample's articles and notices, set in a six-column grid 2,000 px wide.

    The masthead line and the folio at the edges; the lead article across four columns with
    a picture and its caption in its last column and a byline closing it; beside it a notices
    column under 遗失声明; under the lead, a two-column article with a kicker; under the
    notices, a wedding notice under 结婚启事.
    """
    size, pitch, width = 24, 34, 12  # columns of twelve characters, 300 px
    lefts = [40 + n * 325 for n in range(6)]
    lines = [
        line("2024年10月22日 星期二 责任编辑:王晓 美编:李明 校对:张华", 40, 20, size=18),
        line("A04", 1900, 20, size=18),
        line("综合", 1700, 20, size=18),
        line("烟台市整形美容协会成立大会成功召开", 250, 140, size=56),
    ]
    body = flow(SAMPLE_A04, lefts[:3], 230, width=width, rows=14, size=size, pitch=pitch)
    lines += body
    lines += column(SAMPLE_A04[1:2], lefts[3], 230, width=width, size=size, pitch=pitch)[0]
    lines.append(line("协会成立大会现场。", lefts[3], 900, size=20))
    lines.append(line("(孙文琦)", lefts[3] + 150, 950, size=size))
    lines += [line("遗失声明", lefts[5] + 60, 140, size=40)]
    lines += column(LOST, lefts[5], 230, width=width, size=size, pitch=pitch)[0]
    lines += [
        line("喜迎第三轮督察", lefts[0] + 100, 1150, size=34),
        line("中央生态环保督察全部进驻", lefts[0] + 20, 1200, size=50),
    ]
    lines += flow(SAMPLE_A02, lefts[:2], 1290, width=width, size=size, pitch=pitch)
    lines += [line("结婚启事", lefts[5] + 60, 1150, size=40)]
    lines += column([WEDDING], lefts[5], 1220, width=width, size=size, pitch=pitch)[0]
    lines.append(line("4", 1000, 2760, size=18))
    return recognise(lines, width=2000, height=2800)


def test_broadsheet_articles_notices_and_noise():
    recognition = broadsheet()
    layout = lay_out(recognition)
    assert [story.headline for story in layout.articles] == [
        "烟台市整形美容协会成立大会成功召开",
        "中央生态环保督察全部进驻",
    ]
    lead, second = layout.articles
    assert lead.byline == "孙文琦"
    assert lead.captions == ["协会成立大会现场。"]
    assert lead.paragraphs == [*SAMPLE_A04, SAMPLE_A04[1]]
    assert second.kicker == "喜迎第三轮督察"
    assert second.source == "据新华社电"
    assert second.paragraphs == SAMPLE_A02
    assert texts(recognition, layout.noise) == [
        recognition.lines[0].text,
        "A04",
        "综合",
        "4",
    ]
    notices = [s for s in layout.sections if not s.part.takes_the_rest]
    assert [s.headline for s in notices] == ["遗失声明", "结婚启事"]
    # A space at a line's end is not printed: the engine gives none.
    assert "".join(p.text for p in notices[1].paragraphs) == WEDDING.replace("新郎 ", "新郎")
    # The lead first, then what stands beside it, then what is under them, left to right.
    starts = [recognition.lines[block.lines[0]].text for block in layout.blocks]
    assert starts.index("烟台市整形美容协会成立大会成功召开") < starts.index("遗失声明")
    assert starts.index("遗失声明") < starts.index("喜迎第三轮督察") < starts.index("结婚启事")


def test_broadsheet_as_the_engine_read_it():
    """The same page rendered and read by RapidOCR: its boxes are padded, uneven and taller
    for short lines (告。), its punctuation full-width, its spaces gone."""
    data = json.loads((RECOGNITIONS / "broadsheet-rapidocr.json").read_text())
    recognition = Recognition.from_json(data)
    layout = lay_out(recognition)
    lead, second = layout.articles
    assert lead.headline == "烟台市整形美容协会成立大会成功召开"
    assert lead.byline == "孙文琦" and lead.captions == ["协会成立大会现场。"]
    full_width = str.maketrans({",": "\uff0c", ":": "\uff1a"})
    assert lead.paragraphs == [text.translate(full_width) for text in [*SAMPLE_A04, SAMPLE_A04[1]]]
    assert (second.kicker, second.headline) == ("喜迎第三轮督察", "中央生态环保督察全部进驻")
    assert second.paragraphs == [text.translate(full_width).replace(" ", "") for text in SAMPLE_A02]
    notices = [s for s in layout.sections if not s.part.takes_the_rest]
    assert [s.headline for s in notices] == ["遗失声明", "结婚启事"]
    assert texts(recognition, layout.noise) == [
        "2024年10月22日星期二责任编辑\uff1a王晓美编\uff1a李明校对\uff1a张华",
        "综合",
        "A 0 4",
    ]


def test_ragged_right_text_breaks_paragraphs_at_gaps_not_at_every_short_line():
    lines = [line("不齐行的文章标题", 60, 40, size=40)]
    top = 110
    for paragraph in (["甲" * 15, "乙" * 17, "丙" * 12], ["丁" * 16, "戊" * 14]):
        for text in paragraph:
            lines.append(line(text, 50, top))
            top += PITCH
        top += PITCH  # an empty line between paragraphs
    story = lay_out(recognise(lines)).articles[0]
    assert story.paragraphs == ["甲" * 15 + "乙" * 17 + "丙" * 12, "丁" * 16 + "戊" * 14]


def test_small_headline_well_below_text_of_its_column_starts_another_article():
    first, top = column([FIRST], 50, 110)
    second, _ = column([SECOND], 50, top + 90)
    lines = [
        line("协会成立大会召开", 60, 40, size=40),
        *first,
        line("短讯一则", 50, top + 40, size=28),
        *second,
    ]
    layout = lay_out(recognise(lines))
    assert [story.headline for story in layout.articles] == ["协会成立大会召开", "短讯一则"]
    assert layout.articles[1].paragraphs == [SECOND]


def test_without_import_parts_every_piece_is_an_article():
    """What a script gets that lays pages out without Django's apps (bench/ocr_accuracy.py)."""
    notices = [line("遗失声明", 900, 60, size=36), *column(LOST, 860, 120, width=12)[0]]
    layout = lay_out(recognise([*two_column_article(), *notices], width=1200), parts=[])
    assert [story.headline for story in layout.articles] == [HEADLINE_A, "遗失声明"]
    assert all(section.part is None for section in layout.sections)


def merged(first, second):
    """One line an engine read across a gutter: ``first`` and ``second`` side by side."""
    chars = first.chars + second.chars
    text = first.text + second.text
    box = (first.box[0], min(first.box[1], second.box[1]), second.box[2], first.box[3])
    return Line(text, box, (first.confidence + second.confidence) / 2, chars)


def test_lines_read_across_a_gutter_are_cut_at_it():
    headline, *body = two_column_article()
    right = {item.box[1]: item for item in body if item.box[0] >= 450}
    lines = [headline]
    for item in body:
        if item.box[0] < 450:
            lines.append(merged(item, right.pop(item.box[1])) if item.box[1] in right else item)
    lines += right.values()
    read = recognise(lines)
    recognition = split_at_gutters(read)
    assert len(recognition.lines) == len(body) + 1 and len(read.lines) < len(body)
    layout = lay_out(recognition)
    assert layout.articles[0].paragraphs == [FIRST, SECOND, THIRD]
    assert "".join(texts(recognition, layout.order)) == "".join(
        item.text for item in two_column_article()
    )
    assert split_at_gutters(recognition) is recognition


def test_spaced_out_headline_is_not_cut():
    spaced = line("要  闻", 400, 40, size=44)
    spaced = Line("要闻", spaced.box, 0.99, (spaced.chars[0], spaced.chars[3]))
    recognition = recognise([spaced, *column([FIRST], 300, 120)[0]])
    assert split_at_gutters(recognition) is recognition
    assert lay_out(recognition).articles[0].headline == "要闻"


def test_sample_page_as_the_engine_read_it_with_lines_run_across_gutters():
    """The sample's A04 article, A02 article, lost notices and wedding set in six columns
    (gutters of 1.2 characters) and read by RapidOCR with its characters' boxes: a fifth of
    its lines run across a gutter or two; cut there, the articles read as printed."""
    from rapidfuzz.distance import Levenshtein

    from paper.importing.parsing import parse_export
    from tests.factories import SAMPLE_EXPORT

    data = json.loads((RECOGNITIONS / "sample-a04-rapidocr.json").read_text())
    read = Recognition.from_json(data)
    recognition = split_at_gutters(read)
    assert len(recognition.lines) > len(read.lines) + 20
    layout = lay_out(recognition)
    export = parse_export(SAMPLE_EXPORT.read_text())
    printed = {article.page: article for article in export.articles}
    lead, second = layout.articles
    assert (lead.kicker, lead.headline) == ("医美行业迈向规范化", printed["A04"].headline)
    assert lead.byline == "孙文琦"
    assert second.headline == printed["A02"].headline
    full_width = str.maketrans({",": "\uff0c", ":": "\uff1a", "(": "\uff08", ")": "\uff09"})
    for story, article in ((lead, printed["A04"]), (second, printed["A02"])):
        read = "".join(story.paragraphs)
        text = "".join(p.text for p in article.paragraphs).translate(full_width)
        text = text.replace(" ", "").removeprefix("据新华社电")
        # The page holds the start of each article (its columns were full).
        assert Levenshtein.normalized_distance(read, text[: len(read)]) < 0.04
    notices = [s.headline for s in layout.sections if not s.part.takes_the_rest]
    assert notices == ["遗失声明", "结婚启事"]


def test_article_set_round_another_gets_a_zone_for_each_part():
    """An article over two columns whose second column holds another article at its foot."""
    first = [line("第一篇文章的标题", 150, 40, size=40), *flow([FIRST, SECOND], [50, 450], 110)]
    first += column([THIRD, FIRST], 50, 110 + 6 * PITCH)[0]
    second = [
        line("第二篇", 520, 110 + 7 * PITCH, size=40),
        *column([SECOND], 450, 110 + 9 * PITCH)[0],
    ]
    layout = lay_out(recognise(first + second))
    story, other = layout.articles
    assert other.headline == "第二篇"
    assert len(story.zones) > 1
    for zone in story.zones:
        for i in other.lines:
            box = layout.recognition.lines[i].box
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            assert not (zone[0] <= centre[0] <= zone[2] and zone[1] <= centre[1] <= zone[3])
    assert other.zones == [other.box]


@pytest.mark.parametrize(
    ("printed", "byline"),
    [
        ("本报记者 王晓 通讯员 李明", "本报记者 王晓 通讯员 李明"),
        ("(孙文琦)", "孙文琦"),
        ("【记者 王晓】", "记者 王晓"),
        ("文/图 王晓", "文/图 王晓"),
    ],
)
def test_bylines_closing_an_article(printed, byline):
    body, top = column([FIRST, SECOND], 50, 130)
    lines = [line("协会成立大会召开", 60, 60, size=40), *body, line(printed, 200, top)]
    story = lay_out(recognise(lines)).articles[0]
    assert story.byline == byline
    assert story.paragraphs == [FIRST, SECOND]


def test_a_short_last_paragraph_is_not_taken_for_a_byline():
    body, top = column([FIRST, SECOND, "会议圆满结束。"], 50, 130)
    story = lay_out(recognise([line("协会成立大会召开", 60, 60, size=40), *body])).articles[0]
    assert story.byline == ""
    assert story.paragraphs[-1] == "会议圆满结束。"


def test_text_at_the_foot_of_the_page_naming_the_paper_is_not_its_masthead():
    body, top = column(
        [FIRST, "烟台日报社融媒体中心相关负责人出席会议,烟台日报记者全程报道。"], 50, 1180
    )
    lines = [line("协会成立大会召开", 60, 1120, size=40), *body]
    layout = lay_out(recognise(lines, height=1400))
    assert layout.noise == []
    assert layout.articles[0].paragraphs[-1].startswith("烟台日报社")


def spaced_line(text, left, top, size, gaps):
    """A line of ``text`` whose character ``k`` stands ``gaps[k]`` px further right than set
    solid (the engine's characters' boxes: a gap before punctuation, a word space)."""
    chars, x = [], left
    for k, char in enumerate(text):
        x += gaps.get(k, 0)
        chars.append(Char(char, (x, top, x + size, top + size), 0.97))
        x += size
    return Line(text, (left, top, x, top + size), 0.97, tuple(chars))


def test_headlines_of_neighbouring_columns_read_as_one_line_are_cut_apart():
    """Two one-column articles side by side, their headlines a gutter apart (0.7 characters of
    their type) and read by the engine as one line: cut there, each heads its own article."""
    left_body, _ = column([FIRST], 40, 130)
    right_body, _ = column([SECOND], 440, 130)
    first = line("第一篇的标题在这里", 40, 60, size=40)  # to x 400
    second = line("第二篇的标题好", 428, 60, size=40)
    read = recognise([merged(first, second), *left_body, *right_body])
    recognition = split_at_gutters(read)
    assert len(recognition.lines) == len(read.lines) + 1
    layout = lay_out(recognition)
    assert [story.headline for story in layout.articles] == ["第一篇的标题在这里", "第二篇的标题好"]
    assert layout.articles[0].paragraphs == [FIRST]
    assert layout.articles[1].paragraphs == [SECOND]


@pytest.mark.parametrize(
    "text, gaps",
    [
        ("烟台成立了“中国整形美容协会”", {5: 26}),  # the ink of “ on its cell's right
        ("中共中央国务院关于深化改革的意见", {4: 13}),  # a space between words (中央 国务院)
        ("数字档案馆正式开放", dict.fromkeys(range(1, 9), 18)),  # spaced out
    ],
)
def test_a_headline_set_over_two_columns_is_not_cut_at_its_own_gaps(text, gaps):
    headline = spaced_line(text, 60, 40, 42, gaps)
    body = flow([FIRST, SECOND, THIRD], [50, 450], 120)
    recognition = recognise([headline, *body])
    assert len(split_at_gutters(recognition).lines) == len(recognition.lines)
    layout = lay_out(split_at_gutters(recognition))
    assert [story.headline for story in layout.articles] == [text]


def test_numbered_headline_over_two_columns_starts_an_article_not_a_heading():
    """八、… set over the two columns of its article, right under the article before: a
    headline (a numbered heading stands in its column), even at 1.4 times the body's size."""
    first = flow([FIRST, SECOND], [50, 450], 120)
    top = max(item.box[3] for item in first) + 12
    numbered = "八、壮大产业工人队伍,不断巩固党长期执政"
    lines = [
        line(HEADLINE_A, 90, 40, size=40),
        *first,
        line(numbered, 150, top, size=28),
        *flow([THIRD, FIRST], [50, 450], top + 48),
    ]
    layout = lay_out(recognise(lines))
    assert [story.headline for story in layout.articles] == [HEADLINE_A, numbered]
    assert layout.articles[0].paragraphs == [FIRST, SECOND]
    assert layout.articles[1].paragraphs == [THIRD, FIRST]


def test_head_boxed_shorter_than_its_type_is_measured_by_its_width():
    """A one-column head in three lines of 1.65 times the body's type, which the engine boxed
    only 1.5 times as tall as the body: a headline (its characters' width says its size), not
    a numbered heading of the article above."""
    first, top = column([FIRST, SECOND], 50, 110)
    head = []
    for number, text in enumerate(["七、搭建建功立业", "平台,发挥产业工", "人主力军作用"]):
        left = 50 + (360 - 33 * len(text)) // 2
        read = line(text, left, top + 20 + number * 40, size=33)
        head.append(replace(read, box=(*read.box[:3], read.box[1] + 30)))
    second, _ = column([THIRD], 50, top + 150)
    lines = [line("协会成立大会召开", 60, 40, size=40), *first, *head, *second]
    layout = lay_out(recognise(lines))
    assert [story.headline for story in layout.articles] == [
        "协会成立大会召开",
        "七、搭建建功立业平台,发挥产业工人主力军作用",
    ]
    assert layout.articles[1].paragraphs == [THIRD]


def askew_box(read, height, overshoot=10):
    """``read`` as the engine boxes a line on a page it levelled: taller than the type, each
    box by its own share, and reaching a little further at both ends."""
    left, top, right, bottom = read.box
    middle = (top + bottom) / 2
    return replace(
        read, box=(left - overshoot, middle - height / 2, right + overshoot, middle + height / 2)
    )


def test_on_a_levelled_page_lines_boxed_taller_than_their_type_are_one_size():
    """Two articles side by side on a page read askew and levelled (Recognition.skew): every
    box a third or so taller than the type, some more than others, and a little wider. By
    their height, some lines were their type's size and some a third larger, and each column
    fell apart into pieces; by their width over their characters they are one size."""
    left, _ = column([FIRST, SECOND, THIRD], 40, 130)
    right, _ = column([SECOND, FIRST], 440, 130)
    heights = [29, 29, 27, 29, 29.5, 27.2, 29]
    lines = [
        line("第一篇的标题在这里", 40, 60, size=40),
        line("第二篇标题", 500, 80, size=40),
        *(askew_box(read, heights[n % 7]) for n, read in enumerate(left + right)),
    ]
    recognition = replace(recognise(lines), skew=2.0)
    layout = lay_out(recognition)
    assert [story.headline for story in layout.articles] == ["第一篇的标题在这里", "第二篇标题"]
    assert layout.articles[0].paragraphs == [FIRST, SECOND, THIRD]
    assert layout.articles[1].paragraphs == [SECOND, FIRST]
