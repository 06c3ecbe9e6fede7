"""Newspaper pages whose text is known: typeset with Pillow and the Noto CJK fonts.

For the OCR tests (tests/paper/test_ocr_engine.py) and bench/ocr_accuracy.py. A page is set in
columns, as a daily prints it: each article a headline (large, often across several columns;
one too long for a line wrapped into lines of about one length), maybe a kicker above it and a
subheadline below, body paragraphs with a two-character first-line indent, and a trailing
byline such as （本报记者 王晓）; a column of lost-certificate notices (遗失声明) down the
right. It is rasterised at 300 dpi by default, so that sizes in points are those of print
(body 9 pt is about 37 px).
"""

import os
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from paper.ocr.lines import union

FONTS = "/usr/share/fonts/opentype/noto/"
SERIF = FONTS + "NotoSerifCJK-Regular.ttc"
SERIF_BOLD = FONTS + "NotoSerifCJK-Bold.ttc"
SANS = FONTS + "NotoSansCJK-Regular.ttc"
SANS_BOLD = FONTS + "NotoSansCJK-Bold.ttc"
SC = 2  # the Simplified Chinese face in each collection


def cjk_font(path, size):
    """The Simplified Chinese face of a Noto CJK collection (Debian's fonts-noto-cjk), ``size``
    pixels. A test on a machine without the fonts is skipped, as the browser tests are; CI
    installs them and runs every test (FAIL_ON_SKIP)."""
    if not os.path.exists(path):
        import pytest

        pytest.skip(f"needs Debian's fonts-noto-cjk ({path} is missing)")
    return ImageFont.truetype(path, size, index=SC)


# Half-width punctuation as exports have it → what a Chinese page prints.
PRINTED = str.maketrans(
    {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
)
# Characters a line must not begin with (kinsoku): they stay at the end of the line before.
NO_START = set("，。、；：！？）》”’」』】,.;:!?)")
# Characters a line must not end with: opening brackets go to the start of the next line.
NO_END = set("（《“‘「『【(")

PAPER = (250, 248, 242)
INK = (25, 25, 25)


def printed(text):
    return text.translate(PRINTED)


@dataclass
class TypesetLine:
    text: str  # as the archive keeps it (half-width ,:;())
    box: tuple  # (left, top, right, bottom) in px
    kind: str  # headline, kicker, subheadline, body, byline, notice_title, notice, vertical
    article: int | None = None  # index into TypesetPage.articles
    notice: int | None = None  # index into TypesetPage.notices
    paragraph_start: bool = False


@dataclass
class TypesetArticle:
    headline: str
    kicker: str = ""
    subheadline: str = ""
    paragraphs: list = field(default_factory=list)
    byline: str = ""
    box: tuple = (0, 0, 0, 0)
    headline_box: tuple = (0, 0, 0, 0)


@dataclass
class TypesetNotice:
    text: str
    box: tuple = (0, 0, 0, 0)


@dataclass
class TypesetPage:
    picture: Image.Image
    lines: list
    articles: list
    notices: list
    dpi: int

    @property
    def text(self):
        """The page's text in reading order, a line per printed line."""
        return "\n".join(line.text for line in self.lines)


class _Setter:
    def __init__(self, draw, dpi):
        self.draw = draw
        self.dpi = dpi
        self.fonts = {}
        self.pending = []  # what write() placed, drawn by commit()

    def px(self, points):
        return round(points * self.dpi / 72)

    def font(self, path, points):
        key = (path, points)
        if key not in self.fonts:
            self.fonts[key] = cjk_font(path, self.px(points))
        return self.fonts[key]

    def breaks(self, text, font, width, indent=0):
        """``text`` (as printed) broken into lines no wider than ``width``: (start, end)."""
        lines, start, x = [], 0, indent
        for n, char in enumerate(text):
            advance = font.getlength(char)
            if x + advance > width and n > start and char not in NO_START:
                cut = n - 1 if text[n - 1] in NO_END and n - 1 > start else n
                lines.append((start, cut))
                start, x = cut, font.getlength(text[cut:n])
            x += advance
        if start < len(text):
            lines.append((start, len(text)))
        return lines

    def balanced_breaks(self, text, font, width):
        """``text`` in as few lines as ``breaks`` makes of it, but as even as they can be: a
        headline that wraps is set in lines of about one length, as a subeditor sets it, not
        with a word or a single character left on a line of its own."""
        spans = self.breaks(text, font, width)
        if len(spans) < 2:
            return spans
        low, high = font.getlength(text) / len(spans), width
        while high - low > 1:
            middle = (low + high) / 2
            if len(self.breaks(text, font, middle)) > len(spans):
                low = middle
            else:
                high = middle
        return self.breaks(text, font, high)

    def write(self, x, y, text, font, fill=INK):
        """Places one line (drawn by ``commit``); returns its ink box (left, top, right,
        bottom)."""
        self.pending.append(((x, y), text, font, fill))
        return tuple(self.draw.textbbox((x, y), text, font=font))

    def commit(self):
        for position, text, font, fill in self.pending:
            self.draw.text(position, text, font=font, fill=fill)
        self.pending = []

    def discard(self):
        self.pending = []


def typeset_page(
    articles,
    notices=(),
    *,
    width_mm=350,
    height_mm=500,
    columns=6,
    dpi=300,
    body_points=9.5,
    seed=0,
    masthead="",
):
    """A page with ``articles`` (dicts: headline, and optionally kicker, subheadline,
    paragraphs (a list of str), byline) set in ``columns`` columns, and ``notices`` (str) in a
    column of their own on the right. Articles that do not fit on the page are left out."""
    rng = random.Random(seed)
    width, height = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    picture = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(picture)
    setter = _Setter(draw, dpi)
    margin = setter.px(36)
    gutter = setter.px(11)
    body = setter.font(SERIF, body_points)
    leading = round(body.size * 1.55)
    lines, placed, placed_notices = [], [], []
    top = margin
    if masthead:
        font = setter.font(SANS_BOLD, 40)
        box = setter.write(margin, top, masthead, font)
        lines.append(TypesetLine(masthead, box, "masthead"))
        setter.commit()
        top = box[3] + setter.px(14)
        draw.line([(margin, top), (width - margin, top)], fill=INK, width=max(2, dpi // 100))
        top += setter.px(10)
    bottom = height - margin
    text_columns = columns - 1 if notices else columns
    column_width = (width - 2 * margin - (columns - 1) * gutter) / columns
    column_left = [margin + k * (column_width + gutter) for k in range(columns)]

    # The notices column: a heading, then one notice after another, a rule between them.
    if notices:
        x = column_left[-1]
        rule_x = x - gutter / 2
        draw.line([(rule_x, top), (rule_x, bottom)], fill=INK, width=max(1, dpi // 150))
        heading = setter.font(SANS_BOLD, 16)
        box = setter.write(
            x + (column_width - heading.getlength("遗失声明")) / 2, top, "遗失声明", heading
        )
        lines.append(TypesetLine("遗失声明", box, "notice_title"))
        y = box[3] + setter.px(10)
        small = setter.font(SERIF, 8.5)
        small_leading = round(small.size * 1.5)
        for text in notices:
            shown = printed(text)
            spans = setter.breaks(shown, small, column_width, indent=small.size * 2)
            if y + len(spans) * small_leading > bottom:
                break
            index = len(placed_notices)
            boxes = []
            for k, (start, end) in enumerate(spans):
                indent = small.size * 2 if k == 0 else 0
                box = setter.write(x + indent, y, shown[start:end], small)
                boxes.append(box)
                lines.append(
                    TypesetLine(
                        text[start:end], box, "notice", notice=index, paragraph_start=k == 0
                    )
                )
                y += small_leading
            placed_notices.append(TypesetNotice(text, union(boxes)))
            y += setter.px(4)
            draw.line([(x, y), (x + column_width, y)], fill=(120, 120, 120), width=1)
            y += setter.px(6)
        setter.commit()

    # Articles: each over a span of columns, put where the columns it spans end highest.
    floor = [top] * text_columns
    for article in articles:
        span = article.get("span") or min(text_columns, rng.choice((1, 2, 2, 3, 3, 4)))
        span = min(span, text_columns)
        choices = range(text_columns - span + 1)
        first = min(choices, key=lambda k: (max(floor[k : k + span]), k))
        y = max(floor[first : first + span])
        x0 = column_left[first]
        x1 = column_left[first + span - 1] + column_width
        result = _set_article(
            setter,
            article,
            x0,
            x1,
            y,
            bottom,
            span,
            column_width,
            gutter,
            body,
            leading,
            len(placed),
        )
        if result is None:
            setter.discard()
            continue
        setter.commit()
        article_lines, typeset_article, end = result
        placed.append(typeset_article)
        lines.extend(article_lines)
        for k in range(first, first + span):
            floor[k] = end + setter.px(14)
        rule_y = end + setter.px(7)
        draw.line([(x0, rule_y), (x1, rule_y)], fill=(90, 90, 90), width=max(1, dpi // 150))
    return TypesetPage(picture, lines, placed, placed_notices, dpi)


def _set_article(
    setter, article, x0, x1, y, bottom, span, column_width, gutter, body, leading, index
):
    """One article from ``y`` down between x0 and x1; None when it does not fit."""
    lines = []
    kicker, subheadline = article.get("kicker", ""), article.get("subheadline", "")
    headline = article["headline"]
    width = x1 - x0
    # The headline as large as fits the span on one line, between 16 and 36 points.
    points = 36 if span > 2 else 24
    while points > 14:
        font = setter.font(SANS_BOLD, points)
        if font.getlength(printed(headline)) <= width:
            break
        points -= 2
    heads = []
    if kicker:
        font_k = setter.font(SANS, 11)
        box = setter.write(
            x0 + (width - font_k.getlength(printed(kicker))) / 2, y, printed(kicker), font_k
        )
        heads.append(TypesetLine(kicker, box, "kicker", index))
        y = box[3] + setter.px(6)
    spans = setter.balanced_breaks(printed(headline), font, width)
    headline_boxes = []
    for start, end in spans:
        text = printed(headline)[start:end]
        box = setter.write(x0 + (width - font.getlength(text)) / 2, y, text, font)
        heads.append(TypesetLine(headline[start:end], box, "headline", index))
        headline_boxes.append(box)
        y = box[3] + setter.px(5)
    if subheadline:
        font_s = setter.font(SANS, 13)
        box = setter.write(
            x0 + (width - font_s.getlength(printed(subheadline))) / 2,
            y + 4,
            printed(subheadline),
            font_s,
        )
        heads.append(TypesetLine(subheadline, box, "subheadline", index))
        y = box[3]
    y += setter.px(10)
    # Body paragraphs flowing down the columns of the span, then the byline.
    rows = []  # (text as archived, printed, indent, kind, paragraph start)
    for paragraph in article.get("paragraphs", []):
        shown = printed(paragraph)
        for k, (start, end) in enumerate(
            setter.breaks(shown, body, column_width, indent=2 * body.size)
        ):
            rows.append(
                (
                    paragraph[start:end],
                    shown[start:end],
                    2 * body.size if k == 0 else 0,
                    "body",
                    k == 0,
                )
            )
    byline = article.get("byline", "")
    if byline:
        rows.append((byline, printed(byline), 2 * body.size, "byline", True))
    per_column = -(-len(rows) // span)
    if y + per_column * leading > bottom or not rows:
        if not rows or y + 3 * leading > bottom:
            return None
        per_column = max(1, int((bottom - y) // leading))
        rows = rows[: per_column * span]  # what does not fit is cut, as papers jump it
    end = y
    for k, (text, shown, indent, kind, starts) in enumerate(rows):
        column, row = divmod(k, per_column)
        x = x0 + column * (column_width + gutter) + indent
        line_y = y + row * leading
        box = setter.write(x, line_y, shown, body)
        lines.append(TypesetLine(text, box, kind, index, paragraph_start=starts))
        end = max(end, box[3])
    body_lines = [line for line in lines if line.kind == "body"]
    typeset = TypesetArticle(
        headline=headline,
        kicker=kicker,
        subheadline=subheadline,
        paragraphs=_paragraphs(body_lines),
        byline=byline if any(line.kind == "byline" for line in lines) else "",
        box=union(line.box for line in heads + lines),
        headline_box=union(headline_boxes),
    )
    return heads + lines, typeset, end


def _paragraphs(lines):
    paragraphs = []
    for line in lines:
        if line.paragraph_start or not paragraphs:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] += line.text
    return paragraphs


def vertical_column(text, *, points=20, dpi=300, margin=60, spacing=0.12, font_path=SERIF):
    """``text`` printed as one vertical column (characters stacked top to bottom) on a small
    page: the picture and its one TypesetLine (kind "vertical")."""
    font = cjk_font(font_path, round(points * dpi / 72))
    size = font.size
    step = round(size * (1 + spacing))
    shown = printed(text)
    height = 2 * margin + step * len(shown)
    picture = Image.new("RGB", (size + 2 * margin, height), PAPER)
    draw = ImageDraw.Draw(picture)
    boxes = []
    for k, char in enumerate(shown):
        x = margin + (size - font.getlength(char)) / 2
        draw.text((x, margin + k * step), char, font=font, fill=INK)
        boxes.append(draw.textbbox((x, margin + k * step), char, font=font))
    return picture, TypesetLine(text, union(boxes), "vertical")


def vertical_page(texts, *, points=16, dpi=300, margin=60):
    """Several vertical columns side by side, read right to left as older pages print them:
    the picture and a TypesetLine (kind "vertical") per column, in reading order."""
    columns = [vertical_column(text, points=points, dpi=dpi, margin=margin) for text in texts]
    size = round(points * dpi / 72)
    step = round(size * 1.8)
    width = 2 * margin + step * len(columns)
    height = max(picture.height for picture, _ in columns)
    page = Image.new("RGB", (width, height), PAPER)
    lines = []
    for k, (picture, line) in enumerate(columns):
        x = width - margin - size - k * step - margin  # the column picture has its own margin
        page.paste(picture, (x, 0))
        left, top, right, bottom = line.box
        lines.append(TypesetLine(line.text, (left + x, top, right + x, bottom), "vertical"))
    return page, lines


def sample_articles(export_text):
    """The articles and notices of a page export (as in sample/page-export-*.txt): articles
    from its ``#`` headlines, lost-certificate notices from lines with 声明作废."""
    articles, notices = [], []
    current = None
    for raw in export_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("==="):
            continue
        if line.startswith("#"):
            current = {"headline": line.lstrip("#").strip(), "paragraphs": []}
            articles.append(current)
        elif "声明作废" in line and "遗失" in line:
            notices.extend(part + "声明作废。" for part in line.split("声明作废。") if part)
        elif current is not None:
            if line.startswith("(") and line.endswith(")") and len(line) < 12:
                current["byline"] = line
            else:
                current["paragraphs"].append(line)
    return articles, notices


# --- Scoring a reading against the truth ------------------------------------------------------


def _overlap(a, b):
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0


def _bare(text):
    return "".join(text.split())


def match_lines(truth, read):
    """Each recognised line (``read``: objects with .text and .box) given to the true line
    (``truth``: the same) it overlaps most: {truth index: [read lines, left to right]} and the
    read lines that overlap none."""
    matched, stray = {}, []
    for line in read:
        area = max(1, (line.box[2] - line.box[0]) * (line.box[3] - line.box[1]))
        best = max(range(len(truth)), key=lambda k: _overlap(truth[k].box, line.box), default=None)
        if best is None or _overlap(truth[best].box, line.box) < 0.2 * area:
            stray.append(line)
        else:
            matched.setdefault(best, []).append(line)
    for lines in matched.values():
        lines.sort(
            key=lambda line: (
                line.box[1] if line.box[3] - line.box[1] > 2 * (line.box[2] - line.box[0]) else 0,
                line.box[0],
            )
        )
    return matched, stray


def character_errors(truth, read):
    """(errors, characters): the Levenshtein distance between each true line and what was read
    where it is printed, plus every character read where nothing is printed; and the number of
    true characters. Whitespace is left out on both sides and reading order does not count.

    Each character read (each word, for an engine without character boxes) goes to the true line
    its box overlaps most, so that a line the engine cut in two, or two lines it read as one,
    are still compared with what is printed there.
    """
    from rapidfuzz.distance import Levenshtein

    pieces = {}  # true line index → [(position, text)]
    errors = 0
    for line in read:
        vertical = line.box[3] - line.box[1] > 2 * (line.box[2] - line.box[0])
        for char in line.chars or (line,):
            text = _bare(char.text)
            if not text:
                continue
            area = max(1, (char.box[2] - char.box[0]) * (char.box[3] - char.box[1]))
            best = max(
                range(len(truth)), key=lambda k: _overlap(truth[k].box, char.box), default=None
            )
            if best is None:
                errors += len(text)
                continue
            printed_box = truth[best].box
            printed_area = max(
                1, (printed_box[2] - printed_box[0]) * (printed_box[3] - printed_box[1])
            )
            # A quotation mark's or a dash's ink is far smaller than the cell it is read in.
            if _overlap(printed_box, char.box) < 0.2 * min(area, printed_area):
                errors += len(text)
                continue
            position = char.box[1] if vertical else char.box[0]
            pieces.setdefault(best, []).append((position, text))
    characters = 0
    for k, line in enumerate(truth):
        expected = _bare(line.text)
        got = "".join(text for _, text in sorted(pieces.get(k, []), key=lambda p: p[0]))
        errors += Levenshtein.distance(expected, got)
        characters += len(expected)
    return errors, characters
