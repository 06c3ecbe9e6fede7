"""Covering resident ID numbers on page files: where they are printed, and a PDF without them.

paper.text says what an ID is and which of its characters the public mask hides: the birth
date. Those characters are what is covered here, on the images and in the PDF, so that a page
shows an ID as the notice's text on the site does (370602********1239), and the digits left
readable tell an editor that the right thing was covered.

The public PDF is made with PDFium (pypdfium2, already used to draw pages; BSD/Apache
licensed): the text objects under a box are taken out and the characters outside the box put
back one by one where they were printed, then the box is drawn over the place. What PDFium
cannot take out cleanly (an image under a box, text inside a form object, a page without a
text layer) is not guessed at: the caller then gives readers the covered page image as a PDF.
"""

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .text import find_resident_ids

# Room left around the characters covered, in fractions of the page: 1 pt on a broadsheet.
PADDING = 0.001
IMAGE_PDF_QUALITY = 85


def resident_id_boxes(layer):
    """The boxes over the birth-date digits of the resident IDs in ``layer`` (a TextLayer).

    The IDs are looked for twice: in the text without its spaces, where an ID broken over two
    lines is whole, and with them, where a phone number printed just before an ID does not run
    into it. Covering too much is harmless; missing an ID is not.
    """
    if layer is None:
        return ()
    hidden = {index for found in find_resident_ids(layer.text) for index in found.hidden}
    spaced, positions = [], []
    for index, char in enumerate(layer.text):
        if index in layer.spaced:
            spaced.append(" ")
            positions.append(None)
        spaced.append(char)
        positions.append(index)
    for found in find_resident_ids("".join(spaced)):
        hidden.update(positions[index] for index in found.hidden)
    return merge_boxes(layer.boxes[index] for index in sorted(hidden))


def merge_boxes(boxes):
    """Characters' boxes joined into one box per line they run along, with some room around."""
    merged = []
    for left, top, right, bottom in boxes:
        if merged:
            last_left, last_top, last_right, last_bottom = merged[-1]
            same_line = top < last_bottom and bottom > last_top
            if same_line and -(bottom - top) < left - last_right < bottom - top:
                merged[-1] = (
                    min(left, last_left),
                    min(top, last_top),
                    max(right, last_right),
                    max(bottom, last_bottom),
                )
                continue
        merged.append((left, top, right, bottom))
    return tuple(
        (
            max(left - PADDING, 0.0),
            max(top - PADDING, 0.0),
            min(right + PADDING, 1.0),
            min(bottom + PADDING, 1.0),
        )
        for left, top, right, bottom in merged
    )


def redact_pdf_page(pdf, boxes):
    """The bytes of a copy of ``pdf``'s page with ``boxes`` black and no text under them.

    ``boxes`` are fractions of the page (left, top, right, bottom from the top left). Returns
    None where that cannot be done safely here (see the module's docstring). The copy is a new
    document holding only the page: nothing the page no longer uses (the old content stream,
    the metadata, an outline) comes along. Call it holding page_rendering.pdfium_lock.
    """
    page = pdf[0]
    if page.get_rotation():
        return None
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    # x0, y0, x1, y1 in PDF space, y upwards.
    rects = [
        (left + x0 * width, top - y1 * height, left + x1 * width, top - y0 * height)
        for x0, y0, x1, y1 in boxes
    ]

    def covers(x0, y0, x1, y1):
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        return any(a <= x <= c and b <= y <= d for a, b, c, d in rects)

    def overlaps(x0, y0, x1, y1):
        return any(x0 < c and a < x1 and y0 < d and b < y1 for a, b, c, d in rects)

    for obj in page.get_objects():
        # An image's pixels stay in the file under a black box: not a redaction.
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE and overlaps(*obj.get_bounds()):
            return None

    textpage = page.get_textpage()
    try:
        by_object, kept = {}, 0
        for index in range(textpage.count_chars()):
            obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
            if not obj:
                continue  # a space or line break PDFium supplied: nothing printed
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            covered = covers(*textpage.get_charbox(index, loose=True))
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
            address = ctypes.cast(obj, ctypes.c_void_p).value
            by_object.setdefault(address, (obj, []))[1].append((char, covered, x.value, y.value))
            kept += not covered and not char.isspace()
    finally:
        textpage.close()

    for obj, chars in by_object.values():
        if any(covered for _, covered, _, _ in chars) and not replace_text_object(
            pdf, page, obj, chars
        ):
            return None
    for x0, y0, x1, y1 in rects:
        box = pdfium_c.FPDFPageObj_CreateNewRect(x0, y0, x1 - x0, y1 - y0)
        pdfium_c.FPDFPageObj_SetFillColor(box, 0, 0, 0, 255)
        pdfium_c.FPDFPath_SetDrawMode(box, pdfium_c.FPDF_FILLMODE_WINDING, False)
        pdfium_c.FPDFPage_InsertObject(page.raw, box)
    for index in reversed(range(pdfium_c.FPDFPage_GetAnnotCount(page.raw))):
        pdfium_c.FPDFPage_RemoveAnnot(page.raw, index)  # a note or a form field may hold text
    if not pdfium_c.FPDFPage_GenerateContent(page.raw):
        return None
    copy = pdfium.PdfDocument.new()
    try:
        copy.import_pages(pdf, [0])
        buffer = io.BytesIO()
        copy.save(buffer)
    finally:
        copy.close()
    data = buffer.getvalue()
    return data if check_redacted(data, covers, kept) else None


def replace_text_object(pdf, page, obj, chars):
    """Put ``obj``'s characters outside the boxes back one by one, then remove ``obj``.

    Each character becomes a text object of its own at the origin it was printed at, in the
    same font, size, matrix, colours and rendering mode: spacing, kerning and justification
    stay as printed. False when the object cannot be removed (it is inside a form object).
    """
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    size = ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()
    if not (
        font
        and pdfium_c.FPDFTextObj_GetFontSize(obj, size)
        and pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
    ):
        return False
    fill = [ctypes.c_uint() for _ in range(4)]
    stroke = [ctypes.c_uint() for _ in range(4)]
    has_fill = pdfium_c.FPDFPageObj_GetFillColor(obj, *fill)
    has_stroke = pdfium_c.FPDFPageObj_GetStrokeColor(obj, *stroke)
    mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
    # Where the object stands among the page's: the characters go back there, so that they
    # are drawn under what was drawn over them and read in the order they were.
    address = ctypes.cast(obj, ctypes.c_void_p).value
    position = next(
        (
            index
            for index in range(pdfium_c.FPDFPage_CountObjects(page.raw))
            if ctypes.cast(pdfium_c.FPDFPage_GetObject(page.raw, index), ctypes.c_void_p).value
            == address
        ),
        None,
    )
    if position is None or not pdfium_c.FPDFPage_RemoveObject(page.raw, obj):
        return False  # inside a form object
    pdfium_c.FPDFPageObj_Destroy(obj)
    for char, covered, x, y in chars:
        if covered or char.isspace():
            continue
        new = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, size.value)
        text = ctypes.create_string_buffer((char + "\0").encode("utf-16-le"))
        if not pdfium_c.FPDFText_SetText(new, ctypes.cast(text, pdfium_c.FPDF_WIDESTRING)):
            pdfium_c.FPDFPageObj_Destroy(new)
            return False
        placed = pdfium_c.FS_MATRIX(matrix.a, matrix.b, matrix.c, matrix.d, x, y)
        pdfium_c.FPDFPageObj_SetMatrix(new, placed)
        if has_fill:
            pdfium_c.FPDFPageObj_SetFillColor(new, *(value.value for value in fill))
        if has_stroke:
            pdfium_c.FPDFPageObj_SetStrokeColor(new, *(value.value for value in stroke))
        pdfium_c.FPDFTextObj_SetTextRenderMode(new, mode)
        pdfium_c.FPDFPage_InsertObjectAtIndex(page.raw, new, position)
        position += 1
    return True


def check_redacted(data, covers, kept):
    """Read the copy back: no character under a box, and every other one still there."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[0].get_textpage()
        found = 0
        for index in range(textpage.count_chars()):
            if not pdfium_c.FPDFText_GetTextObject(textpage.raw, index):
                continue
            if covers(*textpage.get_charbox(index, loose=True)):
                return False
            found += not chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)).isspace()
        textpage.close()
        return found == kept
    finally:
        pdf.close()


def image_pdf(picture, size):
    """``picture`` as a one-page PDF of ``size`` (width, height in points)."""
    buffer = io.BytesIO()
    picture.save(buffer, "PDF", resolution=picture.width * 72 / size[0], quality=IMAGE_PDF_QUALITY)
    return buffer.getvalue()
