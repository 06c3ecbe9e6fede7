"""One page at a time: from its stored scan to draft articles and notices, its IDs covered.

``recognise_page()`` is what the batch command, the Celery task and the admin all call. A page
is claimed first (its PageRecognition row, by a conditional UPDATE that only one run can win),
so that no page is read by two runs at once, and a reading of the present file is not done
again unless asked for. A claim is a lease: a run that died leaves a claim that another may
take over once it is older than OCR_LEASE_SECONDS (at once, when the run was a process of
this machine that is gone, or the same Celery task delivered again).

The reading itself (the engine's seconds) holds no transaction. What it gives is written in
one: the drafts, the boxes over the ID numbers found, the page's images rendered again with
them, the reading's data; an interrupted run leaves the page as it was. Nothing of the page's
file or images is changed when a page cannot be read: the editor is told why in
PageRecognition.message, and RecognitionFailed says the same to the caller.
"""

import contextlib
import logging
import os
import socket
import time
import warnings
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageOps

from ..models import Page, PageRecognition, PageRedaction, RecognitionStatus
from ..page_files import render_stored_page, zone_fields
from ..page_rendering import PageFileError, draw_pdf, open_scan, read_text_layer, sniff
from . import privacy

logger = logging.getLogger(__name__)

# A PDF without a text layer (a scan inside a PDF) is drawn for the engine at 300 dpi, and no
# wider than this: about 220 dpi on a broadsheet.
PDF_WIDTH = 3000
PDF_DPI = 300


class RecognitionFailed(Exception):
    """The page could not be read; the message (in Chinese, for the editor) says why."""


def this_process():
    """Who claims a page when no task does: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease():
    return timedelta(seconds=settings.OCR_LEASE_SECONDS)


def recognise_page(page, *, force=False, claimed_by=None):
    """Read ``page``'s stored file, lay out what is read, write the drafts; PageRecognition.

    A page whose present file was read already is left alone unless ``force``; so is one that
    another run is reading. The row returned then has ``skipped`` set to True (it is False
    after a reading). ``claimed_by`` names the run (a Celery task's id); by default this
    process. RecognitionFailed when the page cannot be read (the row says why, status failed).
    """
    claimant = claimed_by or this_process()
    if not page.file:
        raise RecognitionFailed("这一版还没有附版面文件,无法识别。")
    if page.has_text_layer:
        raise RecognitionFailed("这一版的 PDF 有文字层,文字已从文字层读出,不需要识别。")
    recognition, previous = claim(page, claimant, force)
    if previous is None:
        recognition.skipped = True
        return recognition
    started = time.perf_counter()
    try:
        result = read(page)
        return write(page, recognition, claimant, result, started)
    except PageFileError as error:
        fail(recognition, claimant, str(error), started)
        raise RecognitionFailed(str(error)) from error
    except (OperationalError, InterfaceError):
        # The database went away (a transient error, which a Celery task retries): the claim
        # stays and is taken over by the retry or once its lease runs out.
        raise
    except Exception as error:
        logger.exception("OCR of page %s failed", page.pk)
        message = f"识别时出错({type(error).__name__}: {error}),请把这条消息告诉技术人员。"
        fail(recognition, claimant, message, started)
        raise RecognitionFailed(message) from error
    except BaseException:
        # Interrupted (Ctrl-C, a worker's shutdown): the page is given back as it was.
        release(recognition, claimant, previous)
        raise


def claim(page, claimant, force):
    """(the page's PageRecognition, its status before) once claimed; status None if not."""
    recognition, _ = PageRecognition.objects.get_or_create(
        page=page, defaults={"file_name": page.file.name}
    )
    if not claimable(recognition, page, claimant, force):
        return recognition, None
    now = timezone.now()
    # Claimed only if nobody has claimed it since it was read: a compare-and-swap.
    won = PageRecognition.objects.filter(
        pk=recognition.pk,
        status=recognition.status,
        claimed_by=recognition.claimed_by,
        claimed_at=recognition.claimed_at,
    ).update(
        status=RecognitionStatus.RUNNING,
        claimed_by=claimant,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated=now,
    )
    previous = recognition.status
    recognition.refresh_from_db()
    return recognition, previous if won else None


def claimable(recognition, page, claimant, force):
    if recognition.status == RecognitionStatus.DONE:
        return force or recognition.file_name != page.file.name
    if recognition.status != RecognitionStatus.RUNNING:
        return True  # queued, or failed before
    return (
        recognition.claimed_by == claimant
        or recognition.claimed_at is None
        or recognition.claimed_at < timezone.now() - lease()
        or holder_is_gone(recognition.claimed_by)
    )


def holder_is_gone(claimed_by):
    """Whether a claim was made by a process of this machine that no longer runs."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def pending(queryset, *, force=False):
    """The pages of ``queryset`` that a batch reads: scans (and PDFs without a text layer)
    not yet read in their present file, or every such page with ``force``."""
    pages = queryset.exclude(file="").filter(
        Q(has_text_layer=False) | Q(has_text_layer=None) & ~Q(file__iendswith=".pdf")
    )
    if not force:
        pages = pages.exclude(
            recognition__status=RecognitionStatus.DONE, recognition__file_name=F("file")
        )
    return pages


class Reading:
    """What reading a page file gave: the picture's recognition and its layout."""

    def __init__(self, file_name, recognition, layout):
        self.file_name = file_name
        self.recognition = recognition
        self.layout = layout


def read(page):
    """Open the page's stored file, read it and lay it out (no transaction is held)."""
    # Loaded here, not at the top: the batch command and the admin send pages to Celery
    # workers without loading the engine's models.
    from . import engine, layout

    file_name = page.file.name
    try:
        with page.file.open("rb") as stored:
            data = stored.read()
    except OSError as error:
        raise PageFileError(
            f"版面文件 {file_name} 无法读取({error.strerror or error})。"
        ) from error
    picture = open_picture(data)
    # A row of neighbouring columns read as one line is cut at the gutters first: the blocks'
    # line numbers, kept with the reading, count the lines as cut.
    recognition = layout.split_at_gutters(engine.recognise(picture))
    return Reading(file_name, recognition, layout.lay_out(recognition))


def open_picture(data):
    """The page as the engine reads it: a scan upright at its full size, or a PDF drawn."""
    kind = sniff(data)
    if kind == "pdf":
        if read_text_layer(data) is not None:
            raise PageFileError("这一版的 PDF 有文字层,文字已从文字层读出,不需要识别。")
        return draw_pdf(data, width=PDF_WIDTH, max_dpi=PDF_DPI)
    if kind is None:
        raise PageFileError("版面文件不是 PDF,也不是 PNG、JPEG 或 TIFF 图片,无法识别。")
    picture = open_scan(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return ImageOps.exif_transpose(picture).convert("RGB")
    except (OSError, SyntaxError, ValueError) as error:
        raise PageFileError("图片文件已损坏,无法读取。") from error


def write(page, recognition, claimant, reading, started):
    """Write what ``reading`` gave for ``page`` in one transaction (see the module docstring)."""
    from . import drafts

    found, layout = reading.recognition, reading.layout
    with transaction.atomic():
        recognition = PageRecognition.objects.select_for_update().get(pk=recognition.pk)
        if recognition.claimed_by != claimant or recognition.status != RecognitionStatus.RUNNING:
            # Our lease ran out and another run took the page over: its reading counts.
            logger.warning("OCR of page %s: claim lost to %s", page.pk, recognition.claimed_by)
            recognition.skipped = True
            return recognition
        page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
        if page.file.name != reading.file_name:
            # A new file was attached while the old one was read: that reading is of no use.
            recognition.status = RecognitionStatus.QUEUED
            recognition.claimed_by, recognition.claimed_at = "", None
            recognition.message = "识别期间换了版面文件,需要重新识别。"
            recognition.save()
            recognition.skipped = True
            return recognition
        # The drafts keep the reading and its blocks, each naming its item, in ``data``.
        drafts.write_recognised_page(page, found, layout)
        recognition.refresh_from_db(fields=["data"])
        covered = cover_ids(page, found, layout)
        recognition.status = RecognitionStatus.DONE
        recognition.file_name = page.file.name
        recognition.engine = found.engine[:100]
        recognition.confidence = found.confidence
        recognition.message = "\n".join(problems(found, covered))
        recognition.finished_at = timezone.now()
        recognition.seconds = round(time.perf_counter() - started, 2)
        recognition.save()
    recognition.skipped = False
    return recognition


def reading_order(layout, recognition):
    """The lines' indices as the layout reads them, then those it left out (a folio …)."""
    order = list(layout.order)
    seen = set(order)
    return order + [index for index in range(len(recognition.lines)) if index not in seen]


def cover_ids(page, recognition, layout):
    """Replace the boxes the last reading made with this one's; render the images if they
    changed. The editors' boxes stay. Returns the privacy.Covering."""
    covering = privacy.covering(recognition, reading_order(layout, recognition))
    new = [zone_fields(box) for box in covering.boxes]
    old = page.redactions.filter(found_by_ocr=True)
    kept = [
        {"left": box.left, "top": box.top, "width": box.width, "height": box.height}
        for box in old.order_by("pk")
    ]
    if kept != new:
        old.delete()
        PageRedaction.objects.bulk_create(
            PageRedaction(page=page, found_by_ocr=True, **fields) for fields in new
        )
        render_stored_page(page, force=True)
    return covering


def problems(recognition, covered):
    """What the editor is told about this reading, in Chinese, one line each: what the engine
    saw (a blank page, a page on its side, text too small, a poor reading), and the numbers
    covered that only look like IDs."""
    said = list(recognition.problems)
    if covered.suspects:
        places = "、".join(f"第 {line} 行“{shown}”" for line, shown in covered.suspects)
        said.append(
            f"识别文字中有 {len(covered.suspects)} 串 18 位数字像身份证号但不合规则"
            f"(可能认错了数字),已按身份证号涂黑中间部分:{places}。请核对遮盖框。"
        )
    return said


def fail(recognition, claimant, message, started):
    """Record that the claimed reading failed, and why; the page's files are left alone."""
    now = timezone.now()
    PageRecognition.objects.filter(pk=recognition.pk, claimed_by=claimant).update(
        status=RecognitionStatus.FAILED,
        message=message,
        finished_at=now,
        seconds=round(time.perf_counter() - started, 2),
        updated=now,
    )
    recognition.refresh_from_db()


def release(recognition, claimant, previous):
    """Give an interrupted claim back, as the page was before it."""
    with contextlib.suppress(DatabaseError):  # if it fails, the lease runs out instead
        PageRecognition.objects.filter(pk=recognition.pk, claimed_by=claimant).update(
            status=previous, claimed_by="", claimed_at=None, updated=timezone.now()
        )
