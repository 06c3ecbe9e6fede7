"""What the OCR engine gives and the layout reads: lines of text with their boxes.

Boxes are (left, top, right, bottom) in pixels of the picture that was recognised, whose size
the Recognition carries; ``page_box()`` gives them as shares of the page as stored, as zones
keep them.
Everything here is plain data that survives a round trip through JSON (PageRecognition.data).
"""

import math
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]

# A doubtful line, one an editor must check: its mean confidence under the first figure, or
# any of its characters under the second. One rule for what the review of a page marks
# (paper.ocr.review) and what a draft's 核对说明 names (paper.ocr.drafts, from the layout).
# On a probe page RapidOCR scored every clean line 0.97–1.00 and every misread line of a
# blurred, noisy copy 0.59–0.83: a mean under 0.9 takes in all of those misreads and none of
# the clean lines, where 0.8 (the layout's figure before) let the misreads from 0.80 to 0.83
# through. A character under 0.8 catches one wrong character, which hardly moves a long
# line's mean. Measured again on bench pages (A02 and a generated broadsheet; clean, noisy,
# blurred and microfilm copies) against lines read not exactly as printed: this rule names
# 10–15 of each copy's 32–42 such lines (0.8/0.5: 2–5), and 2–4 % of the lines read right
# (microfilm 16 %; 0.8/0.5: 0–1 %). Half those lines scored 0.98 or more: no threshold below
# clean print's scores finds them, editors still read the whole text.
DOUBTFUL_LINE_CONFIDENCE = 0.9
DOUBTFUL_CHAR_CONFIDENCE = 0.8


def confidence_of(lines):
    """The mean confidence of the characters of ``lines`` (Line objects), or None without text."""
    weights = [(len(line.text), line.confidence) for line in lines if line.text]
    total = sum(count for count, _ in weights)
    return sum(count * value for count, value in weights) / total if total else None


def union(boxes):
    """The smallest box around ``boxes`` (at least one)."""
    boxes = list(boxes)
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


@dataclass(frozen=True)
class Char:
    """One recognised character: where it is printed and how sure the engine was (0–1)."""

    text: str
    box: Box
    confidence: float

    @property
    def doubtful(self):
        return self.confidence < DOUBTFUL_CHAR_CONFIDENCE


@dataclass(frozen=True)
class Line:
    """A line of text as recognised: horizontal, or a vertical column read top to bottom."""

    text: str
    box: Box
    confidence: float  # the mean of its characters'
    chars: tuple[Char, ...] = ()
    vertical: bool = False

    @property
    def doubtful(self):
        """Whether an editor must check this line (see DOUBTFUL_LINE_CONFIDENCE)."""
        return self.confidence < DOUBTFUL_LINE_CONFIDENCE or any(
            char.doubtful for char in self.chars
        )

    @property
    def height(self):
        return self.box[3] - self.box[1]

    @property
    def width(self):
        return self.box[2] - self.box[0]

    def to_json(self):
        return {
            "text": self.text,
            "box": [round(value, 1) for value in self.box],
            "confidence": round(self.confidence, 4),
            "chars": [
                [char.text, [round(value, 1) for value in char.box], round(char.confidence, 4)]
                for char in self.chars
            ],
            "vertical": self.vertical,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            text=data["text"],
            box=tuple(data["box"]),
            confidence=data["confidence"],
            chars=tuple(
                Char(text, tuple(box), confidence) for text, box, confidence in data["chars"]
            ),
            vertical=data.get("vertical", False),
        )


@dataclass
class Recognition:
    """What the engine read on one page."""

    width: int  # of the picture recognised, in pixels
    height: int
    lines: list[Line] = field(default_factory=list)
    engine: str = ""  # name and version, e.g. "RapidOCR 1.4.4 (PP-OCRv4)"
    seconds: float = 0.0
    # What an editor must know of the scan, in Chinese: a blank page, a page on its side,
    # vertical columns the engine could not read.
    problems: list[str] = field(default_factory=list)
    # Degrees the picture was turned clockwise before it was read (0, 90, 180, 270): a page
    # scanned on its side or upside down is read upright, its boxes in the turned picture
    # (whose size is width × height above).
    rotation: int = 0
    # Then degrees it was turned anticlockwise about its centre, its size kept, to level lines
    # scanned askew (a page fed in at an angle); 0.0 when they were level.
    skew: float = 0.0

    @property
    def confidence(self):
        """The mean confidence of every character on the page, or None without text."""
        return confidence_of(self.lines)

    def page_box(self, box):
        """``box`` in pixels of the picture as read, as shares of the page as stored (left,
        top, right, bottom, 0–1): levelling and turning undone, as zones and covers need it.

        A box levelled from a page scanned askew comes back as the upright box around it: a
        little larger, never smaller, so that a cover still covers.
        """
        left, top, right, bottom = box
        corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
        if self.skew:
            # The engine turned the picture anticlockwise about its centre (cv2's sense);
            # turning clockwise by as much puts each corner back.
            angle = math.radians(self.skew)
            cos, sin = math.cos(angle), math.sin(angle)
            cx, cy = self.width / 2, self.height / 2
            corners = [
                (cos * (x - cx) - sin * (y - cy) + cx, sin * (x - cx) + cos * (y - cy) + cy)
                for x, y in corners
            ]
        shares = [(x / self.width, y / self.height) for x, y in corners]
        # The picture was turned clockwise by ``rotation`` before it was read: turn back.
        if self.rotation == 90:
            shares = [(y, 1 - x) for x, y in shares]
        elif self.rotation == 180:
            shares = [(1 - x, 1 - y) for x, y in shares]
        elif self.rotation == 270:
            shares = [(1 - y, x) for x, y in shares]
        xs, ys = [x for x, _ in shares], [y for _, y in shares]
        return (
            max(0.0, min(xs)),
            max(0.0, min(ys)),
            min(1.0, max(xs)),
            min(1.0, max(ys)),
        )

    def to_json(self):
        return {
            "width": self.width,
            "height": self.height,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "problems": list(self.problems),
            "rotation": self.rotation,
            "skew": round(self.skew, 2),
            "lines": [line.to_json() for line in self.lines],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            width=data["width"],
            height=data["height"],
            lines=[Line.from_json(line) for line in data["lines"]],
            engine=data.get("engine", ""),
            seconds=data.get("seconds", 0.0),
            problems=list(data.get("problems", [])),
            rotation=data.get("rotation", 0),
            skew=data.get("skew", 0.0),
        )
