"""What readers get from page files: thumbnails, the page image with zones, the PDF, crops."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from notices.models import Notice
from paper.page_files import attach_page_file
from tests.factories import make_article, make_issue, make_notice, make_page, make_pdf, make_scan

pytestmark = pytest.mark.django_db

HEADLINE = "烟台市整形美容协会成立大会成功召开"


@pytest.fixture
def page(render_once):
    """A04 of 2024-10-22 with its PDF attached and one article found on it."""
    page = make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A04", name="综合")
    make_article(page, headline=HEADLINE, body="10月18日,烟台市整形美容协会成立大会隆重举行。")
    attach_page_file(
        page,
        make_pdf(
            [
                (100, 120, 40, HEADLINE),
                (100, 200, 12, "10月18日,烟台市整形美容协会成立大会隆重举行。"),
            ]
        ),
    )
    page.refresh_from_db()
    return page


def test_page_view_shows_the_page_image_with_a_link_for_each_zone(client, page):
    article = page.articles.get()
    response = client.get("/issues/2024-10-22/A04/")

    assertContains(
        response,
        f'<img class="page-image" src="/media/{page.image.name}" width="2000" height="2827"'
        ' alt="A04 综合 版面图">',
        html=True,
    )
    zone = article.zones.get()
    assertContains(
        response,
        f'<a class="page-zone" href="/articles/{article.pk}/" id="article-{article.pk}"'
        f' aria-label="{HEADLINE}"><title>{HEADLINE}</title>'
        f'<rect x="{zone.left}" y="{zone.top}" width="{zone.width}" height="{zone.height}"/></a>',
        html=True,
    )
    assertContains(response, '<script src="/static/js/page-viewer.js" defer></script>', html=True)
    assertContains(
        response, '<a href="/issues/2024-10-22/A04.pdf" download>下载本版 PDF</a>', html=True
    )


def test_pages_with_images_need_no_inline_script_or_style(client, page):
    """The site will send a strict Content-Security-Policy: no inline code of any kind."""
    article = page.articles.get()
    notice = make_notice(page)
    notice.zones.create(left="0.1", top="0.5", width="0.3", height="0.1")
    for url in [
        "/",
        "/issues/2024-10-22/",
        "/issues/2024-10-22/A04/",
        article.get_absolute_url(),
        notice.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        # JSON-LD is data, not script: a CSP's script-src does not apply to it.
        scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert scripts in ([], ['<script type="application/ld+json">']), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "/media/pages/" in html, url


def test_page_without_a_file_shows_its_list_and_no_viewer(client):
    make_page(make_issue(date=datetime.date(2024, 10, 22)), code="A01")
    html = client.get("/issues/2024-10-22/A01/").content.decode()
    assert "data-page-viewer" not in html
    assert "page-viewer.js" not in html
    assert ".pdf" not in html


def test_issue_page_shows_the_thumbnails_in_page_order(client, render_once):
    issue = make_issue(date=datetime.date(2024, 10, 22))
    for code in ["A02", "A01", "A03"]:
        page = make_page(issue, code=code, order=int(code[1:]))
        if code != "A03":
            attach_page_file(page, make_scan(1400, 2000, format="JPEG"))
    html = client.get("/issues/2024-10-22/").content.decode()
    thumbnails = re.findall(
        r'<a class="page-thumbnail" href="([^"]+)"[^>]*>'
        r'<img src="([^"]+)" width="300" height="(\d+)"',
        html,
    )
    assert [(href, height) for href, _, height in thumbnails] == [
        ("/issues/2024-10-22/A01/", "429"),
        ("/issues/2024-10-22/A02/", "429"),
    ]
    assert all(
        src.startswith("/media/pages/2024/10/22/A0") and src.endswith("-thumb.webp")
        for _, src, _ in thumbnails
    )


def test_page_pdf_is_served_under_a_name_with_paper_date_and_page(client, page):
    response = client.get("/issues/2024-10-22/A04.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == page.file.open("rb").read()
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="yantai-ribao-2024-10-22-A04.pdf"; ')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert re.fullmatch(r"[A-Za-z0-9%._-]+", encoded)  # RFC 5987: no raw UTF-8, no quotes
    assert unquote(encoded) == "烟台日报-2024-10-22-A04-综合.pdf"


def test_page_pdf_is_404_for_drafts_scans_and_pages_without_a_file(client, render_once):
    draft = make_page(make_issue(date=datetime.date(2024, 10, 21), is_published=False))
    attach_page_file(draft, make_pdf([(100, 100, 20, HEADLINE)]))
    issue = make_issue(date=datetime.date(2024, 10, 22))
    attach_page_file(make_page(issue, code="A01"), make_scan(1400, 2000))
    make_page(issue, code="A02")
    for url in [
        f"/issues/2024-10-21/{draft.code}.pdf",
        "/issues/2024-10-22/A01.pdf",
        "/issues/2024-10-22/A02.pdf",
        "/issues/2024-10-22/A09.pdf",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.content.decode()


def test_article_page_shows_its_place_on_the_page_and_links_there(client, page):
    article = page.articles.get()
    zone = article.zones.get()
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    box = re.search(r'<svg viewBox="(\d+) (\d+) (\d+) (\d+)" width="(\d+)" height="(\d+)"', html)
    x, y, width, height = (int(value) for value in box.groups()[:4])
    # The zone with a margin of 1 % of the page around it, in the reading image's pixels.
    assert abs(x - (float(zone.left) - 0.01) * 2000) <= 1
    assert abs(y - (float(zone.top) - 0.01) * 2827) <= 1
    assert abs(width - (float(zone.width) + 0.02) * 2000) <= 2
    assert abs(height - (float(zone.height) + 0.02) * 2827) <= 2
    assertContains(
        response,
        f'<a href="/issues/2024-10-22/A04/#article-{article.pk}">'
        f'<svg viewBox="{x} {y} {width} {height}" width="{box[5]}" height="{box[6]}" role="img"'
        ' aria-label="本文在A04版版面上的样子">'
        f'<image href="/media/{page.image.name}" width="2000" height="2827"/></svg></a>',
        html=True,
    )


def test_notice_page_shows_its_place_on_the_page(client, page):
    notice = make_notice(page)
    notice.zones.create(left="0.1", top="0.5", width="0.3", height="0.1")
    response = client.get(notice.get_absolute_url())
    assertContains(
        response,
        f'<a href="/issues/2024-10-22/A04/#notice-{notice.pk}">'
        '<svg viewBox="180 1385 640 339" width="640" height="339" role="img"'
        ' aria-label="这则公告在A04版版面上的样子">'
        f'<image href="/media/{page.image.name}" width="2000" height="2827"/></svg></a>',
        html=True,
    )


def test_zoned_page_and_article_run_a_fixed_number_of_queries(
    client, page, django_assert_num_queries
):
    article = page.articles.get()
    with django_assert_num_queries(6):
        client.get(page.get_absolute_url())
    with django_assert_num_queries(3):
        client.get(article.get_absolute_url())
    for n in range(5):
        extra = make_article(page, headline=f"第{n}篇")
        extra.zones.create(left="0.1", top=f"0.{n + 3}", width="0.2", height="0.05")
        notice = make_notice(page)
        notice.zones.create(left="0.5", top=f"0.{n + 3}", width="0.2", height="0.05")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(page.get_absolute_url()).content.decode()
    assert len(queries) == 7  # and the notices' items, for their title lines
    assert html.count('<a class="page-zone') == 11
    assert Notice.objects.count() == 5


def test_media_is_not_served_by_django_unless_asked(client, page, settings):
    assert client.get(f"/media/{page.image.name}").status_code == 200
    settings.SERVE_MEDIA = False
    assert client.get(f"/media/{page.image.name}").status_code == 404


def test_a_media_path_the_file_system_refuses_is_404(client):
    """A name longer than the file system allows names no file."""
    response = client.get(f"/media/pages/{'9' * 5000}.webp")
    assert response.status_code == 404
