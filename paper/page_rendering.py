"""Checking a page's file, rendering the images readers see, and reading its text layer.

A page file is the one-page PDF that the layout system printed from, or a scan (PNG, JPEG,
TIFF) of a page printed before there were PDFs. From it come a reading image 2,000 px wide and
a thumbnail 300 px wide, both WebP, made once when the file is attached. PDFs are drawn by
PDFium (pypdfium2), images by Pillow: maintained and permissively licensed, unlike PyMuPDF.

Everything here works on bytes in memory and raises PageFileError with a message for the
editor; storing the results is paper.page_files' business.
"""

import hashlib
import io
import threading
import unicodedata
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import THUMBNAIL_WIDTH

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

    @property
    def extension(self):
        return "jpg" if self.kind == "jpeg" else self.kind


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


def render(data):
    """Check ``data`` (a page file's bytes) and render it: a RenderedPage or PageFileError."""
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
    if kind == "pdf":
        picture = draw_pdf(data)
    else:
        picture = open_scan(data)
        kind = SCAN_FORMATS[picture.format]
        picture = prepare_scan(picture)
    reading = fit_width(picture, READING_WIDTH)
    thumbnail = fit_width(reading, THUMBNAIL_WIDTH)
    return RenderedPage(
        kind=kind,
        digest=hashlib.sha256(data).hexdigest()[:16],
        image=encode_webp(reading, READING_QUALITY),
        thumbnail=encode_webp(thumbnail, THUMBNAIL_QUALITY),
        width=reading.width,
        height=reading.height,
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


def draw_pdf(data):
    with pdfium_lock:
        pdf = open_pdf(data)
        try:
            if len(pdf) != 1:
                raise PageFileError(
                    f"这份 PDF 有 {len(pdf)} 页;一个版面只能附一页的 PDF,请先拆分。"
                )
            page = pdf[0]
            width, height = page.get_size()
            check_proportions(width, height)
            bitmap = page.render(scale=READING_WIDTH / width, may_draw_forms=False)
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
            chars, boxes = [], []
            for index in range(textpage.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
                if not code:
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
    return TextLayer(text="".join(chars), boxes=tuple(boxes))


def clamp(value):
    return min(max(value, 0.0), 1.0)
