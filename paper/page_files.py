"""Attaching page files: storing a page's file and its images, and finding its zones.

A page's file, reading image, thumbnail and public PDF go through Django's storage API (the
media folder, or whatever backend STORAGES["default"] names) under names made from digests:
the same file attached again reuses what is stored, and nobody can guess the images of a page
that is not public yet. The file itself, which keeps the ID numbers, is named by its own
digest; what readers get is named by a digest of the file and of what was covered on it
(``RenderedPage.public_digest``), so a public name does not lead to the original. A file is
checked and rendered in memory before anything is written, so a bad one changes nothing.

Every render covers ID numbers (paper.redaction), with the boxes editors drew
(``Page.redaction_boxes()``), and sets the page's 待核对 flag by ``Page.update_redaction_flag()``.

Zones are found from a PDF's text layer for the articles, notices and whatever else is printed
on the page (every concrete ``paper.models.PrintedItem``) that has none yet: what an editor has
drawn or corrected is never overwritten.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from .models import printed_item_models
from .page_rendering import PageFileError, read_text_layer, render

FILE_FIELDS = ("file", "public_file", "image", "thumbnail")
PAGE_FILE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# How much text of a paragraph is looked for at its start and at its end, where the whole
# paragraph is not found.
PHRASE_LENGTH = 12
# Room left around the characters found, in fractions of the page.
ZONE_PADDING = Decimal("0.004")
FOUR_PLACES = Decimal("0.0001")


def stored_names(page, rendered):
    folder = f"pages/{page.issue.date:%Y/%m/%d}"
    public = f"{folder}/{page.code}-{rendered.public_digest}"
    names = {
        "file": f"{folder}/{page.code}-{rendered.digest}.{rendered.extension}",
        "image": f"{public}.webp",
        "thumbnail": f"{public}-thumb.webp",
    }
    if rendered.public_pdf is not None:
        names["public_file"] = f"{public}.pdf"
    return names


def stored_contents(data, rendered):
    return {
        "file": data,
        "public_file": rendered.public_pdf,
        "image": rendered.image,
        "thumbnail": rendered.thumbnail,
    }


def store_page_file(page, data, rendered, *, overwrite=False):
    """Write ``data`` and its rendered images, then point ``page`` at them.

    Files already stored under the same names are kept, except the images if ``overwrite``
    (the file itself has the same bytes whenever it has the same name). Returns the names
    written; if anything fails they are deleted again. The files the page used before are
    deleted once the transaction commits.
    """
    names = stored_names(page, rendered)
    contents = stored_contents(data, rendered)
    previous = {getattr(page, field).name for field in FILE_FIELDS} - {""}
    if page.file.name != names["file"]:
        page.redaction_checked = None  # an editor's check was of another file
    written = []
    try:
        for field, name in names.items():
            if (overwrite and field != "file") or not default_storage.exists(name):
                default_storage.delete(name)
                written.append(name)
                saved = default_storage.save(name, ContentFile(contents[field]))
                written[-1] = names[field] = saved
            getattr(page, field).name = names[field]
        if "public_file" not in names:
            # A PDF with nothing to cover is given as it is; a scan has no PDF to give.
            page.public_file.name = names["file"] if rendered.kind == "pdf" else ""
        page.image_width, page.image_height = rendered.width, rendered.height
        page.has_text_layer = rendered.has_text_layer
        page.update_redaction_flag()
        page.save(
            update_fields=[
                *FILE_FIELDS,
                "image_width",
                "image_height",
                "has_text_layer",
                "needs_redaction",
                "redaction_checked",
            ]
        )
    except BaseException:
        delete_files(written)
        raise
    unused = previous - {getattr(page, field).name for field in FILE_FIELDS}
    transaction.on_commit(lambda: delete_files(unused))
    return written


def delete_files(names):
    for name in names:
        default_storage.delete(name)


def attach_page_file(page, data, rendered=None):
    """Check, render and store one page file, and find the zones it shows; PageFileError if bad.

    ``rendered`` is the file already rendered, by a form that checked it; it is rendered again
    if the page's redaction boxes have changed since. Returns the number of zones found.
    """
    if rendered is None or rendered.cover != page.redaction_boxes():
        rendered = render(data, page.redaction_boxes())
    written = []
    try:
        with transaction.atomic():
            written = store_page_file(page, data, rendered)
            return find_zones(page, data)
    except BaseException:
        delete_files(written)
        raise


def attach_page_files(issue, directory, *, dry_run=False):
    """Attach ``directory``/A01.pdf, A02.png … to the issue's pages by code, render, find zones.

    Every file is checked and rendered before anything is stored: a bad file, or a file for a
    page the issue does not have, raises PageFileError naming it, and nothing changes; with
    ``dry_run`` nothing is stored either way. Returns (page, file path, zones found) for each
    file, in page order.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PageFileError(f"{directory}:目录不存在。")
    pages = {page.code: page for page in issue.pages.select_related("issue")}
    paths = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.suffix.lower() not in PAGE_FILE_SUFFIXES:
            continue
        code = path.stem.upper()
        if code not in pages:
            raise PageFileError(f"{path.name}:{issue}没有 {code} 版。")
        if code in paths:
            raise PageFileError(f"{path.name}:{code} 版已有文件 {paths[code].name}。")
        paths[code] = path
    rendered = {}
    for code, path in paths.items():
        try:
            rendered[code] = render(path.read_bytes(), pages[code].redaction_boxes())
        except PageFileError as error:
            raise PageFileError(f"{path.name}:{error}") from error
        except OSError as error:
            raise PageFileError(f"{path.name}:无法读取({error.strerror})。") from error
    zones = dict.fromkeys(paths, 0)
    if not dry_run:
        written = []
        try:
            with transaction.atomic():
                for code, path in paths.items():
                    data = path.read_bytes()
                    written += store_page_file(pages[code], data, rendered[code])
                    zones[code] = find_zones(pages[code], data)
        except BaseException:
            delete_files(written)
            raise
    attached = [(pages[code], path, zones[code]) for code, path in paths.items()]
    return sorted(attached, key=lambda row: (row[0].order, row[0].code))


def render_stored_page(page, *, force=False):
    """Render ``page``'s stored file again when its images are missing, or always if ``force``.

    The ID numbers are covered again, with the boxes editors have drawn since. Returns True when
    it rendered; PageFileError when the stored file is bad.
    """
    fields = FILE_FIELDS if page.has_pdf else ("file", "image", "thumbnail")
    if not force and all(
        getattr(page, field) and default_storage.exists(getattr(page, field).name)
        for field in fields
    ):
        return False
    with page.file.open("rb") as stored:
        data = stored.read()
    rendered = render(data, page.redaction_boxes())
    with transaction.atomic():
        store_page_file(page, data, rendered, overwrite=True)
    return True


def find_zones(page, data):
    """Zones from the PDF's text layer for the items printed on the page that have none.

    Each item says what finds it (``PrintedItem.zone_phrases()``): an article its headline and
    then its paragraphs, each found whole or by its first and last words; a notice the start of
    its text and then the whole of it. The zone is the rectangle around what is found, and no
    zone where the first phrase is not found. Returns the number of zones made.
    """
    layer = read_text_layer(data)
    if layer is None:
        return 0
    boxes = []
    for model in printed_item_models():
        for item in model._default_manager.filter(page=page, zones=None):
            box = locate(layer, *item.zone_phrases())
            if box:
                boxes.append((item, box))
    for item, box in boxes:
        item.zones.create(**zone_fields(box))
    return len(boxes)


def locate(layer, anchor, texts):
    """The box around ``anchor`` and whatever of ``texts`` is printed, or None without anchor."""
    found = layer.find(anchor)
    if found is None:
        return None
    spans = [found]
    for text in texts:
        pieces = [text]
        if len(text) > 2 * PHRASE_LENGTH:
            # Reflowed or retouched text: its first and last words are found all the same.
            pieces += [text[:PHRASE_LENGTH], text[-PHRASE_LENGTH:]]
        for piece in pieces:
            # Nearest after the anchor first: a phrase may recur elsewhere on the page.
            span = layer.find(piece, found[0]) or layer.find(piece)
            if span:
                spans.append(span)
                if piece is text:
                    break
    return layer.bounds(spans)


def zone_fields(box):
    left, top, right, bottom = (Decimal(value) for value in box)
    left = max(left - ZONE_PADDING, Decimal(0)).quantize(FOUR_PLACES, ROUND_FLOOR)
    top = max(top - ZONE_PADDING, Decimal(0)).quantize(FOUR_PLACES, ROUND_FLOOR)
    right = min(right + ZONE_PADDING, Decimal(1)).quantize(FOUR_PLACES, ROUND_CEILING)
    bottom = min(bottom + ZONE_PADDING, Decimal(1)).quantize(FOUR_PLACES, ROUND_CEILING)
    return {"left": left, "top": top, "width": right - left, "height": bottom - top}
