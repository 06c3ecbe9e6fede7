"""What an editor checks of a page's recognition: its blocks over the scan, its doubtful lines.

Pure functions over ``PageRecognition.data`` (see paper.ocr.lines, plus the layout's
``blocks``), which the admin draws: every block a rectangle coloured by its kind, linking to the
draft it became; every line with its confidence, the doubtful ones and their doubtful characters
marked (``Line.doubtful``, paper.ocr.lines: the rule a draft's 核对说明 follows too). The data is
read defensively: a reading without blocks, or with a block that points at a line that is not
there, is shown as far as it goes, never an error.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django.utils.html import format_html, format_html_join

from .lines import Line, Recognition

KIND_LABELS = {
    "headline": "标题",
    "kicker": "引题",
    "subheadline": "副题",
    "body": "正文",
    "byline": "署名",
    "caption": "图片说明",
    "notice": "公告",
}


def percent(confidence):
    """A confidence as editors read it: 87.4%."""
    return f"{confidence * 100:.1f}%"


@dataclass
class ReviewChar:
    text: str
    confidence: float
    low: bool

    @property
    def percent(self):
        return percent(self.confidence)


@dataclass
class ReviewLine:
    index: int
    text: str
    box: tuple
    confidence: float
    low: bool
    chars: list[ReviewChar]
    low_boxes: list[tuple]  # the boxes of its doubtful characters
    vertical: bool = False
    block: int | None = None  # the number of its block, from 1
    kind: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def percent(self):
        return percent(self.confidence)

    def text_html(self):
        """The text, each doubtful character marked (a page holds thousands: built here, not
        in a template loop)."""
        return format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '<mark title="这个字的置信度 {}">{}</mark>', char.percent, char.text
                    )
                    if char.low
                    else char.text,
                )
                for char in self.chars
            ),
        )

    @property
    def rect(self):
        return rect(self.box)

    @property
    def low_rects(self):
        return [rect(box) for box in self.low_boxes]


@dataclass
class ReviewBlock:
    number: int  # from 1, in the layout's order
    kind: str
    box: tuple
    lines: list[int]
    item: tuple | None  # (model label, pk) of the draft it became, or None
    low_lines: int = 0

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind or "其他")

    @property
    def rect(self):
        return rect(self.box)

    @property
    def css_kind(self):
        return self.kind if self.kind in KIND_LABELS else "other"


@dataclass
class PageReview:
    width: int
    height: int
    lines: list[ReviewLine] = field(default_factory=list)
    blocks: list[ReviewBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: int = 0  # lines or blocks left out because the data did not make sense
    # How the engine turned and levelled the scan before reading it (Recognition.rotation,
    # .skew): the boxes are in that frame, the page's image is not.
    rotation: int = 0
    skew: float = 0.0

    @property
    def image_width(self):
        """The page's image in the boxes' pixels: as stored, the other way round if turned."""
        return self.height if self.rotation in (90, 270) else self.width

    @property
    def image_height(self):
        return self.width if self.rotation in (90, 270) else self.height

    @property
    def overlay_transform(self):
        """An SVG transform from the frame the boxes are in to the page's image ("" if none)."""
        steps = {
            90: f"matrix(0 -1 1 0 0 {self.width})",
            180: f"matrix(-1 0 0 -1 {self.width} {self.height})",
            270: f"matrix(0 1 -1 0 {self.height} 0)",
        }
        transform = [steps[self.rotation]] if self.rotation in steps else []
        if self.skew:
            transform.append(f"rotate({self.skew:.3f} {self.width / 2:.1f} {self.height / 2:.1f})")
        return " ".join(transform)

    def page_share(self, box):
        """``box`` (pixels, as read) in shares of the page as stored (left, top, right, bottom)."""
        turned = Recognition(self.width, self.height, rotation=self.rotation, skew=self.skew)
        return turned.page_box(box)

    @cached_property
    def low_lines(self):
        """The doubtful lines, the least sure first."""
        return sorted((line for line in self.lines if line.low), key=lambda line: line.confidence)

    def lines_of(self, model_label, pk):
        """The lines of the blocks that became the item, in the layout's order."""
        wanted = (model_label, pk)
        by_index = {line.index: line for line in self.lines}
        return [
            by_index[index]
            for block in self.blocks
            if block.item == wanted
            for index in block.lines
            if index in by_index
        ]

    def boxes_of(self, model_label, pk):
        return [block.box for block in self.blocks if block.item == (model_label, pk)]

    @property
    def label_size(self):
        """The size of a block's label in the picture's pixels: about 12 px where the page is
        shown 550 px wide."""
        return max(round(self.width / 45), 8)


def rect(box):
    """An SVG rectangle's x, y, width and height for a box (left, top, right, bottom)."""
    left, top, right, bottom = box
    return {
        "x": round(left, 1),
        "y": round(top, 1),
        "width": round(right - left, 1),
        "height": round(bottom - top, 1),
    }


def read_box(value):
    """(left, top, right, bottom) as floats, or None when ``value`` is not such a box."""
    try:
        left, top, right, bottom = (float(number) for number in value)
    except (TypeError, ValueError):
        return None
    if right <= left or bottom <= top:
        return None
    return (left, top, right, bottom)


def review_line(index, data):
    line = Line.from_json(data)
    box = read_box(line.box)
    if box is None or not isinstance(line.text, str):
        raise ValueError("not a line")
    # Confidences as numbers (float() refuses what is not one), for Line.doubtful to judge.
    line = replace(
        line,
        confidence=float(line.confidence),
        chars=tuple(replace(char, confidence=float(char.confidence)) for char in line.chars),
    )
    chars = [ReviewChar(str(char.text), char.confidence, char.doubtful) for char in line.chars]
    low_boxes = [
        char_box for char in line.chars if char.doubtful and (char_box := read_box(char.box))
    ]
    if "".join(char.text for char in chars) != line.text:
        # Characters that do not spell the line (an engine that boxes words) mark nothing in
        # its text; their boxes still mark the scan.
        chars = [ReviewChar(line.text, line.confidence, False)]
    return ReviewLine(
        index=index,
        text=line.text,
        box=box,
        confidence=line.confidence,
        low=line.doubtful,
        chars=chars,
        low_boxes=low_boxes,
        vertical=bool(line.vertical),
    )


def read_item(value):
    if not isinstance(value, dict):
        return None
    model, pk = value.get("model"), value.get("pk")
    if not isinstance(model, str) or not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return (model.lower(), pk)


def page_review(data):
    """The review of a page's recognition data (``PageRecognition.data``), or None if it holds
    no reading (a page queued, or one whose recognition failed)."""
    if not isinstance(data, dict):
        return None
    try:
        width, height = int(data["width"]), int(data["height"])
    except (KeyError, TypeError, ValueError):
        return None
    if width <= 0 or height <= 0:
        return None
    review = PageReview(width=width, height=height)
    try:
        review.rotation = int(data.get("rotation") or 0) % 360
        review.skew = float(data.get("skew") or 0.0)
    except (TypeError, ValueError):
        review.rotation, review.skew = 0, 0.0
    review.problems = [str(problem) for problem in data.get("problems") or [] if problem]
    for index, line in enumerate(data.get("lines") or []):
        try:
            review.lines.append(review_line(index, line))
        except (KeyError, TypeError, ValueError, AttributeError):
            review.skipped += 1
    by_index = {line.index: line for line in review.lines}
    for block in data.get("blocks") or []:
        box = read_box(block.get("box")) if isinstance(block, dict) else None
        if box is None:
            review.skipped += 1
            continue
        lines = [i for i in block.get("lines") or [] if isinstance(i, int) and i in by_index]
        number = len(review.blocks) + 1
        kind = block.get("kind") if isinstance(block.get("kind"), str) else ""
        review.blocks.append(
            ReviewBlock(
                number=number,
                kind=kind,
                box=box,
                lines=lines,
                item=read_item(block.get("item")),
                low_lines=sum(1 for i in lines if by_index[i].low),
            )
        )
        for i in lines:
            by_index[i].block, by_index[i].kind = number, kind
    return review
