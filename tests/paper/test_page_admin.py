"""Editors attach page files in the admin, see the zones on the page image and correct them."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains

from articles.models import Article
from paper.page_files import attach_page_file
from tests.factories import make_archive, make_article, make_issue, make_notice, make_page, make_pdf

pytestmark = pytest.mark.django_db

HEADLINE = "烟台市整形美容协会成立大会成功召开"
BODY = "10月18日,烟台市整形美容协会成立大会在东山宾馆隆重举行。"


@pytest.fixture
def page():
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A04", name="综合")
    make_article(page, headline=HEADLINE, body=BODY)
    return page


def chinese_page_pdf():
    return make_pdf([(100, 120, 40, HEADLINE), (100, 200, 12, BODY)])


def page_form(page, upload):
    return {
        "issue": page.issue.pk,
        "code": page.code,
        "name": page.name,
        "order": page.order,
        "upload": upload,
        # The page's redaction boxes (遮盖框), an inline: none drawn.
        "redactions-TOTAL_FORMS": "0",
        "redactions-INITIAL_FORMS": "0",
    }


def zone_link(item, label):
    """The preview's link to an article's or notice's change form, drawn as its zones."""
    rects = "".join(
        f'<rect x="{zone.left}" y="{zone.top}" width="{zone.width}" height="{zone.height}"/>'
        for zone in item.zones.all()
    )
    url = f"/admin/{item._meta.app_label}/{item._meta.model_name}/{item.pk}/change/"
    return f'<a href="{url}" aria-label="{label}"><title>{label}</title>{rects}</a>'


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_editor_uploads_a_chinese_pdf_page_and_gets_images_and_zones(editor, page, media_root):
    upload = SimpleUploadedFile("A04.pdf", chinese_page_pdf(), content_type="application/pdf")
    response = editor.post(
        f"/admin/paper/page/{page.pk}/change/", page_form(page, upload), follow=True
    )

    assert response.status_code == 200
    assert "A04 版已生成阅读图和缩略图;从文字层找到热区 1 个。" in response.content.decode()
    page.refresh_from_db()
    assert page.has_pdf
    assert (page.image_width, page.image_height) == (2000, 2827)
    assert len(stored_files(media_root)) == 3
    zone = page.articles.get().zones.get()
    assert abs(float(zone.top) - 120 / 1190) < 0.01

    change = editor.get(f"/admin/paper/page/{page.pk}/change/")
    assertContains(
        change,
        f'<img src="/media/{page.image.name}" width="2000" height="2827" alt="A04 综合 版面图">',
        html=True,
    )
    assertContains(change, zone_link(page.articles.get(), f"文章:{HEADLINE}"), html=True)
    assert page.file.name.rsplit("/", 1)[1] in change.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("A04.pdf", b"Just some text, not a page.", "A04.pdf:这个文件不是 PDF"),
        ("A04.pdf", chinese_page_pdf()[:500], "A04.pdf:PDF 文件已损坏"),
        ("A04.pdf", make_pdf(pages=4), "A04.pdf:这份 PDF 有 4 页"),
    ],
    ids=["not-a-pdf", "damaged", "several-pages"],
)
def test_bad_upload_is_a_form_error_and_changes_nothing(
    editor, page, media_root, name, data, message
):
    response = editor.post(
        f"/admin/paper/page/{page.pk}/change/",
        page_form(page, SimpleUploadedFile(name, data)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    page.refresh_from_db()
    assert not page.file and not page.image
    assert stored_files(media_root) == []


def test_upload_over_the_size_limit_is_refused_before_reading(editor, page, media_root, settings):
    settings.PAGE_FILE_MAX_MB = 1
    data = chinese_page_pdf() + b"%" + b"x" * 1024 * 1024
    response = editor.post(
        f"/admin/paper/page/{page.pk}/change/", page_form(page, SimpleUploadedFile("A04.pdf", data))
    )
    assert "超过了 1 MB 的上限" in response.content.decode()
    assert stored_files(media_root) == []


def test_article_form_draws_the_page_with_an_editable_zone(editor, page, render_once):
    attach_page_file(page, chinese_page_pdf())
    article = page.articles.get()
    other = make_article(page, headline="同版的另一篇文章")
    other.zones.create(left="0.1", top="0.6", width="0.3", height="0.2")
    response = editor.get(f"/admin/articles/article/{article.pk}/change/")
    html = response.content.decode()
    assert 'data-zone-editor="zones"' in html
    assert "js/zone-editor.js" in html
    assertContains(response, zone_link(other, "文章:同版的另一篇文章"), html=True)
    assert f'aria-label="文章:{HEADLINE}"' not in html  # its own zones are the form's rows
    assert 'name="zones-0-top"' in html


def article_form(article, zones):
    data = {
        "issue": article.issue.pk,
        "page": article.page.pk,
        "order": article.order,
        "status": article.status,
        "kicker": "",
        "headline": article.headline,
        "subheadline": "",
        "source": article.source,
        "dateline": "",
        "byline": "",
        "column": "",
        "body": article.body,
        "zones-TOTAL_FORMS": len(zones),
        "zones-INITIAL_FORMS": sum(1 for zone in zones if "id" in zone),
        "zones-MIN_NUM_FORMS": 0,
        "zones-MAX_NUM_FORMS": 1000,
    }
    for n, zone in enumerate(zones):
        data.update({f"zones-{n}-{key}": value for key, value in zone.items()})
        data[f"zones-{n}-article"] = article.pk
    return data


def test_editor_corrects_adds_and_removes_zones(editor, page):
    article = page.articles.get()
    first = article.zones.create(left="0.1", top="0.1", width="0.5", height="0.1")
    second = article.zones.create(left="0.1", top="0.3", width="0.5", height="0.1")
    zones = [
        {"id": first.pk, "left": "0.12", "top": "0.1", "width": "0.6", "height": "0.25"},
        {
            "id": second.pk,
            "left": "0.1",
            "top": "0.3",
            "width": "0.5",
            "height": "0.1",
            "DELETE": "on",
        },
        {"left": "0.5", "top": "0.5", "width": "0.4", "height": "0.2"},
    ]
    response = editor.post(
        f"/admin/articles/article/{article.pk}/change/", article_form(article, zones)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(article.zones.order_by("top").values_list("left", "top", "width", "height")) == [
        (Decimal("0.12"), Decimal("0.1"), Decimal("0.6"), Decimal("0.25")),
        (Decimal("0.5"), Decimal("0.5"), Decimal("0.4"), Decimal("0.2")),
    ]


def test_zone_outside_the_page_is_refused(editor, page):
    article = page.articles.get()
    zones = [{"left": "0.8", "top": "0.1", "width": "0.3", "height": "0.1"}]
    response = editor.post(
        f"/admin/articles/article/{article.pk}/change/", article_form(article, zones)
    )
    assert response.status_code == 200
    assert "热区超出了版面" in response.content.decode()
    assert not Article.objects.get().zones.exists()


def test_notice_form_has_the_zone_editor(editor, page, render_once):
    attach_page_file(page, chinese_page_pdf())
    notice = make_notice(page)
    response = editor.get(f"/admin/notices/notice/{notice.pk}/change/")
    assert 'data-zone-editor="zones"' in response.content.decode()
    assertContains(response, zone_link(page.articles.get(), f"文章:{HEADLINE}"), html=True)


def test_find_zones_action_fills_in_missing_zones(editor, page, render_once):
    attach_page_file(page, chinese_page_pdf())
    article = page.articles.get()
    article.zones.all().delete()
    response = editor.post(
        "/admin/paper/page/",
        {"action": "find_page_zones", "_selected_action": [page.pk]},
        follow=True,
    )
    assert "找到热区 1 个" in response.content.decode()
    assert article.zones.count() == 1


def test_page_changelist_query_count_does_not_grow(editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_archive(1)
    with CaptureQueriesContext(connection) as small:
        editor.get("/admin/paper/page/")
    make_archive(20)
    with CaptureQueriesContext(connection) as large:
        response = editor.get("/admin/paper/page/")
    assert response.status_code == 200
    assert len(small) == len(large)
    assert "版面图" in response.content.decode()
