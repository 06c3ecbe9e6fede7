"""What a page's scan was read to say, written as drafts on that page for editors to check.

The layout's sections (paper.ocr.layout) are read by the registered import parts, as a day's
export is, and each part writes its own items (``ImportPart.write_recognised``): articles by the
articles app, notices (with their lost items, so that a lost-certificate notice on an old page
is as structured as an imported one) by the notices app. Everything written is a draft flagged
待核对, with the reading's confidence and the lines it was unsure of in its 核对说明, and zones
where it stands on the page.

Only the page read is touched, in one transaction. What an earlier reading wrote and nobody has
looked at since (``ocr_confidence`` set, still a draft, still 待核对) is replaced; what editors
entered, reviewed or published stays, and a reading of the same item is not written twice.
"""

import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from paper.importing.parsing import ExportError, ParsedPage, read_sections, snippet
from paper.importing.parts import registered_parts
from paper.importing.writing import review_note
from paper.models import Page, PageRecognition, PrintedStatus, RecognitionStatus

from .layout import lay_out
from .lines import confidence_of, union

# Two readings this alike (0–1, difflib's ratio of their text) are of the same item; so are
# two whose zones cover this much of the same (intersection over union).
SAME_TEXT = 0.8
SAME_PLACE = 0.5
# How much of a low-confidence line the 核对说明 quotes.
QUOTED_CHARACTERS = 20
FOUR_PLACES = Decimal("0.0001")
SPACES = re.compile(r"\s+")


def plain(text):
    """``text`` without whitespace, to compare readings and to find one in the lines."""
    return SPACES.sub("", text or "")


def similar(first, second):
    first, second = plain(first), plain(second)
    if not first or not second:
        return False
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio() >= SAME_TEXT


@dataclass
class Reading:
    """How an item was read: its lines, how sure the engine was, where it stands on the page."""

    lines: list  # indices into the recognition's lines
    confidence: float | None
    zones: list  # dicts of left, top, width, height: Zone fields, fractions of the page
    unsure: list  # (line number, text, confidence) of the lines an editor must check

    def note(self, problems=(), repairs=(), extra=()):
        """The item's 核对说明: that it is recognised text, the unsure lines, then the rest."""
        share = f"{self.confidence:.0%}" if self.confidence is not None else "未知"
        lines = [f"由扫描图识别(平均置信度 {share}),请对照版面图核对全文。"]
        if self.unsure:
            quoted = ";".join(
                f"第{number}行“{snippet(text, QUOTED_CHARACTERS)}”({confidence:.0%})"
                for number, text, confidence in self.unsure
            )
            lines.append(f"识别置信度低的行:{quoted}")
        lines += extra
        rest = review_note(problems, repairs)
        return "\n".join([*lines, rest] if rest else lines)

    def fields(self, problems=(), repairs=(), extra=()):
        """What every recognised item is: a draft 待核对 with its confidence and its note."""
        return {
            "status": PrintedStatus.DRAFT,
            "needs_review": True,
            "ocr_confidence": round(self.confidence, 4) if self.confidence is not None else 0.0,
            "review_note": self.note(problems, repairs, extra),
        }


@dataclass
class RecognisedPage:
    """The reading of one page as the import parts write it (``ImportPart.write_recognised``).

    The parts ask it where an item they read stands (``article_reading``, ``notice_reading``),
    which items on the page an earlier reading wrote (``earlier_drafts``) and which to keep
    (``kept``); and they hand it what they wrote (``record``).
    """

    page: Page
    recognition: object  # paper.ocr.lines.Recognition
    layout: object  # paper.ocr.layout.Layout
    items: list = field(default_factory=list)  # (item, lines, created)
    replaced: int = 0  # earlier readings' drafts deleted

    # --- What was read, and where ---

    def reading(self, lines, boxes=None):
        """The Reading of ``lines`` (indices); ``boxes`` (px) are its zones, or the lines' box."""
        recognised = self.recognition.lines
        lines = sorted(set(lines))
        chosen = [recognised[i] for i in lines]
        confidence = confidence_of(chosen)
        if boxes is None:
            boxes = [union([line.box for line in chosen])] if chosen else []
        zones = [zone for box in boxes if (zone := self.zone(box))]
        unsure = [
            (i + 1, recognised[i].text.strip(), recognised[i].confidence)
            for i in lines
            if recognised[i].doubtful
        ]
        return Reading(lines, confidence, zones, unsure)

    def zone(self, box):
        """``box`` (px) as a zone's fields, inside the page; None for a box of no size."""
        left, top, right, bottom = self.recognition.page_box(box)
        left, top = _places(left, ROUND_FLOOR), _places(top, ROUND_FLOOR)
        right, bottom = _places(right, ROUND_CEILING), _places(bottom, ROUND_CEILING)
        right, bottom = min(right, Decimal(1)), min(bottom, Decimal(1))
        if right <= left or bottom <= top:
            return None
        return {"left": left, "top": top, "width": right - left, "height": bottom - top}

    def story(self, line):
        """The layout's article that a parsed article (its ``line``) was read from, or None."""
        return self.layout.story_at(line)

    def article_reading(self, line):
        story = self.story(line)
        if story is None:
            return self.reading([line - 1])
        return self.reading(story.lines, story.zones)

    def notice_reading(self, parsed, following=None):
        """The Reading of a parsed notice: the lines its text is printed in.

        ``parsed.line`` is the paragraph it starts in; its text is found in the lines from
        there (a paragraph may hold several notices). ``following`` is the next notice's
        ``line``, where this one ends at the latest when its text cannot be found.
        """
        lines = self._notice_lines(parsed.line - 1, plain(parsed.text), following)
        return self.reading(lines)

    def _notice_lines(self, first, text, following):
        stream = self._notice_stream()
        if not stream or first not in {i for i, _, _ in stream}:
            return [first]
        offsets = {i: start for i, start, _ in stream}
        joined = "".join(line_text for _, _, line_text in stream)
        begin = joined.find(text[:12], offsets[first]) if text else -1
        if begin < 0:  # read too differently to be found: its paragraph, to the next notice
            indices = [i for i, _, _ in stream]
            start = indices.index(first)
            stop = indices.index(following - 1) if following and following - 1 in indices else 0
            return indices[start : max(stop, start + 1)]
        end = begin + len(text)
        return [
            i for i, start, line_text in stream if start < end and start + len(line_text) > begin
        ]

    def _notice_stream(self):
        """Every line of the notices' blocks: (index, offset, text) in the joined text."""
        if not hasattr(self, "_stream"):
            stream, offset = [], 0
            for block in self.layout.blocks:
                if block.kind != "notice":
                    continue
                for i in block.lines:
                    text = plain(self.recognition.lines[i].text)
                    stream.append((i, offset, text))
                    offset += len(text)
            self._stream = stream
        return self._stream

    # --- What is on the page already ---

    def earlier_drafts(self, queryset):
        """Items of ``queryset`` on the page that an earlier reading wrote and nobody touched."""
        return queryset.filter(
            page=self.page,
            ocr_confidence__isnull=False,
            status=PrintedStatus.DRAFT,
            needs_review=True,
        )

    def kept(self, queryset):
        """Items of ``queryset`` on the page that stay: entered, reviewed or published."""
        drafts = self.earlier_drafts(queryset).values("pk")
        kept = queryset.filter(page=self.page).exclude(pk__in=drafts)
        return list(kept.prefetch_related("zones"))

    def same(self, kept, reading, text, kept_text):
        """The item of ``kept`` that ``reading`` (of ``text``) is a reading of, or None: one
        that says the same (SAME_TEXT), or stands where it stands (SAME_PLACE)."""
        for item in kept:
            if similar(kept_text(item), text) or any(
                _shared(zone, found) >= SAME_PLACE
                for zone in item.zones.all()
                for found in reading.zones
            ):
                return item
        return None

    # --- What was written ---

    def record(self, item, reading, created=True):
        """``item`` was written from (or, not ``created``, is already there for) ``reading``."""
        self.items.append((item, list(reading.lines), created))

    @property
    def created(self):
        return [item for item, _, created in self.items if created]

    def blocks(self):
        """The layout's blocks as PageRecognition.data keeps them, each with its item.

        ``{"kind", "box" [l, t, r, b] px, "lines", "item": {"model", "pk"} or None}``; a block
        of notices is cut where one notice ends and the next begins, a block each.
        """
        owner = {}
        for item, lines, _ in self.items:
            for i in lines:
                owner.setdefault(i, item)
        result = []
        for block in self.layout.blocks:
            runs = []
            for i in block.lines:
                item = owner.get(i)
                if runs and runs[-1][0] is item:
                    runs[-1][1].append(i)
                else:
                    runs.append((item, [i]))
            for item, lines in runs:
                box = (
                    block.box
                    if len(runs) == 1
                    else union([self.recognition.lines[i].box for i in lines])
                )
                data = block.to_json()
                data.update(
                    box=[round(value, 1) for value in box],
                    lines=lines,
                    item=_item_key(item),
                )
                result.append(data)
        return result


def _shared(zone, found):
    """How much two zones (a Zone and a zone's fields) cover the same: intersection over union."""
    a = (zone.left, zone.top, zone.left + zone.width, zone.top + zone.height)
    b = (
        found["left"],
        found["top"],
        found["left"] + found["width"],
        found["top"] + found["height"],
    )
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    both = width * height
    return float(both / (zone.width * zone.height + found["width"] * found["height"] - both))


def _item_key(item):
    if item is None:
        return None
    return {"model": item._meta.label_lower, "pk": item.pk}


def _places(value, rounding):
    return Decimal(str(value)).quantize(FOUR_PLACES, rounding=rounding)


def write_recognised_page(page, recognition, layout=None):
    """Write what ``recognition`` read on ``page`` as drafts on that page; the items created.

    ``layout`` is ``paper.ocr.layout.lay_out(recognition)`` unless given. The page's
    PageRecognition gets the recognition and the blocks (``data["blocks"]``), each naming the
    item written from it; a page without one gets one, done. Raises paper.importing.ExportError, and
    writes nothing, when the database refuses an item.
    """
    if not recognition.width or not recognition.height:
        raise ExportError("识别结果没有图片的宽和高,无法确定文字在版面上的位置;请重新识别这一版")
    layout = layout or lay_out(recognition)
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
        sections = layout.import_sections(page.code)
        export = read_sections([ParsedPage(page.code, page.name)], sections)
        result = RecognisedPage(page, recognition, layout)
        for part in registered_parts():
            part.write_recognised(page, export, result)
        store_blocks(page, recognition, result.blocks())
    return result.created


def store_blocks(page, recognition, blocks):
    """Keep ``recognition`` and its ``blocks`` in the page's PageRecognition.data."""
    data = {**recognition.to_json(), "blocks": blocks}
    stored = PageRecognition.objects.select_for_update().filter(page=page).first()
    if stored is None:
        return PageRecognition.objects.create(
            page=page,
            status=RecognitionStatus.DONE,
            file_name=page.file.name,
            engine=recognition.engine,
            data=data,
            confidence=recognition.confidence,
            seconds=recognition.seconds,
            finished_at=timezone.now(),
        )
    stored.data = data
    stored.engine = recognition.engine or stored.engine
    stored.confidence = recognition.confidence
    stored.save(update_fields=["data", "engine", "confidence", "updated"])
    return stored
