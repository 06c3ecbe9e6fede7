"""From recognised lines to what a page prints: reading order, blocks, articles and notices.

Pure functions over a paper.ocr.lines.Recognition, no database. The page is read the way a
Chinese broadsheet is set:

- lines of one size and one column, one under the other, make a *stack* (a piece of a column);
  lines clearly taller than the page's body text are display lines, and display lines one under
  the other make a *head*: the tallest are the headline, smaller ones above it the kicker (引题),
  below it the subheadline (副题). A smaller display line inside a column is a heading (小标题);
- each stack belongs to the nearest head above it that it stands under (or to a neighbour
  column's, for a headline shorter than its article is wide); stacks under no head are read
  together as a headless piece, such as a notices column or text carried over from another page;
- an article is read head first, then its stacks by recursive cuts (bands top to bottom, columns
  left to right, top to bottom in a column); the articles of the page in the same way;
- paragraphs break where a first line is indented, a line ends short or lines stand apart; a
  short stack under an empty stretch (a picture) is its caption; a byline line such as
  （本报记者 王晓） or 本报记者 王晓 通讯员 李明 opening or closing an article is its byline;
- vertical text is read in a frame turned a quarter turn, where its columns (read right to
  left) become lines read top to bottom, so the same rules apply.

An engine may read a row of neighbouring columns as one line; ``split_at_gutters`` cuts such
lines where their characters' boxes show the gutter. It is for whoever holds the recognition
(the engine) to call first: the layout's line indices are into the recognition it is given.

Which pieces are notices is not decided here: each piece becomes a paper.importing Section, and
the registered import parts claim theirs (the notices part claims 遗失声明 and the like), as they
do for a day's export. Only what the article part keeps is an article of the layout.
"""

import re
import statistics
from dataclasses import dataclass, field, replace

from paper.importing.parsing import NUMBERED_SECTION, Heading, Paragraph, Section
from paper.importing.parts import part_for, registered_parts

from .lines import Box, Line, confidence_of, union

# Sizes, as multiples of the page's body text height (its median line height).
DISPLAY_RATIO = 1.25  # taller than this: a display line (headline, kicker, subheadline, heading)
HEADLINE_RATIO = 1.6  # a head whose tallest line is below this is a heading, unless it heads text
KICKER_RATIO = 1.1  # a line right above a head this much larger than the body is its kicker
HEADLINE_TIER = 0.8  # the lines of a head within this share of its largest are the headline
MIN_BODY_CHARS = 4  # lines this long or longer measure the body text
TALL_BOX = 0.8  # a box this much taller than its characters are wide is taller than its type
PITCH_CHARS = 4  # on a levelled page, a line this long is as large as its width over them
STACK_GAP = 1.2  # lines of one stack stand at most this far apart
HEAD_GAP = 1.5  # lines of one head stand at most this far apart
HEIGHT_TOLERANCE = 0.2  # lines of one stack differ in height by at most this
ALIGN = 1.0  # edges of a stack's lines agree within this
INDENT = 1.0  # a first line set in by more than this opens a paragraph (two characters, usually)
MAX_INDENT = 3.5  # a line set in more than this from a stack's left edge is not on it
SHORT_LINE = 1.5  # a line ending this far short of its column's right edge ends its paragraph
JUSTIFIED_SHARE = 0.5  # a column with this share of its lines reaching its right edge is justified
PARAGRAPH_GAP = 0.8  # lines of a stack this far apart are in different paragraphs
# A smaller head this close under text of its column is a heading in it, not a new headline.
HEADING_GAP = 1.2
SPANNING = 1.3  # a head this much wider than the page's columns stands across columns
MIN_COLUMN_LINES = 3  # stacks of this many lines or more measure the columns' width
# An article's text runs on below a gap across all its columns this tall (a picture, a rule):
# smaller, it is a row the engine lost.
BAND_GAP = 2.5
PICTURE_GAP = 4.0  # an empty stretch this tall above a short stack: a picture, and its caption
CAPTION_MAX_LINES = 3
NEIGHBOUR_GAP = 3.0  # a gutter at most this wide: columns side by side belong together
ROW_TOLERANCE = 1.5  # stacks whose tops differ by at most this start in one row
HEAD_REACH = 3.0  # a head reaches text this far beside it (or half its own width, if more)
BRIDGE_WIDTH = 1.5  # a box this much wider than most in its region may run across a gutter
GUTTER_GAP = 0.8  # characters of a line this far apart (in characters) stand across a gutter
SPACED_GUTTER_GAP = 1.5  # the same, with a space read between them
WEAK_GUTTER_GAP = 0.15  # the same, where the lines around leave a gutter
# Two characters of display type this far apart (in characters), neither of them punctuation,
# in a line whose characters otherwise stand close: two headlines of neighbouring columns side
# by side, read as one line. Within a headline set solid only punctuation leaves such a gap
# (its ink is on one side of its cell), and a space between words about 0.3.
DISPLAY_GUTTER_GAP = 0.4
SPREAD = 3.0  # ... and at least this many times the line's usual gap (a spaced-out headline)
PUNCTUATION = set("，。、；：！？,.;:!?“”‘’「」『』《》〈〉（）()【】[]—–-…·")
FULL_LINE = 0.8  # that much of the usual line's length: a whole line of its column
GUTTER_COVERAGE = 0.1  # where at most this share of the lines around reach: a gutter
# The masthead, the folio and the date line stand in these shares of the page's height.
EDGE_BAND = 0.06

FOLIO = re.compile(r"[-—–·\s]*(?:第\s*\d{1,3}\s*版|[A-Z]\d{2}\s*版?|\d{1,3})[-—–·\s]*")
HEADER_WORDS = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期|星期[一二三四五六日天]|责任编辑|美术编辑|美编"
    r"|校对|组版|版式|第\s*\d+\s*期"
)
# The date line's date, read as a line of its own (the engine cut it off the rest).
HEADER_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期[一二三四五六日天])?\s*(?:农历\S*)?"
)
# The paper's name, as a masthead or beside the folio: a short line of its own.
MASTHEAD = re.compile(r"[\u4e00-\u9fff]{2,4}(?:日报|晚报)")
MASTHEAD_LENGTH = 8
SYMBOLS_ONLY = re.compile(r"[\W_]*")
BYLINE_ROLE = r"(?:本报|特约|见习|实习|首席)?(?:记者|通讯员|实习生|编辑|摄影|撰稿|整理)"
NAME = r"[\u4e00-\u9fff·]{2,5}"
NAMES = rf"{NAME}(?:\s*[、,,]\s*{NAME})*"
# 本报记者 王晓 通讯员 李明, 文/图 王晓, 记者王晓 摄; in parentheses or square brackets too.
BYLINE_LINE = re.compile(
    rf"[□■◎●▲\s]*[(\uff08【\[]?\s*"
    rf"(?:(?:{BYLINE_ROLE}|文\s*/\s*图|文|图)\s*[::]?\s*{NAMES}\s*(?:摄)?\s*)+"
    rf"[)\uff09】\]]?\s*"
)
# (孙文琦) closing an article: a name, or names, in parentheses.
BRACKETED_NAME = re.compile(rf"\s*[(\uff08]\s*{NAMES}\s*[)\uff09]\s*")
SOURCE = re.compile(
    r"(?P<source>本报讯|据新华社电|据[\u4e00-\u9fff]{1,8}?(?:社|报|网)(?:电|报道|消息)"
    r"|新华社[\u4e00-\u9fff]{1,6}\d{1,2}月\d{1,2}日电)"
)
FULL_WIDTH_PRINTED = set(",:;!?()")
SENTENCE_ENDS = "。!?\uff01\uff1f…”」』)\uff09"


@dataclass
class Block:
    """Lines read as one piece: a headline, a paragraph's part in one column, a byline …

    ``kind`` is one of KINDS; ``lines`` are indices into the recognition's lines, in reading
    order; ``article`` is the index of the article in Layout.articles, or None (notices,
    headless text, a headline without text). A paragraph carried from one column into the next
    is two blocks, the second ``continues`` the first. ``heading`` marks a heading inside an
    article's body (小标题, kind "body").
    """

    kind: str
    box: Box
    lines: list
    article: int | None = None
    continues: bool = False
    heading: bool = False

    def to_json(self):
        data = {
            "kind": self.kind,
            "box": [round(value, 1) for value in self.box],
            "lines": list(self.lines),
            "article": self.article,
        }
        if self.heading:
            data["heading"] = True
        if self.continues:
            data["continues"] = True
        return data


KINDS = ("headline", "kicker", "subheadline", "body", "byline", "caption", "notice")


@dataclass
class Story:
    """An article as laid out: its parts as text, where it stands and how sure the reading is."""

    headline: str
    kicker: str = ""
    subheadline: str = ""
    paragraphs: list = field(default_factory=list)  # texts; a heading is "## " and its text
    byline: str = ""
    source: str = ""  # 本报讯 … opening its first paragraph (left in the paragraph's text too)
    captions: list = field(default_factory=list)
    box: Box = (0, 0, 0, 0)
    zones: list = field(default_factory=list)  # boxes covering it, as few as need be
    confidence: float | None = None
    low_confidence: list = field(default_factory=list)  # line indices
    lines: list = field(default_factory=list)  # in reading order
    blocks: list = field(default_factory=list)  # indices into Layout.blocks
    line: int = 0  # its section's ``line``: what the article part's reading says it came from


@dataclass
class Layout:
    """What the page prints, in reading order: blocks, and the articles they make up.

    ``sections`` are the pieces as paper.importing Sections (paragraph ``line`` = the
    recognised line index + 1), each with the part that reads it set: articles and notices
    alike, for the import parts to read (see ``paper.ocr.drafts``).
    """

    width: int
    height: int
    blocks: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    order: list = field(default_factory=list)  # every line read, in reading order
    noise: list = field(default_factory=list)  # lines left out: folio, date line, specks
    body_height: float = 0.0
    recognition: object = None  # the one laid out, which the line indices point into

    def blocks_of(self, lines):
        """The blocks holding any of ``lines`` (indices), in reading order."""
        wanted = set(lines)
        return [block for block in self.blocks if wanted.intersection(block.lines)]

    def import_sections(self, page):
        """Copies of ``sections`` on the page coded ``page`` (A03), for the parts to read."""
        copies = []
        for section in self.sections:
            body = [
                Paragraph(item.text, item.line, item.last_line, page)
                if isinstance(item, Paragraph)
                else Heading(item.text, item.line)
                for item in section.body
            ]
            copies.append(Section(section.headline, section.line, page, body, section.part))
        return copies

    def story_at(self, line):
        """The article whose section starts at ``line`` (a Section's or a parsed article's)."""
        return next((story for story in self.articles if story.line == line), None)

    def to_json(self):
        return {"blocks": [block.to_json() for block in self.blocks]}


# --- Lines ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    """A recognised line in the frame it is read in (turned for vertical text)."""

    index: int
    text: str
    box: Box
    levelled: bool = False  # read on a page the engine levelled (Recognition.skew)

    @property
    def left(self):
        return self.box[0]

    @property
    def top(self):
        return self.box[1]

    @property
    def right(self):
        return self.box[2]

    @property
    def bottom(self):
        return self.box[3]

    @property
    def height(self):
        return self.box[3] - self.box[1]

    @property
    def width(self):
        return self.box[2] - self.box[0]

    @property
    def size(self):
        """The type size: the box's height, unless its width says it is much less.

        An engine's box of a short line is often taller than its type (告。 boxed with the
        stroke of its full stop); a line's width over its characters is the size of full-width
        type, half that for Latin letters and digits.

        On a page the engine levelled, its boxes were found on the page askew and are taller
        than the type by a fifth or so, each by its own share: the size of a line of a few
        characters or more is its width over its characters (as printed, ，full-width), as
        long as that is less than its height.
        """
        ems = _ems(self.text)
        if ems < 1:
            return self.height
        if self.levelled and _printed_ems(self.text) >= PITCH_CHARS:
            return min(self.height, self.width / _printed_ems(self.text))
        return (
            min(self.height, self.width / ems)
            if self.width / ems < TALL_BOX * self.height
            else self.height
        )


def _ems(text):
    """How many characters wide ``text`` is set: full-width ones 1, Latin letters and digits ½."""
    return sum(0.5 if char.isascii() else 1.0 for char in text if not char.isspace())


def _printed_ems(text):
    """``_ems``, with punctuation the engine gives half-width (,:;!?()) full-width as printed."""
    return _ems(text) + sum(0.5 for char in text if char in FULL_WIDTH_PRINTED)


def _type_size(line):
    """The size of a display line's type: its width over its characters where it has a few
    (display type is set solid, and an engine boxes it taller or shorter than its type by a
    fifth either way), its box's height otherwise. Punctuation the engine gives half-width
    as the archive keeps it (,:;!?()) is printed full-width."""
    ems = _printed_ems(line.text)
    return line.width / ems if ems >= 3 else line.height


def _overlap(a, b, axis=0):
    """How far boxes ``a`` and ``b`` overlap along x (``axis`` 0) or y (1)."""
    return min(a[axis + 2], b[axis + 2]) - max(a[axis], b[axis])


def _is_noise(line, height):
    text = line.text.strip()
    if not text:
        return True
    at_edge = line.box[1] < EDGE_BAND * height or line.box[3] > (1 - EDGE_BAND) * height
    return at_edge and bool(
        FOLIO.fullmatch(text)
        or HEADER_DATE.fullmatch(text)
        or HEADER_WORDS.search(text)
        or (len(text) <= MASTHEAD_LENGTH and MASTHEAD.search(text))
    )


def _noise(lines, height):
    """The lines that are no content: empty, the folio, the date line and what stands beside them
    at the top or the foot of the page (the page's name, 综合)."""
    noise = [i for i, line in enumerate(lines) if _is_noise(line, height)]
    rows = [lines[i].box for i in noise if lines[i].text.strip()]
    for i, line in enumerate(lines):
        at_edge = line.box[1] < EDGE_BAND * height or line.box[3] > (1 - EDGE_BAND) * height
        if (
            i not in noise
            and at_edge
            and len(line.text.strip()) <= 6
            and any(_overlap(box, line.box, axis=1) > 0 for box in rows)
        ):
            noise.append(i)
    return noise


class _Frame:
    """Turns boxes into the frame lines are read in, and back: vertical text a quarter turn."""

    def __init__(self, width, vertical):
        self.width, self.vertical = width, vertical

    def inward(self, box):
        left, top, right, bottom = box
        return (top, self.width - right, bottom, self.width - left) if self.vertical else box

    def outward(self, box):
        left, top, right, bottom = box
        return (self.width - bottom, left, self.width - top, right) if self.vertical else box


# --- Stacks and heads ----------------------------------------------------------------------------


@dataclass
class _Stack:
    lines: list  # _Line
    display: bool
    heading: bool = False
    caption: bool = False
    head: object = None  # the _Stack (a head) it stands under

    @property
    def box(self):
        return union(line.box for line in self.lines)

    @property
    def line_height(self):
        return statistics.median(line.size for line in self.lines)

    @property
    def text_length(self):
        return sum(len(line.text.strip()) for line in self.lines)


def _joins(stack, line, body, display):
    """Whether ``line`` goes on ``stack``, whose last line is the nearest above it."""
    if stack.display != display:
        return False
    last = stack.lines[-1]
    gap = line.top - last.bottom
    if display:
        return gap <= HEAD_GAP * body
    if gap > STACK_GAP * body or abs(line.size - stack.line_height) > HEIGHT_TOLERANCE * body:
        return False
    left, _, right, _ = stack.box
    if abs(line.left - left) <= ALIGN * body:
        return line.right <= right + MAX_INDENT * body
    return left - MAX_INDENT * body <= line.left <= left + MAX_INDENT * body and (
        line.right <= right + ALIGN * body
    )


def _stacks(lines, body):
    stacks = []
    for line in sorted(lines, key=lambda line: (line.top, line.left)):
        display = line.size >= DISPLAY_RATIO * body
        above = [
            stack
            for stack in stacks
            if stack.lines[-1].bottom <= line.top + 0.5 * body
            and _overlap(stack.box, line.box) > 0.3 * min(line.width, stack.box[2] - stack.box[0])
        ]
        nearest = max(above, key=lambda stack: stack.lines[-1].bottom, default=None)
        if nearest and _joins(nearest, line, body, display):
            nearest.lines.append(line)
        else:
            stacks.append(_Stack([line], display))
    return stacks


def _is_speck(stack):
    """A line on its own of one character or of symbols only: a speck, a rule, an ornament.

    On a stack, the same line is the end of a paragraph (。 or 祝贺。).
    """
    text = stack.lines[0].text.strip()
    return len(stack.lines) == 1 and (len(text) <= 1 or bool(SYMBOLS_ONLY.fullmatch(text)))


def _head_parts(head):
    """(kicker, headline, subheadline) lines of a head, by their size.

    A line's size here is the smaller of its height and its width over its characters (an
    engine boxes some lines taller than others of the same type); the size to match is the
    largest of lines of a few characters (one of one or two, 体系 ending a headline in three
    lines, is boxed wider and taller than its type).
    """
    sizes = [
        min(line.height, line.width / _ems(line.text)) if _ems(line.text) >= 1 else line.height
        for line in head.lines
    ]
    measured = [size for size, line in zip(sizes, head.lines, strict=True) if _ems(line.text) >= 3]
    tallest = max(measured or sizes)
    tier = [i for i, size in enumerate(sizes) if size >= HEADLINE_TIER * tallest]
    first, last = tier[0], tier[-1]
    return head.lines[:first], head.lines[first : last + 1], head.lines[last + 1 :]


def _join_kickers(stacks, heads, body):
    """Stacks that are a kicker no larger (or only a little larger) than the body, joined to
    the head under them: a single line, no wider than the head, right above it, a little
    larger than the body or centred over the head (a column's last line is neither).
    """
    joined = []
    for head in heads:
        top = head.lines[0]
        for stack in stacks:
            line = stack.lines[0]
            if (
                not stack.display
                and not stack.heading
                and len(stack.lines) == 1
                and 0 <= top.top - line.bottom <= HEAD_GAP * body
                and _overlap(line.box, head.box) >= 0.9 * line.width
                and line.width < head.box[2] - head.box[0]
                and (line.size >= KICKER_RATIO * body or _centred(line.box, head.box))
            ):
                head.lines.insert(0, line)
                joined.append(stack)
                break
    return [stack for stack in stacks if all(stack is not other for other in joined)]


def _centred(box, over):
    """Whether ``box`` stands centred over ``over`` (within a tenth of its width)."""
    return abs((box[0] + box[2]) / 2 - (over[0] + over[2]) / 2) <= 0.1 * (over[2] - over[0])


def _is_heading(head, stacks, body):
    """Whether a head of smaller display lines is a heading (小标题) inside a column of text.

    A numbered head (一、 …) is one, unless it stands across more than one column: a heading
    is set in its column, a headline over the columns of its article.
    """
    if max(_type_size(line) for line in head.lines) >= HEADLINE_RATIO * body:
        return False
    box = head.box
    text = "".join(line.text for line in head.lines).strip()
    if NUMBERED_SECTION.match(text):
        return box[2] - box[0] <= SPANNING * _column_width(stacks)
    return any(
        not stack.display
        and 0 <= box[1] - stack.box[3] <= HEADING_GAP * body
        and _overlap(stack.box, box) >= 0.8 * (box[2] - box[0])
        and box[2] - box[0] <= 1.3 * (stack.box[2] - stack.box[0])
        for stack in stacks
    )


def _column_width(stacks):
    """How wide the page's columns of text usually are: its stacks of a few lines or more."""
    widths = [
        stack.box[2] - stack.box[0]
        for stack in stacks
        if not stack.display and len(stack.lines) >= MIN_COLUMN_LINES
    ]
    return statistics.median(widths) if widths else float("inf")


def _above(stack, others, body):
    """The element directly above ``stack`` in its column (overlapping it), or None."""
    box = stack.box
    candidates = [
        other
        for other in others
        if other is not stack
        and other.box[3] <= box[1] + 0.5 * body
        and _overlap(other.box, box) > 0
    ]
    return max(candidates, key=lambda other: other.box[3], default=None)


def _mark_captions(stacks, body):
    content_top = min(stack.box[1] for stack in stacks)
    for stack in stacks:
        if stack.display or stack.heading or len(stack.lines) > CAPTION_MAX_LINES:
            continue
        above = _above(stack, stacks, body)
        ceiling = above.box[3] if above else content_top
        stack.caption = stack.box[1] - ceiling >= PICTURE_GAP * body


def _assign(stacks, heads, body):
    """Each stack of text under the head it belongs to (``stack.head``), where there is one.

    The head of a stack is one standing between it and the text above it in its column (one
    over it rather than beside it, then the nearest above, then the one more over it), reaching
    it: overlapping it, or near enough for a headline
    centred over more columns than its text covers. With no head between, a stack goes on
    the article of the text above it.
    """
    texts = sorted((stack for stack in stacks if not stack.display), key=lambda s: s.box[1])
    for stack in texts:
        box = stack.box
        above = max(
            (
                other
                for other in texts
                if other is not stack
                and other.box[3] <= box[1] + 0.5 * body
                and _overlap(other.box, box) > 0
            ),
            key=lambda other: other.box[3],
            default=None,
        )
        ceiling = above.box[3] - 0.5 * body if above else float("-inf")

        apart = {id(head): max(0, head.box[0] - box[2], box[0] - head.box[2]) for head in heads}
        between = [
            head
            for head in heads
            if head.box[1] >= ceiling
            and head.box[3] <= box[1] + 0.5 * body
            and apart[id(head)] <= max(HEAD_REACH * body, (head.box[2] - head.box[0]) / 2)
        ]
        if between:
            stack.head = min(
                between,
                key=lambda head: (
                    apart[id(head)] > 0,
                    (box[1] - head.box[3]) // (2 * body),
                    -_overlap(head.box, box),
                ),
            )
        elif above is not None:
            stack.head = above.head
    changed = True
    while changed:
        changed = False
        for stack in texts:
            if stack.head is not None:
                continue
            box = stack.box
            for other in texts:
                if other.head is None or other.head.box[3] > box[1] + 0.5 * body:
                    continue
                side_by_side = (
                    abs(other.box[1] - box[1]) <= ROW_TOLERANCE * body
                    and min(abs(other.box[0] - box[2]), abs(box[0] - other.box[2]))
                    <= NEIGHBOUR_GAP * body
                )
                if side_by_side or _above(stack, stacks, body) is other:
                    stack.head, changed = other.head, True
                    break


def _groups(stacks, body):
    """Stacks of text under no head, in pieces that belong together (side by side, stacked)."""
    loose = [stack for stack in stacks if not stack.display and stack.head is None]
    groups = []
    for stack in sorted(loose, key=lambda stack: stack.box[0]):
        box = stack.box
        home = None
        for group in groups:
            if any(
                (
                    abs(other.box[1] - box[1]) <= ROW_TOLERANCE * body
                    and abs(box[0] - other.box[2]) <= NEIGHBOUR_GAP * body
                )
                or (_overlap(other.box, box) > 0 and _above(stack, stacks, body) is other)
                for other in group
            ):
                home = group
                break
        if home is None:
            groups.append([stack])
        else:
            home.append(stack)
    return groups


# --- Reading order -------------------------------------------------------------------------------


def reading_order(boxes, band_gap=0.0, tolerance=0.0):
    """Indices of ``boxes`` in reading order, by recursive cuts through the gaps between them.

    A gap of at least ``band_gap`` across the whole region cuts it in bands, read top to
    bottom; within a band, a gap from top to bottom cuts it in columns, read left to right;
    boxes that cannot be cut apart are read by their top. Columns whose boxes overlap by less
    than ``tolerance`` count as apart (a negative ``band_gap`` does the same for bands).
    """
    needed = {1: band_gap, 0: -tolerance}

    def cut(indices, axis):
        low, high = axis, axis + 2
        groups, reach = [], None
        for i in sorted(indices, key=lambda i: (boxes[i][low], boxes[i][1 - axis])):
            if reach is None or boxes[i][low] >= reach + needed[axis]:
                groups.append([])
            groups[-1].append(i)
            reach = boxes[i][high] if reach is None else max(reach, boxes[i][high])
        return groups

    def width(i):
        return boxes[i][2] - boxes[i][0]

    def bridged(indices):
        """Columns that one box or a few, much wider than the rest, run across (text an
        engine read across a gutter): cut without them, each in the column it starts in."""
        usual = sorted(map(width, indices))[len(indices) // 2]
        wide = [i for i in indices if width(i) > BRIDGE_WIDTH * usual]
        if not wide or 2 * len(wide) >= len(indices):
            return None
        groups = cut([i for i in indices if i not in wide], 0)
        if len(groups) < 2:
            return None
        for i in wide:
            home = max(
                groups,
                key=lambda group: _overlap(boxes[i], union(boxes[j] for j in group)),
            )
            home.append(i)
        return groups

    def order(indices):
        if len(indices) <= 1:
            return list(indices)
        for axis in (1, 0):
            groups = cut(indices, axis)
            if len(groups) > 1:
                return [i for group in groups for i in order(group)]
        if len(indices) > 2 and (groups := bridged(indices)):
            return [i for group in groups for i in order(group)]
        return sorted(indices, key=lambda i: (boxes[i][1], boxes[i][0]))

    return order(list(range(len(boxes))))


# --- Pieces: the stacks of one head, or loose stacks read together --------------------------------


@dataclass
class _Piece:
    head: _Stack | None
    stacks: list  # in reading order
    box: Box = (0, 0, 0, 0)


def _ordered(stacks, body):
    """``stacks`` in reading order, cut apart by where most of their lines stand (a line's box
    the engine drew into the gutter does not join two columns)."""
    order = reading_order(
        [_core(stack, body) for stack in stacks], band_gap=BAND_GAP * body, tolerance=0.5 * body
    )
    return [stacks[i] for i in order]


def _core(stack, body):
    """``stack``'s box from where most of its lines start and end."""
    left, top, right, bottom = stack.box
    lefts = [line.left for line in stack.lines]
    rights = [line.right for line in stack.lines]
    return (_common_edge(lefts, min, body), top, _common_edge(rights, max, body), bottom)


def _support(value, values, body):
    return sum(abs(value - other) <= 0.5 * body for other in values)


def _common_edge(values, outer, body):
    """The edge most of ``values`` agree on (within half a character); of equals, the outer."""
    most = max(_support(value, values, body) for value in values)
    return outer(value for value in values if _support(value, values, body) == most)


def _text(lines):
    return "".join(line.text.strip() for line in lines)


def _paragraph_pieces(stacks, body):
    """The body's lines cut into runs, each [stack, lines, continues the run before]."""
    columns = {id(stack): _column_box(stack, stacks) for stack in stacks}
    runs = []
    previous_line = previous_stack = None
    for stack in stacks:
        left = columns[id(stack)][0]
        for line in stack.lines:
            if (
                previous_line is None
                or stack.heading
                or stack.caption
                or previous_stack.heading
                or previous_stack.caption
            ):
                new = True
            else:
                indented = line.left - left > INDENT * body
                edges = columns[id(previous_stack)]
                short = edges[4] and previous_line.right < edges[2] - SHORT_LINE * body
                apart = (
                    line.top > previous_line.bottom
                    and _overlap(line.box, previous_line.box) > 0
                    and line.top - previous_line.bottom > PARAGRAPH_GAP * body
                )
                new = indented or short or apart
            if new:
                runs.append([stack, [line], False])
            elif runs[-1][0] is not stack:
                runs.append([stack, [line], True])
            else:
                runs[-1][1].append(line)
            previous_line, previous_stack = line, stack
    return runs


def _column_box(stack, stacks):
    """The edges of ``stack``'s column, from the stacks in it: where its full lines stand.

    (left, top, right, bottom, justified). An edge is where most lines agree, so that a
    byline, an indented or a short line, or a box the engine drew too wide, do not move it.
    ``justified``: most lines reach the right edge, so that one ending short ends a paragraph
    (in text set ragged right, every line ends where it ends).
    """
    box = stack.box
    lines = [
        line
        for other in stacks
        if other is stack
        or (
            not other.heading
            and not other.caption
            and _overlap(other.box, box) >= 0.5 * min(box[2] - box[0], other.box[2] - other.box[0])
        )
        for line in other.lines
    ]
    body = stack.line_height
    rights = [line.right for line in lines]
    right = _common_edge(rights, max, body)
    return (
        _common_edge([line.left for line in lines], min, body),
        box[1],
        right,
        box[3],
        _support(right, rights, body) >= JUSTIFIED_SHARE * len(rights),
    )


# --- The layout ----------------------------------------------------------------------------------


def lay_out(recognition, parts=None):
    """The Layout of ``recognition``; ``parts`` (the registered import parts) claim the pieces.

    With no parts (``parts=[]``, or Django not set up so that no app registered its part),
    every piece with text is an article. Line indices are into ``recognition.lines``: lines
    an engine read across gutters are cut by ``split_at_gutters`` first, by whoever holds
    the recognition (the engine), so that everyone counts the same lines.
    """
    parts = registered_parts() if parts is None else parts
    layout = Layout(recognition.width, recognition.height, recognition=recognition)
    lines = recognition.lines
    noise = _noise(lines, recognition.height)
    left_out = set(noise)
    kept = [i for i in range(len(lines)) if i not in left_out]
    vertical = [i for i in kept if lines[i].vertical]
    horizontal = [i for i in kept if not lines[i].vertical]
    pieces = []
    for indices, turned in ((horizontal, False), (vertical, True)):
        if not indices:
            continue
        frame = _Frame(recognition.width, turned)
        levelled = bool(recognition.skew)
        framed = [_Line(i, lines[i].text, frame.inward(lines[i].box), levelled) for i in indices]
        found, body, specks = _pieces(framed)
        noise += specks
        layout.body_height = layout.body_height or body
        pieces += [(piece, frame, body) for piece in found]
    # The page's pieces in reading order, in the frame most of its text is read in.
    page_frame = _Frame(recognition.width, len(vertical) > len(horizontal))
    boxes = [page_frame.inward(frame.outward(piece.box)) for piece, frame, _ in pieces]
    tolerance = 0.3 * (layout.body_height or 1)
    for i in reading_order(boxes, band_gap=-tolerance, tolerance=tolerance):
        piece, frame, body = pieces[i]
        _add_piece(layout, recognition, piece, frame, body, parts)
    layout.noise = sorted(noise)
    return layout


def split_at_gutters(recognition):
    """``recognition``, or a copy with each body line that runs across a gutter cut there.

    An engine that detects lines on a scaled-down page reads a row of several columns as one
    line. Its characters' boxes show the gutter: a gap of more than GUTTER_GAP characters, or
    a smaller one (WEAK_GUTTER_GAP) where the lines around it, one column wide, leave a gutter
    too. A display line (a headline) is cut only where two of its characters, neither of them
    punctuation, stand DISPLAY_GUTTER_GAP apart and much further than its others (headlines of
    neighbouring columns side by side); lines without characters, or whose characters do not
    spell their text, are left whole.
    """
    # The characters' size along their line (a merged line's box may be taller than its type).
    widths = [_char_size(char, line) for line in recognition.lines for char in line.chars]
    if not widths:
        return recognition
    body = statistics.median(widths)
    lines = [piece for line in recognition.lines for piece in _gutter_pieces(line, body)]
    for _ in range(3):  # a piece cut off may still run across the next gutter
        count = len(lines)
        lines = [piece for line in lines for piece in _gutter_pieces(line, body, lines)]
        if len(lines) == count:
            break
    if len(lines) == len(recognition.lines):
        return recognition
    return replace(recognition, lines=_fitted(lines, set(map(id, recognition.lines)), body))


def _fitted(lines, whole, body):
    """The pieces cut off merged lines, as tall as the lines read whole: a box round a row
    of several columns is taller than one line (their baselines differ a little). Pieces of
    display type (a row of headlines) keep their height."""
    heights = [
        line.box[2] - line.box[0] if line.vertical else line.box[3] - line.box[1]
        for line in lines
        if id(line) in whole and len(line.text.strip()) >= MIN_BODY_CHARS
    ]
    if not heights:
        return lines
    usual = statistics.median(heights)
    fitted = []
    for line in lines:
        height = line.box[2] - line.box[0] if line.vertical else line.box[3] - line.box[1]
        if (
            id(line) in whole
            or height <= usual
            or statistics.median(_char_size(char, line) for char in line.chars)
            >= DISPLAY_RATIO * body
        ):
            fitted.append(line)
            continue
        left, top, right, bottom = line.box
        if line.vertical:
            middle = (left + right) / 2
            left, right = middle - usual / 2, middle + usual / 2
        else:
            middle = (top + bottom) / 2
            top, bottom = middle - usual / 2, middle + usual / 2
        fitted.append(replace(line, box=(left, top, right, bottom)))
    return fitted


def _char_size(char, line):
    axis = 1 if line.vertical else 0
    return char.box[axis + 2] - char.box[axis]


def _gutters(line, lines, body):
    """The gutters that the one-column lines around ``line`` leave across it, (start, end)
    each, and how long those lines usually are."""
    axis = 1 if line.vertical else 0
    lengths = sorted(
        other.box[axis + 2] - other.box[axis]
        for other in lines
        if other.vertical == line.vertical and len(other.text.strip()) >= MIN_BODY_CHARS
    )
    if not lengths:
        return [], 0
    column = lengths[len(lengths) // 2]
    if line.box[axis + 2] - line.box[axis] < 1.4 * column:
        return [], column
    across = 1 - axis
    window = (line.box[across] - 10 * body, line.box[across + 2] + 10 * body)
    covered = [
        (other.box[axis], other.box[axis + 2])
        for other in lines
        if other is not line
        and other.vertical == line.vertical
        and other.box[axis + 2] - other.box[axis] <= 1.2 * column
        and other.box[across] < window[1]
        and other.box[across + 2] > window[0]
    ]
    if not covered:
        return [], column
    # Where few of them reach (an engine's boxes overshoot a little): the gutters.
    step = max(1.0, body / 8)
    sparse = GUTTER_COVERAGE * len(covered)
    gutters, start = [], None
    position = line.box[axis]
    while position <= line.box[axis + 2]:
        empty = sum(low <= position <= high for low, high in covered) <= sparse
        if empty and start is None:
            start = position
        elif not empty and start is not None:
            gutters.append((start, position))
            start = None
        position += step
    return [(low, high) for low, high in gutters if high - low >= 0.2 * body], column


def _gutter_pieces(line, body, lines=None):
    """``line`` cut at its gutters: by its characters' gaps, or (``lines`` given) where the
    lines around it leave a gutter and its characters stand a little apart."""
    chars = [char for char in line.chars if char.text.strip()]
    if len(chars) < 4 or "".join(char.text for char in chars) != "".join(line.text.split()):
        return [line]
    axis = 1 if line.vertical else 0
    size = statistics.median(_char_size(char, line) for char in chars)
    display = size >= DISPLAY_RATIO * body
    if display and lines is not None:
        return [line]
    # Gaps measured in full-width characters: digits and Latin letters are half as wide.
    size = max(size, body)
    gutters, column = _gutters(line, lines, body) if lines is not None else ([], 0)
    if lines is not None and not gutters:
        return [line]
    usual_gap = statistics.median(
        max(0.0, after.box[axis] - before.box[axis + 2])
        for before, after in zip(chars, chars[1:], strict=False)
    )

    def cut(run, before, char, spaced):
        start, end = before.box[axis + 2], char.box[axis]
        if display:
            return (
                end - start > DISPLAY_GUTTER_GAP * size
                and end - start > SPREAD * usual_gap
                and before.text not in PUNCTUATION
                and char.text not in PUNCTUATION
            )
        if lines is None:
            return end - start > (SPACED_GUTTER_GAP if spaced else GUTTER_GAP) * size
        # Where only the lines around say so: what is cut off is a whole line of its column.
        middle = ((before.box[axis] + start) / 2, (end + char.box[axis + 2]) / 2)
        return (
            end - start > WEAK_GUTTER_GAP * size
            and start - run[0].box[axis] >= FULL_LINE * column
            and any(middle[0] < (low + high) / 2 < middle[1] for low, high in gutters)
        )

    runs, before, spaced = [], None, False
    for char in line.chars:
        if not char.text.strip():
            spaced = True  # a space the engine read: words apart (本报记者 王晓), maybe a gutter
            continue
        if not runs or cut(runs[-1], before, char, spaced):
            runs.append([])
        runs[-1].append(char)
        before, spaced = char, False
    if len(runs) == 1 or min(len(run) for run in runs) < 2:
        return [line]
    return [
        Line(
            text="".join(char.text for char in run),
            box=union(char.box for char in run),
            confidence=sum(char.confidence for char in run) / len(run),
            chars=tuple(run),
            vertical=line.vertical,
        )
        for run in runs
    ]


def _pieces(lines):
    """The pieces of lines read in one frame, the body text's height and the specks left out."""
    measured = [line.size for line in lines if len(line.text.strip()) >= MIN_BODY_CHARS]
    body = statistics.median(measured or [line.size for line in lines])
    stacks = _stacks(lines, body)
    specks = [stack.lines[0].index for stack in stacks if _is_speck(stack)]
    stacks = [stack for stack in stacks if not _is_speck(stack)]
    if not stacks:
        return [], body, specks
    heads = [stack for stack in stacks if stack.display]
    for head in heads:
        if _is_heading(head, stacks, body):
            head.display, head.heading = False, True
    heads = [stack for stack in stacks if stack.display]
    stacks = _join_kickers(stacks, heads, body)
    _mark_captions(stacks, body)
    _assign(stacks, heads, body)
    pieces = []
    for head in heads:
        under = [stack for stack in stacks if stack.head is head]
        pieces.append(_Piece(head, _ordered(under, body)))
    for group in _groups(stacks, body):
        pieces.append(_Piece(None, _ordered(group, body)))
    for piece in pieces:
        piece.box = union(
            [stack.box for stack in piece.stacks] + ([piece.head.box] if piece.head else [])
        )
    return pieces, body, specks


def _add_piece(layout, recognition, piece, frame, body, parts):
    """Add ``piece``'s blocks to ``layout``, as an article or as the sections another part reads."""
    blocks = []

    def block(kind, piece_lines, **options):
        box = frame.outward(union(line.box for line in piece_lines))
        blocks.append(Block(kind, box, [line.index for line in piece_lines], **options))

    kicker = headline = subheadline = []
    if piece.head:
        kicker, headline, subheadline = _head_parts(piece.head)
        if kicker:
            block("kicker", kicker)
        block("headline", headline)
        if subheadline:
            block("subheadline", subheadline)
    runs = _paragraph_pieces(piece.stacks, body)
    bylines = _byline_runs(runs)
    for index, (stack, run_lines, continues) in enumerate(runs):
        if index in bylines:
            block("byline", run_lines)
        elif stack.caption:
            block("caption", run_lines)
        else:
            block("body", run_lines, continues=continues, heading=_is_heading_run(stack, run_lines))
    heads = {"headline": headline, "kicker": kicker, "subheadline": subheadline}
    section = _section(_text(headline), headline, blocks, recognition)
    owner = part_for(section, parts)
    if owner is None:  # no parts registered (Django not set up): every piece is an article
        _add_article(layout, recognition, blocks, heads, None)
        return
    if not owner.takes_the_rest:
        _add_notices(layout, blocks, section, owner)
        return
    for part in parts:
        if part is owner or (start := part.starts_in(section)) is None:
            continue
        cut = _cut(blocks, recognition, section, *start)
        if not any(found.kind == "body" for found in blocks[:cut]):
            _add_notices(layout, blocks, _section("", [], blocks, recognition), part)
            return
        tail = blocks[cut:]
        _add_article(layout, recognition, blocks[:cut], heads, owner)
        _add_notices(layout, tail, _section("", [], tail, recognition), part)
        return
    _add_article(layout, recognition, blocks, heads, owner)


def _byline_runs(runs):
    """The runs that are bylines: the first of the body, or the last, when they read as one."""
    found = set()
    body = [i for i, (stack, _, _) in enumerate(runs) if not stack.caption]
    if len(body) < 2:
        return found
    first, last = body[0], body[-1]
    if BYLINE_LINE.fullmatch(_text(runs[first][1])):
        found.add(first)
    text = _text(runs[last][1])
    if BYLINE_LINE.fullmatch(text) or BRACKETED_NAME.fullmatch(text):
        found.add(last)
    return found


def _is_heading_run(stack, run_lines):
    if stack.heading:
        return True
    text = _text(run_lines)
    return (
        len(run_lines) == 1
        and len(text) <= 30
        and bool(re.match(r"[一二三四五六七八九十]+、", text))
        and text[-1:] not in "。;\uff1b"
    )


def _line_text(recognition, index):
    return recognition.lines[index].text.strip()


def _block_paragraphs(blocks, recognition):
    """The body blocks as paragraphs: [Paragraph or Heading, [block indices]] each."""
    items = []
    for index, found in enumerate(blocks):
        if found.kind not in ("body", "notice"):
            continue
        text = "".join(_line_text(recognition, i) for i in found.lines)
        first, last = found.lines[0] + 1, found.lines[-1] + 1
        if found.continues and items and isinstance(items[-1][0], Paragraph):
            items[-1][0].text += text
            items[-1][0].last_line = last
            items[-1][1].append(index)
        elif found.heading:
            items.append([Heading(text, first), [index]])
        else:
            items.append([Paragraph(text, first, last), [index]])
    return items


def _section(headline, headline_lines, blocks, recognition):
    """The Section an import part reads: paragraph ``line`` is the recognised line index + 1."""
    items = _block_paragraphs(blocks, recognition)
    if headline_lines:
        line = headline_lines[0].index + 1
    elif items:
        line = items[0][0].line
    else:
        line = blocks[0].lines[0] + 1 if blocks else 1
    return Section(headline, line, "", [item for item, _ in items])


def _cut(blocks, recognition, section, index, offset):
    """Where in ``blocks`` the part that ``starts_in`` paragraph ``index`` at ``offset`` begins.

    Whole lines only: the line the offset falls in goes with the side that has more of it.
    """
    _, owned = _block_paragraphs(blocks, recognition)[index]
    seen = 0
    for block_index in owned:
        found = blocks[block_index]
        for position, line in enumerate(found.lines):
            length = len(_line_text(recognition, line))
            if seen + length / 2 >= offset:
                return _split_block(blocks, block_index, position, recognition)
            seen += length
    return owned[-1] + 1


def _split_block(blocks, index, position, recognition):
    """Cut block ``index`` before its line ``position``; the index of the block from there."""
    found = blocks[index]
    if position == 0:
        return index
    head, tail = found.lines[:position], found.lines[position:]

    def box(lines):
        return union(recognition.lines[i].box for i in lines)

    blocks[index] = Block(found.kind, box(head), head, continues=found.continues)
    blocks.insert(index + 1, Block(found.kind, box(tail), tail))
    return index + 1


def _add_notices(layout, blocks, section, part):
    """Blocks another part (the notices') reads: kind "notice", in no article."""
    section.part = part
    for found in blocks:
        found.kind, found.article, found.heading = "notice", None, False
        layout.blocks.append(found)
        layout.order += found.lines
    # A heading inside notices is one of their paragraphs.
    section.body = [
        Paragraph(item.text, item.line) if isinstance(item, Heading) else item
        for item in section.body
    ]
    layout.sections.append(section)


def _add_article(layout, recognition, blocks, heads, part):
    if not any(found.kind in ("body", "headline") for found in blocks):
        return
    lines = recognition.lines
    index = len(layout.articles)
    first_block = len(layout.blocks)
    for found in blocks:
        found.article = index
        layout.blocks.append(found)
        layout.order += found.lines
    story_lines = [i for found in blocks for i in found.lines]
    headline = heads["headline"]
    section = _section(_text(headline), headline, blocks, recognition)
    section.part = part
    paragraphs = [
        f"## {item.text}" if isinstance(item, Heading) else item.text for item in section.body
    ]
    source = SOURCE.match(paragraphs[0]) if paragraphs else None
    box = union(found.box for found in blocks)
    zones = _zones(blocks, set(story_lines), recognition)
    layout.articles.append(
        Story(
            headline=_text(headline),
            kicker=_text(heads["kicker"]),
            subheadline=_text(heads["subheadline"]),
            paragraphs=paragraphs,
            byline=" ".join(
                _byline_text(recognition, found) for found in blocks if found.kind == "byline"
            ),
            source=source["source"] if source else "",
            captions=[
                "".join(_line_text(recognition, i) for i in found.lines)
                for found in blocks
                if found.kind == "caption"
            ],
            box=box,
            zones=zones,
            confidence=confidence_of([lines[i] for i in story_lines]),
            low_confidence=[i for i in story_lines if lines[i].doubtful],
            lines=story_lines,
            blocks=list(range(first_block, len(layout.blocks))),
            line=section.line,
        )
    )
    layout.sections.append(section)


def _zones(blocks, own, recognition):
    """Boxes covering an article: its whole box, unless that covers others' lines too (an
    article set round another); then a box for each of its columns, and its head."""
    whole = union(found.box for found in blocks)

    def inside(line, box):
        x, y = (line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    others = [
        line
        for i, line in enumerate(recognition.lines)
        if i not in own and len(line.text.strip()) > 1
    ]
    if not any(inside(line, whole) for line in others):
        return [whole]
    zones = []
    for found in blocks:
        box = found.box
        for index, zone in enumerate(zones):
            merged = union([zone, box])
            if _overlap(zone, box) > 0 and not any(inside(line, merged) for line in others):
                zones[index] = merged
                break
        else:
            zones.append(box)
    return zones


def _byline_text(recognition, found):
    text = " ".join(_line_text(recognition, i) for i in found.lines)
    return re.sub(r"^[□■◎●▲\s]*[(\uff08【\[]\s*|\s*[)\uff09】\]]\s*$", "", text).strip()
