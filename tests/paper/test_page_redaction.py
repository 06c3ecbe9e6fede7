"""Page files redacted: ID numbers covered on the images, the crops and the PDF readers get."""

import datetime
import io
from io import StringIO

import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from paper.models import Page
from paper.page_files import attach_page_file
from paper.text import find_resident_ids
from tests.factories import make_issue, make_notice, make_page, make_pdf, make_scan

pytestmark = pytest.mark.django_db

# A notice's wording, with an ID in each of the ways people print one; page 842 × 1190 pt,
# 12 pt characters, so the test knows where every digit is.
LINES = [
    (100, 200, 12, "本人张三遗失身份证,号码370602199001011239,声明作废。"),
    (100, 230, 12, "李四 370602 19850315 123X 遗失驾驶证"),
    (100, 260, 12, "王五身份证号370602850315123声明作废"),
    (100, 290, 12, "特此声明,联系电话0535-6212345。"),
]
FULL_IDS = ["370602199001011239", "37060219850315123X", "370602850315123"]
HIDDEN = ["19900101", "19850315", "850315"]
PAGE_WIDTH, PAGE_HEIGHT = 842, 1190


def notice_page_pdf():
    return make_pdf(LINES)


def digit_boxes(line, first, count):
    """The box, in fractions of the page, of ``count`` characters of ``LINES[line]`` from
    ``first`` (one em each), shrunk a little so that it lies inside the covered area."""
    left, top, size, _ = LINES[line]
    return (
        (left + first * size + 2) / PAGE_WIDTH,
        (top + 2) / PAGE_HEIGHT,
        (left + (first + count) * size - 2) / PAGE_WIDTH,
        (top + size - 2) / PAGE_HEIGHT,
    )


# The birth dates: line 0 from character 18, line 1 from 10 (after "李四 370602 "), line 2 from 12.
HIDDEN_BOXES = [digit_boxes(0, 18, 8), digit_boxes(1, 10, 8), digit_boxes(2, 12, 6)]
# Printed digits that stay readable: the first six of each ID, and the phone number.
READABLE_BOXES = [digit_boxes(0, 12, 6), digit_boxes(1, 3, 6), digit_boxes(3, 9, 12)]


def pixels(field):
    """A stored image (a FieldFile) in grey."""
    with field.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read())).convert("L")


def darkness(image, box):
    """The share of dark pixels in ``box`` (fractions of the page) of ``image``."""
    left, top, right, bottom = box
    crop = image.crop(
        (
            round(left * image.width),
            round(top * image.height),
            round(right * image.width),
            round(bottom * image.height),
        )
    )
    histogram = crop.histogram()
    return sum(histogram[:80]) / sum(histogram)


def pdf_text(data):
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()


@pytest.fixture
def editor(client):
    user = User.objects.create_user("xiaoli", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client.force_login(user)
    return client


@pytest.fixture
def notice_page():
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A05", name="公告")
    make_notice(page)
    return page


def page_form(page, upload=None, needs_redaction=False, boxes=()):
    form = {
        "issue": page.issue.pk,
        "code": page.code,
        "name": page.name,
        "order": page.order,
        "redactions-TOTAL_FORMS": str(len(boxes)),
        "redactions-INITIAL_FORMS": "0",
    }
    if upload:
        form["upload"] = upload
    if needs_redaction:
        form["needs_redaction"] = "on"
    for index, (left, top, width, height) in enumerate(boxes):
        form.update(
            {
                f"redactions-{index}-left": left,
                f"redactions-{index}-top": top,
                f"redactions-{index}-width": width,
                f"redactions-{index}-height": height,
            }
        )
    return form


def upload_pdf(editor, page):
    upload = SimpleUploadedFile("A05.pdf", notice_page_pdf(), content_type="application/pdf")
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page, upload))
    assert response.status_code == 302, response.content.decode()
    page.refresh_from_db()
    return page


def test_ids_in_the_text_layer_are_what_the_rule_finds():
    """The test's wording holds the three IDs the rule in paper.text finds, nothing else."""
    text = "".join(line for *_, line in LINES)
    assert [found.number for found in find_resident_ids(text)] == FULL_IDS


def test_uploaded_pdf_has_the_birth_dates_covered_on_image_and_thumbnail(editor, notice_page):
    page = upload_pdf(editor, notice_page)

    image = pixels(page.image)
    thumbnail = pixels(page.thumbnail)
    for box in HIDDEN_BOXES:
        assert darkness(image, box) > 0.95
        assert darkness(thumbnail, box) > 0.9
    for box in READABLE_BOXES:
        # Printed digits on white paper: some ink, far from a filled box.
        assert 0.02 < darkness(image, box) < 0.6
    assert not page.needs_redaction


def test_public_pdf_has_no_id_in_its_text_layer(editor, client, notice_page):
    page = upload_pdf(editor, notice_page)

    response = client.get(page.get_pdf_url())
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert find_resident_ids(text) == []
    for number, hidden in zip(FULL_IDS, HIDDEN, strict=True):
        assert number not in text.replace(" ", "")
        assert hidden not in text.replace(" ", "")
    # What is around the IDs is still there, and their readable parts are where they were.
    for words in ["本人张三遗失身份证,号码370602", "1239,声明作废。", "李四", "遗失驾驶证"]:
        assert words in text
    assert "0535-6212345" in text
    assert find_resident_ids(pdf_text(page.file.read())) != []  # the original keeps them


def test_public_pdf_has_the_boxes_burned_in(editor, notice_page):
    page = upload_pdf(editor, notice_page)
    pdf = pdfium.PdfDocument(page.public_file.read())
    try:
        drawn = pdf[0].render(scale=2).to_pil().convert("L")
    finally:
        pdf.close()
    for box in HIDDEN_BOXES:
        assert darkness(drawn, box) > 0.95


def test_staff_reach_the_original_and_the_public_names_do_not_lead_to_it(editor, notice_page):
    page = upload_pdf(editor, notice_page)

    change = editor.get(f"/admin/paper/page/{page.pk}/change/").content.decode()
    assert f'href="/media/{page.file.name}"' in change
    assert f'href="/media/{page.public_file.name}"' in change
    original_stem = page.file.name.rsplit(".", 1)[0]
    for public in (page.image.name, page.thumbnail.name, page.public_file.name):
        assert not public.startswith(original_stem)


def test_render_pages_force_redacts_a_page_attached_before(notice_page, monkeypatch):
    # Attached as before redaction: nothing covered, the original given to readers.
    with monkeypatch.context() as before:
        before.setattr("paper.page_rendering.resident_id_boxes", lambda layer: ())
        attach_page_file(notice_page, notice_page_pdf())
    page = Page.objects.get(pk=notice_page.pk)
    assert page.public_file.name == page.file.name
    assert darkness(pixels(page.image), HIDDEN_BOXES[0]) < 0.6

    call_command("render_pages", "--force", stdout=StringIO())

    page.refresh_from_db()
    assert page.public_file.name != page.file.name
    assert find_resident_ids(pdf_text(page.public_file.read())) == []
    image = pixels(page.image)
    for box in HIDDEN_BOXES:
        assert darkness(image, box) > 0.95


def upload_scan(editor, page):
    upload = SimpleUploadedFile("A05.png", make_scan(1400, 2000), content_type="image/png")
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page, upload))
    assert response.status_code == 302, response.content.decode()
    page.refresh_from_db()
    return page


def public_views(client, page):
    notice = page.notices.get()
    return {
        "page": client.get(page.get_absolute_url()).content.decode(),
        "issue": client.get(page.issue.get_absolute_url()).content.decode(),
        "notice": client.get(notice.get_absolute_url()).content.decode(),
    }


def test_scan_on_a_page_with_notices_stays_off_the_public_pages_until_checked(
    editor, client, notice_page
):
    page = upload_scan(editor, notice_page)
    assert page.needs_redaction and page.has_image and not page.has_text_layer
    for name, html in public_views(client, page).items():
        assert page.image.name not in html, name
        assert page.thumbnail.name not in html, name
    assert client.get(page.get_pdf_url()).status_code == 404
    # Staff see the scan, to draw on it.
    change = editor.get(f"/admin/paper/page/{page.pk}/change/").content.decode()
    assert f'src="/media/{page.image.name}"' in change
    assert 'data-zone-editor="redactions"' in change

    # The editor draws a box over the ID and clears the flag.
    box = ("0.2000", "0.3000", "0.1000", "0.0200")
    response = editor.post(
        f"/admin/paper/page/{page.pk}/change/", page_form(page, needs_redaction=True, boxes=[box])
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.needs_redaction  # drawing alone does not publish it
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page))
    assert response.status_code == 302, response.content.decode()
    page.refresh_from_db()
    assert not page.needs_redaction and page.redaction_checked
    assert page.redactions.count() == 1  # the formset kept it (INITIAL_FORMS 0 adds none)

    html = public_views(client, page)
    assert page.image.name in html["page"] and page.thumbnail.name in html["issue"]
    assert page.image.name in html["notice"] or page.notices.get().page_crop() is None
    assert darkness(pixels(page.image), (0.201, 0.301, 0.299, 0.319)) > 0.95
    assert darkness(pixels(page.image), (0.101, 0.301, 0.199, 0.319)) < 0.95
    assert client.get(page.get_pdf_url()).status_code == 404  # a scan has no PDF

    # Rendering again keeps the editor's check and the box.
    call_command("render_pages", "--force", stdout=StringIO())
    page.refresh_from_db()
    assert not page.needs_redaction
    assert darkness(pixels(page.image), (0.201, 0.301, 0.299, 0.319)) > 0.95


def test_scan_without_notices_is_not_flagged(editor):
    page = make_page(make_issue(), code="A02", name="要闻")
    assert not upload_scan(editor, page).needs_redaction


def test_notice_imported_onto_an_unchecked_scan_flags_it(notice_page):
    page = make_page(notice_page.issue, code="A06", name="公告")
    attach_page_file(page, make_scan(1400, 2000))
    page.refresh_from_db()
    assert not page.needs_redaction
    make_notice(page)
    page.refresh_from_db()
    assert page.needs_redaction


def test_pdf_without_a_text_layer_is_flagged_and_covered_as_an_image(editor, client, notice_page):
    page = upload_pdf_bytes(editor, notice_page, make_pdf([]))
    assert page.needs_redaction and page.has_text_layer is False
    box = ("0.2000", "0.3000", "0.1000", "0.0200")
    editor.post(
        f"/admin/paper/page/{page.pk}/change/", page_form(page, needs_redaction=True, boxes=[box])
    )
    editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page))
    page.refresh_from_db()
    assert not page.needs_redaction and page.public_file.name != page.file.name
    response = client.get(page.get_pdf_url())
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(b"".join(response.streaming_content))
    try:
        assert pdf[0].get_size() == pytest.approx((842, 1190), abs=1)
        drawn = pdf[0].render().to_pil().convert("L")
    finally:
        pdf.close()
    assert darkness(drawn, (0.201, 0.301, 0.299, 0.319)) > 0.9


def upload_pdf_bytes(editor, page, data):
    upload = SimpleUploadedFile("A05.pdf", data, content_type="application/pdf")
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page, upload))
    assert response.status_code == 302, response.content.decode()
    page.refresh_from_db()
    return page


def test_a_bad_upload_changes_nothing(editor, notice_page):
    page = upload_pdf(editor, notice_page)
    before = (page.file.name, page.public_file.name, page.image.name)
    upload = SimpleUploadedFile("A05.pdf", b"%PDF-1.7 broken", content_type="application/pdf")
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", page_form(page, upload))
    assert response.status_code == 200
    assert "PDF 文件已损坏" in response.content.decode()
    page.refresh_from_db()
    assert (page.file.name, page.public_file.name, page.image.name) == before
