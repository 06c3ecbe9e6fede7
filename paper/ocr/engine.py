"""The OCR engine: a scanned page in, its lines of text with their boxes out (``recognise``).

RapidOCR's ONNX models (PP-OCRv4 detection and recognition, the 0°/180° line classifier) ship
inside the rapidocr-onnxruntime wheel; nothing is downloaded. Its parts are driven here rather
than through ``RapidOCR.__call__``, which shrinks the whole picture to 2,000 px before reading:

- the lines are *found* on a copy at most ``DETECTION_SIDE`` px long (about 150 dpi for a
  broadsheet, plenty to find lines of body text), but *read* from the full-resolution picture;
- each character's confidence is the greedy CTC decoder's best probability over the frames
  that character spans, and its box is where those frames fall on the line (``_decode``);
- a page on its side or upside down is turned and read upright (``Recognition.rotation``);
- tall narrow boxes are read two ways, turned a quarter (text printed sideways) and cut into
  character cells laid side by side (a vertical column, as older pages print), and the better
  reading is kept; a poor vertical reading is left for an editor (``Recognition.problems``).

The engine is loaded once per process; ``recognise`` holds a lock while it reads, so threads
share it one page at a time (run processes to read pages in parallel).
"""

import logging
import os
import threading
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata

import cv2
import numpy as np
from PIL import Image, ImageOps

from .lines import Char, Line, Recognition

logger = logging.getLogger(__name__)

try:
    ENGINE_NAME = f"RapidOCR {metadata.version('rapidocr-onnxruntime')} (PP-OCRv4)"
except metadata.PackageNotFoundError:  # pragma: no cover - installed with the project
    ENGINE_NAME = "RapidOCR (PP-OCRv4)"

# Lines are found on a copy whose longer side is at most this (and at least DETECTION_MIN).
DETECTION_SIDE = 2560
DETECTION_MIN = 1024
# Below this many pixels a side, a picture cannot be a page anybody can read.
SMALLEST_SIDE = 64
# Lines whose mean confidence is below this are noise (specks, rules, pictures), not text.
LINE_THRESHOLD = 0.5
# Median height of a line of text, in pixels of the picture, below which the scan is too coarse.
SMALL_TEXT = 18
# A box this many times taller than wide is a column (vertical text, or a page on its side).
TALL = 1.5
# Lines read at once by the recognition model (sorted by width, so padding stays small).
BATCH = 16

# How far the detector grows the core of each line it finds into the line's box.
UNCLIP = 1.5
# Threads for each model: the machine's cores (OCR_THREADS in the environment to share them).
THREADS = int(os.environ.get("OCR_THREADS") or os.cpu_count() or 1)

_LOCK = threading.Lock()
_ENGINE = None


def _session_options():
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = THREADS
    # Threads that wait spinning take the cores from every other process on the machine.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _engine():
    global _ENGINE
    if _ENGINE is None:
        import onnxruntime
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR()
        # The models rapidocr loaded, in sessions of our own (threads, no spinning).
        for part in (engine.text_det.infer, engine.text_cls.infer, engine.text_rec.session):
            model = part.session._model_path
            part.session = onnxruntime.InferenceSession(
                model, sess_options=_session_options(), providers=["CPUExecutionProvider"]
            )
        # Dilating the probability map joins lines across a narrow gutter (PaddleOCR's
        # default is not to); lines close together are what a newspaper column is.
        engine.text_det.postprocess_op.dilation_kernel = None
        engine.text_det.postprocess_op.unclip_ratio = UNCLIP
        _ENGINE = engine
    return _ENGINE


# --- Text as the archive keeps it ---------------------------------------------------------


def _normal_char(char):
    """Full-width ASCII punctuation, digits and letters as half-width (，→, （→( ０→0), as the
    page exports print them; 、。“”《》 stay as they are. Only one-character forms are taken,
    so that … stays … (NFKC would make it three dots)."""
    normal = unicodedata.normalize("NFKC", char)
    return normal if len(normal) == 1 else char


def normalise(text):
    return " ".join("".join(_normal_char(char) for char in text).split())


# --- Pictures -------------------------------------------------------------------------------


def _grey(picture):
    """The picture as an 8-bit grey array, EXIF orientation applied (16-bit scans scaled)."""
    picture = ImageOps.exif_transpose(picture)
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        array = np.asarray(picture.convert("F"), dtype=np.float32)
        high = float(array.max()) or 1.0
        return np.clip(array * (255.0 / high), 0, 255).astype(np.uint8)
    if picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    ):
        background = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(background, picture.convert("RGBA"))
    return np.asarray(picture.convert("L"), dtype=np.uint8)


def _stretch(grey):
    """Contrast stretched so that paper is near white and ink near black (faint microfilm)."""
    low, high = np.percentile(grey, (0.5, 99.5))
    if high - low < 8:
        return grey
    if low < 20 and high > 235:
        return grey
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low)), 0, 255)
    return lut.astype(np.uint8)[grey]


def _without_rules(grey):
    """Column rules and the rules between articles painted over with paper."""
    height, width = grey.shape
    paper = int(np.percentile(grey, 90))
    # Rules are often grey: anything clearly darker than the paper may be one.
    ink = np.where(grey < paper - 40, 255, 0).astype(np.uint8)
    rules = np.zeros_like(ink)
    for size in ((1, max(120, height // 25)), (max(120, width // 20), 1)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    if not rules.any():
        return grey
    rules = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    cleaned = grey.copy()
    cleaned[rules > 0] = paper
    return cleaned


def _rgb(grey):
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


# --- Finding lines --------------------------------------------------------------------------


def _detect(grey):
    """Quadrilaterals (4×2, clockwise from top left) of the text found, in picture pixels."""
    height, width = grey.shape
    longest = max(height, width)
    scale = min(DETECTION_SIDE, max(DETECTION_MIN, longest)) / longest
    small = (
        grey
        if scale == 1
        else cv2.resize(
            grey,
            None,
            fx=scale,
            fy=scale,
            interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
        )
    )
    detector = _engine().text_det
    detector.limit_type, detector.limit_side_len = "max", max(small.shape) + 32
    boxes, _ = detector(_rgb(small))
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(box, dtype=np.float32) / scale for box in boxes]


def _crop(grey, quad):
    """The quadrilateral cut out and straightened; with the transform back to the picture."""
    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    width, height = max(width, 2), max(height, 2)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        grey, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    return crop, np.linalg.inv(matrix)


def _to_picture(inverse, points):
    """Points of a crop as points of the picture."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(points, inverse).reshape(-1, 2)


def _bounds(points):
    return (
        float(points[:, 0].min()),
        float(points[:, 1].min()),
        float(points[:, 0].max()),
        float(points[:, 1].max()),
    )


# --- Reading lines ---------------------------------------------------------------------------


@dataclass
class _Reading:
    """What the recognition model read on one crop: characters with their x span and score."""

    text: str
    spans: list  # (left, right) in crop pixels, one per character
    scores: list

    @property
    def confidence(self):
        return float(np.mean(self.scores)) if self.scores else 0.0


def _wide_char(char):
    return unicodedata.east_asian_width(char) in "WF"


def _decode(pred, frame_width, characters):
    """Greedy CTC decoding that keeps, for each character, the frames it spans and its score
    (the best probability over those frames: rapidocr's decoder keeps only the first)."""
    best = pred.argmax(axis=1)
    probability = pred.max(axis=1)
    runs = []  # [index, first frame, last frame, score]
    previous = 0
    for frame, index in enumerate(best):
        if index != 0:
            if index == previous and runs:
                run = runs[-1]
                run[2] = frame
                run[3] = max(run[3], float(probability[frame]))
            else:
                runs.append([int(index), frame, frame, float(probability[frame])])
        previous = index
    text = "".join(characters[index] for index, *_ in runs)
    centres = [(first + last + 1) / 2 * frame_width for _, first, last, _ in runs]
    # A character is about as wide as the distance between wide characters' centres.
    wide = [
        centres[n + 1] - centres[n]
        for n in range(len(runs) - 1)
        if _wide_char(text[n]) and _wide_char(text[n + 1])
    ]
    pitch = float(np.median(wide)) if wide else None
    spans = []
    for n, centre in enumerate(centres):
        size = pitch or 4 * frame_width
        half = size / 2 if _wide_char(text[n]) else size / 4
        left = max(centre - half, (centres[n - 1] + centre) / 2 if n else 0)
        right = min(centre + half, (centre + centres[n + 1]) / 2 if n + 1 < len(runs) else 1e9)
        spans.append((left, right))
    return text, spans, [score for *_, score in runs]


def _read(crops):
    """Each crop (grey, a line upright) read by the recognition model."""
    recogniser = _engine().text_rec
    characters = recogniser.postprocess_op.character
    _, model_height, model_width = recogniser.rec_image_shape
    readings = [None] * len(crops)
    ratios = [crop.shape[1] / crop.shape[0] for crop in crops]
    order = np.argsort(ratios)
    for start in range(0, len(crops), BATCH):
        batch = order[start : start + BATCH]
        widest = max([model_width / model_height] + [ratios[n] for n in batch])
        padded = int(model_height * widest)
        images = np.concatenate(
            [recogniser.resize_norm_img(_rgb(crops[n]), widest)[np.newaxis] for n in batch]
        ).astype(np.float32)
        preds = recogniser.session(images)[0]
        frame_width = padded / preds.shape[1]
        for n, pred in zip(batch, preds, strict=True):
            height, width = crops[n].shape
            resized = min(padded, int(np.ceil(model_height * ratios[n])))
            text, spans, scores = _decode(pred, frame_width, characters)
            factor = width / resized
            readings[n] = _Reading(
                text,
                [(min(left * factor, width), min(right * factor, width)) for left, right in spans],
                scores,
            )
    return readings


def _upside_down(crops):
    """For each crop, whether the line classifier is sure it is upside down."""
    classifier = _engine().text_cls
    _, results, _ = classifier([_rgb(crop) for crop in crops])
    return [label == "180" and score > classifier.cls_thresh for label, score in results]


# --- Vertical columns -------------------------------------------------------------------------


def _cells(column):
    """A vertical column (grey, taller than wide) cut into character cells: (top, bottom)."""
    height, width = column.shape
    _, ink = cv2.threshold(column, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = ink.sum(axis=1) > max(1, width // 40)
    runs, start = [], None
    for y, inked in enumerate(rows):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append([start, y])
            start = None
    if start is not None:
        runs.append([start, height])
    if not runs:
        return []
    columns = np.flatnonzero(ink.sum(axis=0))
    size = max(4, int(columns[-1] - columns[0] + 1)) if len(columns) else width
    # Strokes of one character (三, 二) are apart; join runs while they fit one character.
    cells = [runs[0]]
    for top, bottom in runs[1:]:
        if bottom - cells[-1][0] <= size * 1.15:
            cells[-1][1] = bottom
        else:
            cells.append([top, bottom])
    # Characters printed without a gap: a run taller than one character is cut evenly.
    split = []
    for top, bottom in cells:
        count = max(1, round((bottom - top) / size))
        step = (bottom - top) / count
        split.extend((int(top + k * step), int(top + (k + 1) * step)) for k in range(count))
    return split


def _restack(column, cells):
    """The cells of a vertical column laid side by side: a horizontal line, and each cell's
    x span in it."""
    height, width = column.shape
    gap = max(2, width // 8)
    side = width
    strip = np.full((side, gap + len(cells) * (side + gap)), 255, dtype=np.uint8)
    paper = int(np.percentile(column, 90))
    strip[:] = paper
    spans = []
    x = gap
    for top, bottom in cells:
        cell = column[top:bottom]
        if cell.shape[0] > side:
            cell = cv2.resize(cell, (width, side), interpolation=cv2.INTER_AREA)
        offset = (side - cell.shape[0]) // 2
        strip[offset : offset + cell.shape[0], x : x + width] = cell
        spans.append((x, x + side))
        x += side + gap
    return strip, spans


def _read_columns(columns, turn=None):
    """Vertical columns read as cells laid side by side: (reading, the cell of each char).
    ``turn`` (a cv2 rotation) turns each cell first: how the orientation of the characters
    on a page is told (``_orientation``)."""
    prepared = []
    for column in columns:
        cells = _cells(column)
        if cells and turn is not None:
            turned = [cv2.rotate(column[top:bottom], turn) for top, bottom in cells]
            column = np.concatenate(
                [
                    cv2.resize(
                        cell,
                        (
                            column.shape[1],
                            max(1, cell.shape[0] * column.shape[1] // max(1, cell.shape[1])),
                        ),
                    )
                    for cell in turned
                ]
            )
            cells = _cells(column)
        prepared.append((cells, *_restack(column, cells)) if cells else None)
    strips = [entry[1] for entry in prepared if entry]
    readings = iter(_read(strips)) if strips else iter(())
    results = []
    for entry in prepared:
        if entry is None:
            results.append((_Reading("", [], []), []))
            continue
        cells, _, spans = entry
        reading = next(readings)
        owners = []
        for left, right in reading.spans:
            centre = (left + right) / 2
            owners.append(
                min(range(len(spans)), key=lambda k: abs((spans[k][0] + spans[k][1]) / 2 - centre))
            )
        results.append((reading, [cells[k] for k in owners]))
    return results


# --- The page ---------------------------------------------------------------------------------


@dataclass
class _Box:
    quad: np.ndarray
    crop: np.ndarray
    inverse: np.ndarray

    @property
    def tall(self):
        height, width = self.crop.shape
        return height >= TALL * width


def _line_from_reading(box, reading, turned, vertical=False):
    """A Line from the reading of a horizontal crop (``turned``: the crop was turned by a
    quarter, 1 = anticlockwise, -1 = clockwise, 2 = half, before it was read)."""
    crop_height, crop_width = box.crop.shape
    chars = []
    for char, (left, right), score in zip(reading.text, reading.spans, reading.scores, strict=True):
        if turned == 0:
            points = [(left, 0), (right, 0), (right, crop_height), (left, crop_height)]
        elif turned == 2:
            points = [(crop_width - x, y) for x, y in ((left, 0), (right, crop_height))]
        elif turned == 1:  # read after np.rot90: reading x runs down the crop from the top
            points = [(0, left), (crop_width, right)]
        else:  # turned clockwise: reading x runs up the crop from the bottom
            points = [(0, crop_height - left), (crop_width, crop_height - right)]
        chars.append(Char(_normal_char(char), _bounds(_to_picture(box.inverse, points)), score))
    return _line(chars, box, vertical=vertical)


def _line(chars, box, vertical):
    # Spaces are kept in the text (as the exports have them) but not as characters.
    kept = [char for char in chars if not char.text.isspace()]
    text = normalise("".join(char.text for char in chars))
    confidence = float(np.mean([char.confidence for char in kept])) if kept else 0.0
    return Line(
        text=text,
        box=_bounds(box.quad),
        confidence=confidence,
        chars=tuple(kept),
        vertical=vertical,
    )


def _column_line(box, reading, cells):
    crop_height, crop_width = box.crop.shape
    chars = [
        Char(
            _normal_char(char),
            _bounds(_to_picture(box.inverse, [(0, top), (crop_width, bottom)])),
            score,
        )
        for char, score, (top, bottom) in zip(reading.text, reading.scores, cells, strict=True)
    ]
    return _line(chars, box, vertical=True)


def _read_lines(grey, boxes):
    """Every box read: horizontal ones upright (flipped if the classifier says so), tall ones
    both as a column of cells and turned a quarter, the better reading kept."""
    wide = [box for box in boxes if not box.tall]
    tall = [box for box in boxes if box.tall]
    lines = []
    if wide:
        flips = _upside_down([box.crop for box in wide])
        crops = [
            cv2.rotate(box.crop, cv2.ROTATE_180) if flip else box.crop
            for box, flip in zip(wide, flips, strict=True)
        ]
        readings = _read(crops)
        # The classifier judges a line by its start: a line it turned, or one read poorly,
        # is read the other way up too, and the better reading kept.
        doubtful = [
            n
            for n, (flip, reading) in enumerate(zip(flips, readings, strict=True))
            if flip or reading.confidence < 0.8
        ]
        if doubtful:
            others = _read([cv2.rotate(crops[n], cv2.ROTATE_180) for n in doubtful])
            for n, other in zip(doubtful, others, strict=True):
                if other.confidence > readings[n].confidence:
                    readings[n], flips[n] = other, not flips[n]
        for box, flip, reading in zip(wide, flips, readings, strict=True):
            lines.append(_line_from_reading(box, reading, 2 if flip else 0))
    if tall:
        turned = [np.rot90(box.crop).copy() for box in tall]
        flips = _upside_down(turned)
        turned = [
            cv2.rotate(crop, cv2.ROTATE_180) if flip else crop
            for crop, flip in zip(turned, flips, strict=True)
        ]
        sideways = _read(turned)
        columns = _read_columns([box.crop for box in tall])
        for box, flip, side, (column, cells) in zip(tall, flips, sideways, columns, strict=True):
            # On a page read upright a tall box is a vertical column; read as cells or turned
            # a quarter (the model reads characters turned anticlockwise), the better kept.
            if column.confidence >= side.confidence:
                lines.append(_column_line(box, column, cells))
            else:
                lines.append(_line_from_reading(box, side, -1 if flip else 1, vertical=True))
    return lines


def _mean_confidence(columns, turn=None):
    return float(np.mean([reading.confidence for reading, _ in _read_columns(columns, turn)]))


def _orientation(boxes):
    """How far the page must be turned clockwise to read it upright: 0, 90, 180 or 270,
    judged on a sample of its boxes.

    Mostly tall boxes are vertical columns or a page on its side. The recognition model reads
    upright characters and characters turned a quarter anticlockwise (PaddleOCR reads vertical
    text turned that way), not characters turned clockwise nor upside down. So the columns'
    cells are read as they are, each turned clockwise and each turned anticlockwise: cells that
    read well turned clockwise lie anticlockwise on the page (turn the page clockwise); cells
    that read well only turned anticlockwise lie clockwise (turn it anticlockwise); cells that
    read well as they are and turned anticlockwise are upright: vertical text.
    """
    if len(boxes) < 3:
        return 0
    sample = sorted(boxes, key=lambda box: -box.crop.size)[:12]
    tall = [box for box in sample if box.tall]
    if len(tall) >= 0.6 * len(sample):
        columns = [box.crop for box in tall]
        clockwise = _mean_confidence(columns, cv2.ROTATE_90_CLOCKWISE)
        anticlockwise = _mean_confidence(columns, cv2.ROTATE_90_COUNTERCLOCKWISE)
        if clockwise > anticlockwise:
            return 90
        if _mean_confidence(columns) < anticlockwise - 0.2:
            return 270
        return 0
    wide = [box for box in sample if not box.tall]
    flips = _upside_down([box.crop for box in wide])
    return 180 if sum(flips) >= 0.6 * len(wide) else 0


def _find_boxes(grey):
    """The lines found, each cut out of the picture without its rules (which keep lines of
    neighbouring columns apart for the detector, but read as 「 or 」 beside a line)."""
    cleaned = _without_rules(grey)
    return [_Box(quad, *_crop(cleaned, quad)) for quad in _detect(grey)]


# Lines further askew than this (degrees) are levelled before they are read; past MAX_SKEW the
# page is not askew but set at an angle on purpose (or the estimate is wrong).
MIN_SKEW = 0.25
MAX_SKEW = 8.0


def _skew(boxes):
    """How far (degrees, anticlockwise) the picture must be turned to level its lines: the
    median slope of the long horizontal lines found, 0.0 when they are level already."""
    angles = []
    for box in boxes:
        along = box.quad[1] - box.quad[0]
        across = np.linalg.norm(box.quad[3] - box.quad[0])
        if np.linalg.norm(along) > 4 * across:
            angles.append(np.degrees(np.arctan2(along[1], along[0])))
    if len(angles) < 5:
        return 0.0
    angle = float(np.median(angles))
    return round(angle, 2) if MIN_SKEW <= abs(angle) <= MAX_SKEW else 0.0


def _turn_matrix(shape, angle):
    height, width = shape
    return cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)


def _turned(grey, angle):
    """The picture turned ``angle`` degrees anticlockwise about its centre, its size kept."""
    height, width = grey.shape
    paper = int(np.percentile(grey, 90))
    return cv2.warpAffine(
        grey,
        _turn_matrix(grey.shape, angle),
        (width, height),
        flags=cv2.INTER_CUBIC,
        borderValue=paper,
    )


def _turned_quads(quads, shape, angle):
    matrix = _turn_matrix(shape, angle)
    return [
        cv2.transform(quad.reshape(-1, 1, 2), matrix).reshape(-1, 2).astype(np.float32)
        for quad in quads
    ]


TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
TURN_WORDS = {90: "顺时针旋转90°", 180: "旋转180°", 270: "逆时针旋转90°"}


def _read_page(grey):
    problems = []
    grey = _stretch(grey)
    boxes = _find_boxes(grey)
    rotation = _orientation(boxes)
    if rotation:
        grey = cv2.rotate(grey, TURNS[rotation])
        boxes = _find_boxes(grey)
        how = "横放的" if rotation in (90, 270) else "倒置的"
        problems.append(
            f"扫描图可能是{how}：已将其{TURN_WORDS[rotation]}后识别，识别结果中的位置按转正后的"
            f"图计算。请把扫描图转正后重新上传，区域才与扫描图对应。"
        )
    skew = _skew(boxes)
    if skew:
        grey = _turned(grey, skew)
        cleaned = _without_rules(grey)
        quads = _turned_quads([box.quad for box in boxes], grey.shape, skew)
        boxes = [_Box(quad, *_crop(cleaned, quad)) for quad in quads]
    lines = [line for line in _read_lines(grey, boxes) if line.chars]
    lines = [line for line in lines if line.confidence >= LINE_THRESHOLD]
    lines.sort(key=lambda line: (line.box[1], line.box[0]))
    return grey.shape, lines, rotation, skew, problems


def _describe(lines, height, width):
    """What an editor must know of a reading: Chinese messages."""
    problems = []
    if not lines:
        problems.append(
            "未在扫描图上找到文字：可能是空白页、图片页，或扫描过淡、过暗。请检查扫描图，必要时重新扫描。"
        )
        return problems
    horizontal = [line for line in lines if not line.vertical]
    if horizontal:
        text_height = float(np.median([line.height for line in horizontal]))
        if text_height < SMALL_TEXT:
            problems.append(
                f"文字太小（行高约{text_height:.0f}像素），扫描分辨率可能过低，识别结果可能有较多错误；"
                f"建议以300 dpi或更高分辨率重新扫描。"
            )
    vertical = [line for line in lines if line.vertical]
    if vertical:
        poor = [line for line in vertical if line.confidence < 0.8]
        message = f"页面上有{len(vertical)}行竖排文字，已按竖排识别"
        if poor:
            message += f"，其中{len(poor)}行识别把握不大，请编辑对照扫描图核对"
        problems.append(message + "。")
    confidence = np.mean([line.confidence for line in lines])
    if confidence < 0.8:
        problems.append(
            f"整页识别把握不大（平均置信度{confidence:.0%}）：扫描可能模糊、过淡或有污损，请仔细核对。"
        )
    return problems


def recognise(picture):
    """The text on ``picture`` (a PIL image of a scanned page) as a Recognition.

    Never raises on a picture Pillow has opened: what went wrong is in ``problems`` (Chinese,
    for the editor), with no lines when nothing could be read.
    """
    started = time.perf_counter()
    width, height = picture.size
    recognition = Recognition(width=width, height=height, engine=ENGINE_NAME)
    try:
        grey = _grey(picture)
    except (OSError, ValueError, SyntaxError) as error:
        logger.warning("OCR: picture unreadable: %s", error)
        recognition.problems.append("扫描图无法读取（文件可能损坏或不完整），请重新上传。")
        return recognition
    height, width = grey.shape
    recognition.width, recognition.height = width, height
    if min(width, height) < SMALLEST_SIDE:
        recognition.problems.append(
            f"扫描图太小（{width}×{height}像素），无法识别文字；请上传300 dpi或更高分辨率的扫描图。"
        )
        return recognition
    try:
        with _LOCK:
            (height, width), lines, rotation, skew, problems = _read_page(grey)
    except Exception:  # a bug here must not stop a batch: the editor is told, the log has it
        logger.exception("OCR failed on a %d×%d picture", width, height)
        recognition.problems.append(
            "识别过程出错，未能读出文字；请重试，或把扫描图交给技术人员检查。"
        )
        recognition.seconds = time.perf_counter() - started
        return recognition
    recognition.width, recognition.height = width, height
    recognition.lines = lines
    recognition.rotation = rotation
    recognition.skew = skew
    recognition.problems = problems + _describe(lines, height, width)
    recognition.seconds = time.perf_counter() - started
    return recognition
