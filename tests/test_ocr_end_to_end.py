"""A page printed before the digital era, from its scan to what readers find and correct.

The whole way as its users go it, through the admin and the public pages, with the real OCR
engine: an editor attaches a scan and has it read, checks and publishes the drafts; readers
find their words, see the ID number masked on the text and covered on the image; a reader's
correction is accepted and search finds the corrected text.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from articles.models import Article, TextSuggestion
from notices.models import Notice
from tests.admin_forms import posted_form
from tests.factories import make_issue, make_page, make_text_scan, text_box

pytestmark = pytest.mark.django_db

HEADLINE = "烟台港举行安全生产会议"
ID_LINE = 6  # the line of tests.factories.PRINTED_PAGE with the ID number


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def checked_and_published(editor, item):
    """The editor opens the draft, unticks 待核对 and saves; then publishes it from its list."""
    form = editor.get(change_url(item))
    assert form.status_code == 200
    response = editor.post(change_url(item), posted_form(form, needs_review=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    changelist = f"/admin/{item._meta.app_label}/{item._meta.model_name}/"
    editor.post(changelist, {"action": "publish", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.status == "published" and not item.needs_review


def test_a_scan_becomes_published_articles_and_notices_that_readers_find_and_correct(
    editor, media_root
):
    issue = make_issue(date=datetime.date(1994, 3, 8), is_published=True)
    page = make_page(issue, code="A01", name="要闻")
    scan = SimpleUploadedFile("A01.png", make_text_scan(), content_type="image/png")
    form = editor.get(change_url(page))
    response = editor.post(change_url(page), posted_form(form, upload=scan))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.file and page.has_text_layer is False

    # 识别文字 on the page's form: drafts, 待核对, with their zones on the page.
    response = editor.post(f"/admin/paper/page/{page.pk}/recognise/", follow=True)
    assert any("识别完成" in str(message) for message in response.context["messages"])
    article = Article.objects.get(page=page)
    notice = Notice.objects.get(page=page)
    for item in (article, notice):
        assert item.status == "draft" and item.needs_review
        assert 0.5 < item.ocr_confidence <= 1
        assert item.zones.exists()
    assert article.headline == HEADLINE
    assert "安全责任" in article.body
    assert [(lost.holder, lost.number) for lost in notice.items.all()] == [
        ("张三", "370602199001011239")
    ]
    assert Client().get(article.get_absolute_url()).status_code == 404  # still a draft

    checked_and_published(editor, article)
    checked_and_published(editor, notice)
    # The scan holds an ID number: readers see its images once an editor has checked the
    # covering, as on any scan.
    page.refresh_from_db()
    assert page.needs_redaction and not page.has_public_image
    form = editor.get(change_url(page))
    editor.post(change_url(page), posted_form(form, needs_redaction=""))
    page.refresh_from_db()
    assert page.has_public_image

    reader = Client()
    html = reader.get("/search/", {"q": "安全责任"}).content.decode()
    assert article.get_absolute_url() in html
    html = reader.get(notice.get_absolute_url()).content.decode()
    assert "识别文本,可能有误" in html
    assert "370602********1239" in html and "370602199001011239" not in html
    # The birth date is black on the image readers get.
    picture = Image.open(io.BytesIO(reader.get(page.image.url).getvalue())).convert("L")
    left, top, right, bottom = text_box(make_text_scan.__defaults__[0][ID_LINE], 6, 8)
    crop = picture.crop(
        (
            round(left * picture.width),
            round(top * picture.height),
            round(right * picture.width),
            round(bottom * picture.height),
        )
    )
    assert crop.getextrema()[1] < 60

    # A reader corrects a word; the editor accepts it; search finds the corrected text.
    form = reader.get(f"/articles/{article.pk}/suggest/")
    assert form.status_code == 200
    fields = form.context["form"]
    data = {name: fields[name].value() or "" for name in fields.fields}
    data["body"] = data["body"].replace("安全责任", "安全生产责任")
    assert reader.post(f"/articles/{article.pk}/suggest/", data).status_code == 302
    suggestion = TextSuggestion.objects.get(article=article)
    response = editor.post(f"/admin/articles/textsuggestion/{suggestion.pk}/accept/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert "安全生产责任" in article.body
    assert article.revisions.get().body.count("安全责任") == 1
    html = reader.get("/search/", {"q": "安全生产责任"}).content.decode()
    assert article.get_absolute_url() in html
