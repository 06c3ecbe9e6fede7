"""One scanned page through the OCR (paper.ocr.pipeline): claimed once, read, written whole."""

import io
import math
import socket
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from paper.models import PageRecognition, PageRedaction, printed_item_models
from paper.ocr.pipeline import RecognitionFailed, recognise_page
from tests.factories import (
    PRINTED_PAGE,
    make_pdf,
    make_scanned_page,
    make_text_scan,
    text_box,
)
from tests.paper.test_page_redaction import darkness as darkness_of

pytestmark = pytest.mark.django_db

ID_LINE = PRINTED_PAGE[6]  # 370602199001011239,声明作废。
BIRTH_DATE = text_box(ID_LINE, 6, 8)
READABLE = [text_box(ID_LINE, 0, 6), text_box(ID_LINE, 14, 4)]
# The middle of the headline's second character.
_HEADLINE = text_box(PRINTED_PAGE[0], 1, 1)
HEADLINE_START = ((_HEADLINE[0] + _HEADLINE[2]) / 2, (_HEADLINE[1] + _HEADLINE[3]) / 2)


def drafts(page):
    return [item for model in printed_item_models() for item in model.objects.filter(page=page)]


def darkness(field, box):
    """The share of dark pixels of a stored image (a FieldFile) in ``box`` (shares)."""
    with field.open("rb") as stored:
        return darkness_of(Image.open(io.BytesIO(stored.read())).convert("L"), box)


def stored_bytes(field):
    with field.open("rb") as stored:
        return stored.read()


@pytest.fixture
def scanned_page():
    return make_scanned_page(code="A03", name="公告")


def test_a_scan_becomes_draft_items_and_its_reading_is_kept(scanned_page):
    recognition = recognise_page(scanned_page)
    assert recognition.skipped is False
    assert recognition.status == PageRecognition.Status.DONE
    assert recognition.file_name == scanned_page.file.name
    assert recognition.is_current
    assert recognition.engine.startswith("RapidOCR")
    assert 0.8 < recognition.confidence <= 1
    assert recognition.seconds > 0 and recognition.finished_at and recognition.attempts == 1
    text = "".join(line["text"] for line in recognition.data["lines"])
    assert "烟台港举行安全生产会议" in text
    assert recognition.data["blocks"] and all(
        block["kind"] and len(block["box"]) == 4 for block in recognition.data["blocks"]
    )
    items = drafts(scanned_page)
    assert items and all(item.needs_review and item.is_recognised_text for item in items)
    linked = {
        (b["item"]["model"], b["item"]["pk"]) for b in recognition.data["blocks"] if b["item"]
    }
    assert linked == {(item._meta.label_lower, item.pk) for item in items}


def test_a_page_read_already_is_not_read_again_unless_forced(scanned_page):
    first = recognise_page(scanned_page)
    again = recognise_page(scanned_page)
    assert again.skipped and again.attempts == 1 and again.finished_at == first.finished_at
    forced = recognise_page(scanned_page, force=True)
    assert not forced.skipped and forced.attempts == 2
    # A reading again replaces the drafts it made rather than adding to them.
    assert len(drafts(scanned_page)) == len(
        {(b["item"]["model"], b["item"]["pk"]) for b in forced.data["blocks"] if b["item"]}
    )


def test_a_page_another_run_is_reading_is_left_to_it(scanned_page):
    now = timezone.now()
    PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.RUNNING,
        claimed_by="celery:another-task",
        claimed_at=now,
    )
    recognition = recognise_page(scanned_page)
    assert recognition.skipped
    assert recognition.status == PageRecognition.Status.RUNNING
    assert recognition.claimed_by == "celery:another-task"
    assert drafts(scanned_page) == []


@pytest.mark.parametrize(
    ("claimed_by", "age"),
    [
        ("celery:a-task-whose-worker-died", timedelta(hours=1)),  # older than the lease
        (f"{socket.gethostname()}:999999999", timedelta(0)),  # a process here that is gone
        ("celery:this-task", timedelta(0)),  # the same task, delivered again
    ],
)
def test_a_claim_whose_run_died_is_taken_over(scanned_page, claimed_by, age):
    PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.RUNNING,
        claimed_by=claimed_by,
        claimed_at=timezone.now() - age,
        attempts=1,
    )
    recognition = recognise_page(scanned_page, claimed_by="celery:this-task")
    assert not recognition.skipped
    assert recognition.status == PageRecognition.Status.DONE
    assert recognition.attempts == 2 and recognition.claimed_by == "celery:this-task"


def test_the_id_read_on_a_scan_is_covered_on_its_public_images(scanned_page, client):
    original = stored_bytes(scanned_page.file)
    assert darkness(scanned_page.image, BIRTH_DATE) > 0.05  # printed, not yet covered
    recognise_page(scanned_page)
    scanned_page.refresh_from_db()
    boxes = PageRedaction.objects.filter(page=scanned_page)
    assert boxes and all(box.found_by_ocr for box in boxes)
    assert darkness(scanned_page.image, BIRTH_DATE) > 0.97
    assert darkness(scanned_page.thumbnail, BIRTH_DATE) > 0.9
    for box in READABLE:
        assert darkness(scanned_page.image, box) < 0.6  # the first six and last four show
    assert stored_bytes(scanned_page.file) == original  # the original keeps the number
    # The page carries a notice of IDs and nobody has checked the scan: it stays 待核对.
    assert scanned_page.needs_redaction
    # The recognised text is shown masked wherever readers see it.
    for item in drafts(scanned_page):
        if "370602" in item.search_text + getattr(item, "text", "") + getattr(item, "body", ""):
            item.needs_review = False
            item.publish()
            response = client.get(item.get_absolute_url())
            body = response.content.decode()
            assert "370602199001011239" not in body
            assert "370602********1239" in body
            break
    else:
        pytest.fail("no draft holds the ID's text")


def test_a_new_reading_replaces_its_own_boxes_and_keeps_the_editors(scanned_page):
    drawn = PageRedaction.objects.create(
        page=scanned_page, left="0.5", top="0.9", width="0.1", height="0.05"
    )
    recognise_page(scanned_page)
    found = set(PageRedaction.objects.filter(page=scanned_page, found_by_ocr=True))
    recognise_page(scanned_page, force=True)
    again = set(PageRedaction.objects.filter(page=scanned_page, found_by_ocr=True))
    assert found and len(again) == len(found)
    assert PageRedaction.objects.filter(pk=drawn.pk, found_by_ocr=False).exists()
    scanned_page.refresh_from_db()
    assert darkness(scanned_page.image, (0.51, 0.91, 0.59, 0.94)) > 0.97


def test_an_unreadable_stored_file_fails_clearly_and_leaves_the_images(scanned_page):
    image_name = scanned_page.image.name
    image = stored_bytes(scanned_page.image)
    with default_storage.open(scanned_page.file.name, "wb") as stored:
        stored.write(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(RecognitionFailed, match="损坏"):
        recognise_page(scanned_page)
    recognition = PageRecognition.objects.get(page=scanned_page)
    assert recognition.status == PageRecognition.Status.FAILED
    assert "损坏" in recognition.message and recognition.finished_at
    scanned_page.refresh_from_db()
    assert scanned_page.image.name == image_name and stored_bytes(scanned_page.image) == image


def test_a_blank_scan_is_read_as_blank_for_the_editor():
    page = make_scanned_page(blank_scan())
    image = stored_bytes(page.image)
    recognition = recognise_page(page)
    assert recognition.status == PageRecognition.Status.DONE
    assert "未在扫描图上找到文字" in recognition.message
    assert drafts(page) == []
    page.refresh_from_db()
    assert stored_bytes(page.image) == image


def blank_scan():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 1100), (250, 248, 244)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_scan_is_read_with_a_word_about_its_size():
    small = [
        (left // 2 + 10, top // 2, size // 2 + 2, text, bold)
        for left, top, size, text, bold in PRINTED_PAGE
    ]
    page = make_scanned_page(make_text_scan(small, size=(600, 860)))
    recognition = recognise_page(page)
    assert "文字太小" in recognition.message


@pytest.mark.parametrize("turned", [90, 270])
def test_a_scan_on_its_side_is_read_and_its_id_covered_in_place(turned):
    page = make_scanned_page(make_text_scan(rotate=turned), code="A03", name="公告")
    recognition = recognise_page(page)
    text = "".join(line["text"] for line in recognition.data["lines"])
    assert "370602199001011239" in text
    page.refresh_from_db()
    # The page as stored is on its side: the birth date's box (left, top, right, bottom) of
    # the upright page lies elsewhere on it.
    left, top, right, bottom = BIRTH_DATE
    turned_back = {90: (top, 1 - right, bottom, 1 - left), 270: (1 - bottom, left, 1 - top, right)}
    box = turned_back[turned]  # 90: anticlockwise
    assert darkness(page.image, box) > 0.97


def turned_point(x, y, degrees, size=(800, 1100)):
    """Where the point (shares) of the upright page is on it turned anticlockwise about its
    centre by ``degrees``, its size kept (as PIL's rotate turns it)."""
    width, height = size
    angle = math.radians(degrees)
    dx, dy = (x - 0.5) * width, (y - 0.5) * height
    return (
        (width / 2 + dx * math.cos(angle) + dy * math.sin(angle)) / width,
        (height / 2 - dx * math.sin(angle) + dy * math.cos(angle)) / height,
    )


@pytest.mark.parametrize("skew", [5, -4])
def test_a_scan_fed_in_askew_has_its_id_covered_where_it_is_printed(skew):
    page = make_scanned_page(make_text_scan(skew=skew), code="A03", name="公告")
    recognition = recognise_page(page)
    assert abs(recognition.data["skew"] + skew) < 1  # levelled by turning back as much
    page.refresh_from_db()
    left, top, right, bottom = BIRTH_DATE
    middle = (top + bottom) / 2
    for share in (0.1, 0.5, 0.9):  # the first, middle and last of the hidden digits
        x, y = turned_point(left + share * (right - left), middle, skew)
        assert darkness(page.image, (x - 0.005, y - 0.004, x + 0.005, y + 0.004)) > 0.97, share
    (article,) = [item for item in drafts(page) if item._meta.model_name == "article"]
    x, y = turned_point(*HEADLINE_START, skew)
    assert any(
        zone.left <= x <= zone.left + zone.width and zone.top <= y <= zone.top + zone.height
        for zone in article.zones.all()
    )


def test_a_pdf_with_a_text_layer_is_not_read():
    page = make_scanned_page(make_pdf([(100, 200, 12, "本报讯 会议召开")]))
    with pytest.raises(RecognitionFailed, match="文字层"):
        recognise_page(page)
    assert not PageRecognition.objects.filter(page=page).exists()


def test_a_pdf_without_a_text_layer_is_read_and_its_download_covered():
    """A scan saved as a PDF: drawn, read, and the PDF readers download covered."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(make_text_scan())).save(buffer, "PDF", resolution=200)
    page = make_scanned_page(buffer.getvalue(), code="A03", name="公告")
    assert page.has_text_layer is False
    recognition = recognise_page(page)
    assert recognition.status == PageRecognition.Status.DONE
    page.refresh_from_db()
    assert page.public_file.name != page.file.name
    pdf = pdfium.PdfDocument(stored_bytes(page.public_file))
    try:
        drawn = pdf[0].render(scale=2).to_pil().convert("L")
    finally:
        pdf.close()
    assert darkness_of(drawn, BIRTH_DATE) > 0.97
    assert darkness_of(drawn, READABLE[0]) < 0.6


def test_an_id_read_in_an_article_keeps_the_unchecked_scan_off_the_public_pages():
    """No notice on the page, but its OCR text holds an ID: the OCR may have missed others,
    so an editor checks the scan before readers see it (待核对遮盖), as for a notice page."""
    lines = [
        (60, 60, 44, "社区开展便民服务活动", True),
        (60, 150, 24, "本报讯 居民王五(身份证号", False),
        (60, 190, 24, "370602198503151234)说,服务很方便。", False),
    ]
    page = make_scanned_page(make_text_scan(lines))
    assert not page.needs_redaction
    recognise_page(page)
    page.refresh_from_db()
    assert PageRedaction.objects.filter(page=page, found_by_ocr=True).exists()
    assert not page.carries_resident_ids()
    assert page.needs_redaction and not page.has_public_image
