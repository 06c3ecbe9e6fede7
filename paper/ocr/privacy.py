"""ID numbers on a scan: where the OCR read them, so that they are covered as on a PDF.

A PDF's text layer says where each character is printed; on a scan the OCR does. The
recognised lines are made into the same TextLayer that paper.page_rendering reads off a PDF,
and paper.redaction finds the resident IDs in it by the one rule of paper.text: the boxes over
the birth-date digits of each are what is covered.

OCR misreads digits, and a misread birth date (19900132) or province (870602…) makes a real
ID fail the rule. So an 18-character run of digits (an X, or a letter the engine confuses with
a digit, allowed) that the rule does not take is covered too, in the same place, unless it is
a valid unified social credit code, and the editor is told where: covering too much is
harmless, missing an ID is not.
"""

import itertools
import re
from dataclasses import dataclass, field

from stdnum.cn import uscc

from ..page_rendering import TextLayer, fold
from ..redaction import merge_boxes, resident_id_boxes
from ..text import mask_resident_ids

# Room left around each character the engine placed, in shares of the line's height: its
# boxes are estimates, and a sliver of a digit left showing is still a digit.
SIDE_PADDING = 0.3
END_PADDING = 0.15
# What a digit may be read as: x (an ID's check character) and the letters that look like one.
DIGIT_LIKE = "0123456789xoilzsbd"
SUSPECT_RUN = re.compile(rf"[{DIGIT_LIKE}]+")
ID_LENGTH = 18
# A run with fewer real digits than this is a word, not a misread number.
MIN_DIGITS = 14


@dataclass
class Covering:
    """What to cover on a scan, in shares of the page: (left, top, right, bottom)."""

    boxes: tuple = ()  # over every ID's birth date, and over the suspects'
    # The runs covered although the rule does not take them: (line number from 1, masked text).
    suspects: list = field(default_factory=list)


def char_boxes(line):
    """The box of each character of ``line.text`` in pixels, or None for a space.

    The engine gives each character a box, or one box to a word of several (RapidOCR boxes a
    run of digits or Latin letters as one word): a word's box is shared out evenly, which is
    right for digits, all of one width. Where the characters do not spell the line, the line's
    own box is shared out by the characters' widths.
    """
    text = line.text
    pieces = []
    for word in line.chars:
        cut = split_box(word.box, len(word.text), runs_down(line))
        pieces += zip(word.text, cut, strict=True)
    boxes, position = [], 0
    for char in text:
        if position < len(pieces) and pieces[position][0] == char:
            boxes.append(pieces[position][1])
            position += 1
        elif char.isspace():
            boxes.append(None)
        else:
            break
    else:
        if position == len(pieces):
            return boxes
    weights = [0 if char.isspace() else 1 if ord(char) > 0x2E7F else 0.55 for char in text]
    spread = split_box(line.box, weights, runs_down(line))
    return [None if char.isspace() else box for char, box in zip(text, spread, strict=True)]


def split_box(box, parts, vertical=False):
    """``box`` cut along the line into ``parts`` (a count, or a list of relative widths)."""
    weights = [1] * parts if isinstance(parts, int) else list(parts)
    total = sum(weights) or 1
    left, top, right, bottom = box
    start, length = (top, bottom - top) if vertical else (left, right - left)
    boxes, done = [], 0
    for weight in weights:
        a, b = start + length * done / total, start + length * (done + weight) / total
        done += weight
        boxes.append((left, a, right, b) if vertical else (a, top, b, bottom))
    return boxes


def runs_down(line):
    """Whether the line's characters run down the page: a vertical column, or a line of
    text printed sideways (a box far taller than wide)."""
    return line.vertical or line.height > 1.5 * line.width


def padded(box, line):
    """``box`` (pixels) grown by a share of the line's thickness."""
    left, top, right, bottom = box
    down = runs_down(line)
    thickness = line.width if down else line.height
    across, along = thickness * SIDE_PADDING, thickness * END_PADDING
    if down:
        return left - along, top - across, right + along, bottom + across
    return left - across, top - along, right + across, bottom + along


def text_layer(recognition, order=None):
    """The recognised lines as a TextLayer: the characters folded as a PDF's are, each with
    its box in shares of the page; a line's start and a space are marked as spaced.

    ``order`` is the lines' indices in reading order (the layout's); by default as recognised.
    An ID broken over two lines is then whole in the text without spaces.
    """
    chars, boxes, spaced, starts = [], [], set(), []
    for index in order if order is not None else range(len(recognition.lines)):
        line = recognition.lines[index]
        starts.append((len(chars), index))
        spaced.add(len(chars))
        for char, box in zip(line.text, char_boxes(line), strict=True):
            if box is None:
                spaced.add(len(chars))
                continue
            share = recognition.page_box(padded(box, line))
            for folded in fold(char):
                chars.append(folded)
                boxes.append(share)
    return TextLayer(text="".join(chars), boxes=tuple(boxes), spaced=frozenset(spaced)), starts


def covering(recognition, order=None):
    """What to cover on the scan ``recognition`` was read from (see the module's docstring)."""
    layer, starts = text_layer(recognition, order)
    if not layer.text:
        return Covering()
    boxes = list(resident_id_boxes(layer))
    suspects, suspect_boxes = [], []
    for start, end in suspect_runs(layer):
        middle = range(start + 6, end - 4)
        suspect_boxes += [layer.boxes[index] for index in middle]
        line = max(number for position, number in starts if position <= start)
        shown = layer.text[start:end]
        suspects.append((line + 1, shown[:6] + "*" * len(middle) + shown[-4:]))
    boxes += merge_boxes(suspect_boxes)
    return Covering(boxes=tuple(boxes), suspects=suspects)


def suspect_runs(layer):
    """(start, end) in ``layer.text`` of each run of 18 digit-like characters, standing alone
    between line starts or spaces or other characters, that the ID rule does not take and
    that is no unified social credit code."""
    runs = []
    for match in SUSPECT_RUN.finditer(layer.text):
        for start, end in pieces(match.start(), match.end(), layer.spaced):
            run = layer.text[start:end]
            if end - start != ID_LENGTH or sum(char.isdigit() for char in run) < MIN_DIGITS:
                continue
            if not run[0].isdigit() or mask_resident_ids(run) != run:
                continue  # a word; or an ID the rule covers already
            if uscc.is_valid(run.upper()):
                continue
            runs.append((start, end))
    return runs


def pieces(start, end, spaced):
    """The run start–end cut where a space or a line's start fell, and whole."""
    cuts = [start, *(index for index in range(start + 1, end) if index in spaced), end]
    found = list(itertools.pairwise(cuts))
    return found if len(found) == 1 else [(start, end), *found]
