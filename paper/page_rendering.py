"""Checking a page's file, rendering the images readers see, and reading its text layer.

A page file is the one-page PDF that the layout system printed from, or a scan (PNG, JPEG,
TIFF) of a page printed before there were PDFs. From it come a reading image 2,000 px wide and
a thumbnail 300 px wide, both WebP, made once when the file is attached. PDFs are drawn by
PDFium (pypdfium2), images by Pillow: maintained and permissively licensed, unlike PyMuPDF.

Resident ID numbers are covered as the file is rendered (see paper.redaction): the birth-date
digits of each ID the text layer shows, and the boxes an editor drew, are filled in black on
the images, and a PDF gets a public copy with the boxes burned in and the text under them gone.

Everything here works on bytes in memory and raises PageFileError with a message for the
editor; storing the results is paper.page_files' business.
"""

import hashlib
import io
import math
import threading
import unicodedata
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .models import THUMBNAIL_WIDTH
from .redaction import image_pdf, redact_pdf_page, resident_id_boxes

READING_WIDTH = 2000
READING_QUALITY = 75
THUMBNAIL_QUALITY = 75
# libwebp's effort, 0–6: past 2 the files hardly shrink and encoding takes twice as long.
WEBP_METHOD = 2
# A broadsheet scanned at 600 dpi is about 120 million pixels; more than this is not a page.
MAX_PIXELS = 150_000_000
# Narrower than this, a scan is too coarse to read a page from.
MIN_SCAN_WIDTH = 600
# Width over height: a broadsheet or tabloid page is about 0.7, a double-page spread about 1.4.
MIN_PROPORTION, MAX_PROPORTION = 0.25, 4.0

KIND_NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
SCAN_FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "TIFF": "tiff"}

# PDFium is not thread-safe, and a threaded server renders in several threads of one process.
pdfium_lock = threading.Lock()


class PageFileError(ValueError):
    """A page file that cannot be used; the message tells the editor why."""


@dataclass(frozen=True)
class RenderedPage:
    kind: str  # "pdf", "png", "jpeg" or "tiff": what the file is, whatever its name says
    digest: str  # of the file's bytes: stored files are named by it
    image: bytes  # WebP, READING_WIDTH wide (narrower only for a narrower scan)
    thumbnail: bytes  # WebP, THUMBNAIL_WIDTH wide
    width: int
    height: int
    # Whether a PDF text layer said where the characters are: without one, nobody knows where
    # an ID number is printed until an editor has looked (Page.needs_redaction).
    has_text_layer: bool = False
    cover: tuple = ()  # the editor's boxes it was rendered with, (left, top, right, bottom)
    covered: tuple = ()  # every box filled in: the IDs found and the editor's boxes
    # The PDF readers download: the file with ``covered`` burned in and the text under it
    # removed; None when the file is a scan, or a PDF with nothing to cover.
    public_pdf: bytes | None = None

    @property
    def extension(self):
        return "jpg" if self.kind == "jpeg" else self.kind

    @property
    def public_digest(self):
        """Names the public files: a digest of the file and what was covered on it.

        The public images are named by it rather than by the file's digest, so that their
        names do not give away the name of the original, which keeps the numbers; and a new
        box gives new names, which no cache has seen.
        """
        key = f"{self.digest} {self.covered!r}".encode()
        return hashlib.sha256(key).hexdigest()[:16]


def max_bytes():
    return settings.PAGE_FILE_MAX_MB * 1024 * 1024


def sniff(data):
    """The file's type from its first bytes, or None: names and browsers' claims can lie."""
    if b"%PDF-" in data[:1024]:  # the PDF header may follow some junk, within 1 KB
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def render(data, cover=()):
    """Check ``data`` (a page file's bytes) and render it: a RenderedPage or PageFileError.

    The birth-date digits of the resident IDs in a PDF's text layer are covered, and so are
    the boxes in ``cover`` (an editor's, in fractions of the page: left, top, right, bottom).
    """
    if not data:
        raise PageFileError("文件是空的。")
    if len(data) > max_bytes():
        raise PageFileError(
            f"文件有 {len(data) / 1024 / 1024:.1f} MB,"
            f"超过了 {settings.PAGE_FILE_MAX_MB} MB 的上限。"
        )
    kind = sniff(data)
    if kind is None:
        raise PageFileError("这个文件不是 PDF,也不是 PNG、JPEG 或 TIFF 图片。")
    cover = tuple(tuple(float(value) for value in box) for box in cover)
    layer, public_pdf = None, None
    if kind == "pdf":
        picture = draw_pdf(data)
        layer = read_text_layer(data)
    else:
        picture = open_scan(data)
        kind = SCAN_FORMATS[picture.format]
        picture = prepare_scan(picture)
    covered = (*resident_id_boxes(layer), *cover)
    # Covered before scaling, so that the thumbnail is made from the covered image.
    cover_picture(picture, covered)
    reading = fit_width(picture, READING_WIDTH)
    thumbnail = fit_width(reading, THUMBNAIL_WIDTH)
    if kind == "pdf" and covered:
        public_pdf = public_copy(data, covered, picture, vector=layer is not None)
    return RenderedPage(
        kind=kind,
        digest=hashlib.sha256(data).hexdigest()[:16],
        image=encode_webp(reading, READING_QUALITY),
        thumbnail=encode_webp(thumbnail, THUMBNAIL_QUALITY),
        width=reading.width,
        height=reading.height,
        has_text_layer=layer is not None,
        cover=cover,
        covered=covered,
        public_pdf=public_pdf,
    )


def public_copy(data, boxes, picture, *, vector=True):
    """The PDF readers download: ``boxes`` burned in, the text under them removed.

    A page whose text cannot be cut out safely (no text layer, so most likely a scan inside a
    PDF; an image under a box; text in a form object) is given as ``picture``, the covered
    reading image, instead: a page that is only an image keeps nothing under its boxes.
    """
    with pdfium_lock:
        pdf = open_pdf(data)
        try:
            size = pdf[0].get_size()
            redacted = redact_pdf_page(pdf, boxes) if vector else None
        finally:
            pdf.close()
    return redacted if redacted is not None else image_pdf(picture, size)


def cover_picture(picture, boxes):
    """Fill ``boxes`` (fractions of the page) in black on ``picture``, in place."""
    draw = ImageDraw.Draw(picture)
    for left, top, right, bottom in boxes:
        # Outwards to whole pixels: a sliver of a digit left showing is still a digit.
        draw.rectangle(
            [
                math.floor(left * picture.width),
                math.floor(top * picture.height),
                math.ceil(right * picture.width) - 1,
                math.ceil(bottom * picture.height) - 1,
            ],
            fill="black",
        )


def check_proportions(width, height):
    if not width or not height or not MIN_PROPORTION <= width / height <= MAX_PROPORTION:
        raise PageFileError(f"页面尺寸 {width:.0f}×{height:.0f} 不像一个版面,请检查文件。")


def open_pdf(data):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise PageFileError("这份 PDF 设置了密码,无法打开,请上传未加密的文件。") from error
        raise PageFileError("PDF 文件已损坏,无法打开。") from error


def draw_pdf(data, width=READING_WIDTH, max_dpi=None):
    """The PDF's one page drawn ``width`` pixels wide (no finer than ``max_dpi``), in RGB."""
    with pdfium_lock:
        pdf = open_pdf(data)
        try:
            if len(pdf) != 1:
                raise PageFileError(
                    f"这份 PDF 有 {len(pdf)} 页;一个版面只能附一页的 PDF,请先拆分。"
                )
            page = pdf[0]
            page_width, page_height = page.get_size()
            check_proportions(page_width, page_height)
            if max_dpi:
                width = min(width, round(page_width * max_dpi / 72))
            bitmap = page.render(scale=width / page_width, may_draw_forms=False)
            # The bitmap's memory goes with the document: copy it out before closing.
            return bitmap.to_pil().convert("RGB")
        finally:
            pdf.close()


def open_scan(data):
    try:
        with warnings.catch_warnings():
            # Pillow warns past 89 million pixels (the limit that counts is checked below) and
            # about damaged EXIF data, which is no reason to refuse a scan.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)
            picture = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise PageFileError(
            f"图片的像素太多,超过了 {MAX_PIXELS // 1_000_000} 百万像素的上限。"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PageFileError("图片文件已损坏,无法读取。") from error
    if picture.format not in SCAN_FORMATS:
        raise PageFileError("图片文件已损坏,无法读取。")
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise PageFileError(
            f"图片有 {width}×{height} 像素,超过了 {MAX_PIXELS // 1_000_000} 百万像素的上限。"
        )
    if width < MIN_SCAN_WIDTH:
        raise PageFileError(
            f"图片只有 {width} 像素宽,看不清版面;请上传至少 {MIN_SCAN_WIDTH} 像素宽的扫描图。"
        )
    if getattr(picture, "n_frames", 1) > 1:
        raise PageFileError(f"这个图片文件有 {picture.n_frames} 页;一个版面只能附一页。")
    check_proportions(width, height)
    return picture


def prepare_scan(picture):
    """The scan upright and in RGB, decoded at no more than the size it will be shown at."""
    try:
        if picture.format == "JPEG":
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: far less time and memory for a big scan.
            target = READING_WIDTH, round(picture.height * READING_WIDTH / picture.width)
            picture.draft("RGB", target)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return ImageOps.exif_transpose(picture).convert("RGB")
    except (OSError, SyntaxError, ValueError) as error:
        raise PageFileError("图片文件已损坏,无法读取。") from error


def fit_width(picture, width):
    if picture.width <= width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode_webp(picture, quality):
    buffer = io.BytesIO()
    picture.save(buffer, "WEBP", quality=quality, method=WEBP_METHOD)
    return buffer.getvalue()


@dataclass(frozen=True)
class TextLayer:
    """The characters printed on a PDF page, each with its box in fractions of the page.

    ``text`` leaves out whitespace and folds width and case (NFKC, lower case), so that a
    headline is found however the layout program broke its lines.
    """

    text: str
    boxes: tuple  # (left, top, right, bottom) of each character of ``text``, 0–1 from top left
    # Indices of the characters of ``text`` that followed whitespace (or a line break) in
    # the PDF: IDs are also looked for in the text with its spaces (paper.redaction).
    spaced: frozenset = frozenset()

    def find(self, phrase, start=0):
        """(start, end) of the first occurrence of ``phrase`` from ``start``, or None."""
        needle = fold(phrase)
        if not needle:
            return None
        index = self.text.find(needle, start)
        return None if index < 0 else (index, index + len(needle))

    def bounds(self, spans):
        """The rectangle around the characters of ``spans``: (left, top, right, bottom)."""
        boxes = [box for start, end in spans for box in self.boxes[start:end]]
        return (
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        )


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if not c.isspace())


def read_text_layer(data):
    """The text layer of a one-page PDF, or None where there is none to use."""
    if sniff(data) != "pdf":
        return None
    with pdfium_lock:
        pdf = open_pdf(data)
        try:
            page = pdf[0]
            if page.get_rotation():
                return None  # boxes would need turning; rotated pages are rare enough to draw
            left, bottom, right, top = page.get_cropbox()
            width, height = right - left, top - bottom
            textpage = page.get_textpage()
            chars, boxes, spaced = [], [], set()
            for index in range(textpage.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
                if not code:
                    continue
                if chr(code).isspace():
                    spaced.add(len(chars))
                    continue
                x0, y0, x1, y1 = textpage.get_charbox(index, loose=True)
                box = (
                    clamp((x0 - left) / width),
                    clamp((top - y1) / height),
                    clamp((x1 - left) / width),
                    clamp((top - y0) / height),
                )
                for char in fold(chr(code)):
                    chars.append(char)
                    boxes.append(box)
        finally:
            pdf.close()
    if not chars:
        return None
    return TextLayer(text="".join(chars), boxes=tuple(boxes), spaced=frozenset(spaced))


def clamp(value):
    return min(max(value, 0.0), 1.0)
