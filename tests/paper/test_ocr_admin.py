"""Editors check what OCR read off a scan: the blocks over the page, the doubtful lines marked."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from notices.models import Notice
from paper.models import Page, PageRecognition
from paper.page_files import attach_page_file
from tests.factories import (
    make_archive,
    make_article,
    make_issue,
    make_notice,
    make_page,
    make_scan,
)

pytestmark = pytest.mark.django_db

SCAN_SIZE = (1400, 2000)  # the picture recognised; the reading image is 2000 px wide

HEADLINE = "烟台港货物吞吐量创新高"


def line(text, box, confidence, low_chars=()):
    """A recognised line whose characters share its box evenly; ``low_chars`` (their indices)
    are read with a confidence of 0.5."""
    left, top, right, bottom = box
    step = (right - left) / len(text)
    chars = [
        [
            char,
            [left + n * step, top, left + (n + 1) * step, bottom],
            0.5 if n in low_chars else 0.98,
        ]
        for n, char in enumerate(text)
    ]
    return {"text": text, "box": list(box), "confidence": confidence, "chars": chars}


LINES = [
    line(HEADLINE, (100, 100, 1300, 180), 0.98),
    line("10月21日,记者从烟台港获悉,", (100, 220, 1300, 260), 0.97),
    line("今年前三季度货物吞吐量达", (100, 280, 1300, 320), 0.62),
    line("(记者孙文琦)", (900, 420, 1300, 460), 0.95, low_chars=(3,)),
    line("遗失声明毕丽静遗失收据", (100, 1500, 700, 1540), 0.96),
]


def recognition_data(article, notice, blocks=True):
    data = {
        "width": SCAN_SIZE[0],
        "height": SCAN_SIZE[1],
        "engine": "RapidOCR 1.4.4 (PP-OCRv4)",
        "seconds": 12.5,
        "problems": [],
        "lines": LINES,
    }
    if blocks:
        as_article = {"model": "articles.article", "pk": article.pk}
        data["blocks"] = [
            {"kind": "headline", "box": [100, 100, 1300, 180], "lines": [0], "item": as_article},
            {"kind": "body", "box": [100, 220, 1300, 320], "lines": [1, 2], "item": as_article},
            {"kind": "byline", "box": [900, 420, 1300, 460], "lines": [3], "item": as_article},
            {
                "kind": "notice",
                "box": [100, 1500, 700, 1540],
                "lines": [4],
                "item": {"model": "notices.notice", "pk": notice.pk},
            },
            {"kind": "caption", "box": [100, 1700, 700, 1900], "lines": [], "item": None},
        ]
    return data


@pytest.fixture
def scanned_page(render_once):
    page = make_page(make_issue(date=datetime.date(1994, 3, 8)), code="A01", name="要闻")
    attach_page_file(page, make_scan(*SCAN_SIZE))
    page.refresh_from_db()
    return page


@pytest.fixture
def drafts(scanned_page):
    article = make_article(
        scanned_page,
        headline=HEADLINE,
        body="10月21日,记者从烟台港获悉,今年前三季度货物吞吐量达",
        status=Article.Status.DRAFT,
        needs_review=True,
        ocr_confidence=0.885,
    )
    article.zones.create(left="0.0643", top="0.045", width="0.8714", height="0.19")
    notice = make_notice(
        scanned_page, status=Notice.Status.DRAFT, needs_review=True, ocr_confidence=0.96
    )
    return article, notice


@pytest.fixture
def recognition(scanned_page, drafts):
    return PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.DONE,
        file_name=scanned_page.file.name,
        engine="RapidOCR 1.4.4 (PP-OCRv4)",
        data=recognition_data(*drafts),
        confidence=0.91,
        attempts=1,
        seconds=12.5,
    )


class Elements(HTMLParser):
    """Every start tag of a page with its attributes and the tags it is inside."""

    void = {"img", "input", "br", "hr", "meta", "link", "rect", "image", "col", "source"}

    def __init__(self, html):
        super().__init__()
        self.found, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), list(self.open)))
        if tag not in self.void:
            self.open.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs), list(self.open)))

    def handle_endtag(self, tag):
        for n in range(len(self.open) - 1, -1, -1):
            if self.open[n][0] == tag:
                del self.open[n:]
                break

    def all(self, tag, css_class=None, inside=None):
        """Elements ``tag`` (with ``css_class``), each with its nearest ancestor ``inside``."""
        result = []
        for name, attrs, ancestors in self.found:
            if name != tag or (css_class and css_class not in attrs.get("class", "").split()):
                continue
            parent = next((a for t, a in reversed(ancestors) if t == inside), None)
            result.append((attrs, parent))
        return result


def review_url(page):
    return f"/admin/paper/page/{page.pk}/recognition/"


def rect(x, y, width, height):
    return {"x": str(x), "y": str(y), "width": str(width), "height": str(height)}


def rect_of(attrs):
    return {key: attrs[key] for key in ("x", "y", "width", "height")}


def test_review_draws_each_block_over_the_scan_linking_to_its_draft(
    editor, scanned_page, drafts, recognition
):
    article, notice = drafts
    response = editor.get(review_url(scanned_page))
    assert response.status_code == 200
    html = response.content.decode()
    page = Elements(html)

    (image,) = [attrs for attrs, _ in page.all("img") if "扫描图" in attrs.get("alt", "")]
    assert image["src"] == scanned_page.image.url
    (overlay,) = [attrs for attrs, _ in page.all("svg", "ocr-overlay")]
    # The boxes are in pixels of the picture recognised, stretched over the image shown.
    assert overlay["viewbox"] == "0 0 1400 2000"
    assert overlay["preserveaspectratio"] == "none"

    blocks = {}
    for attrs, link in page.all("rect", inside="a"):
        if link and "ocr-block" in link.get("class", ""):
            blocks.setdefault(link["href"], []).append((link["class"], rect_of(attrs)))
    article_url = f"/admin/articles/article/{article.pk}/change/"
    notice_url = f"/admin/notices/notice/{notice.pk}/change/"
    assert blocks[article_url] == [
        ("ocr-block ocr-kind-headline", rect(100.0, 100.0, 1200.0, 80.0)),
        ("ocr-block ocr-kind-body", rect(100.0, 220.0, 1200.0, 100.0)),
        ("ocr-block ocr-kind-byline", rect(900.0, 420.0, 400.0, 40.0)),
    ]
    assert blocks[notice_url] == [("ocr-block ocr-kind-notice", rect(100.0, 1500.0, 600.0, 40.0))]
    # The caption became nothing: drawn, dashed, linking nowhere.
    (caption,) = [attrs for attrs, _ in page.all("g", "is-unlinked")]
    assert "ocr-kind-caption" in caption["class"]
    assert f"1 标题:文章“{HEADLINE}”" in html
    assert "5 图片说明:没有生成文章或公告" in html
    # The list of blocks says the same for keyboards and screen readers.
    assert f'<a href="{article_url}">{HEADLINE}</a>(待核对)' in html
    assert "生成的草稿</dt><dd>2 篇文章或公告,其中待核对 2 篇" in html


def test_review_marks_the_doubtful_lines_least_sure_first(editor, scanned_page, recognition):
    response = editor.get(review_url(scanned_page))
    html = response.content.decode()
    page = Elements(html)

    # On the scan: a red outline per doubtful line, linking to its row, its doubtful characters
    # filled.
    low = {
        link["href"]: rect_of(attrs)
        for attrs, link in page.all("rect", inside="a")
        if link and "ocr-low-line" in link.get("class", "") and "class" not in attrs
    }
    assert low == {
        "#low-line-2": rect(100.0, 280.0, 1200.0, 40.0),
        "#low-line-3": rect(900.0, 420.0, 400.0, 40.0),
    }
    (char,) = [rect_of(attrs) for attrs, _ in page.all("rect", "ocr-low-char")]
    assert char == rect(1071.4, 420.0, 57.1, 40.0)  # the 4th of 7 characters: 孙

    # Beside it: the doubtful lines, the least sure first, then every line.
    rows = [attrs["id"] for attrs, _ in page.all("tr", "is-low")]
    assert rows == ["low-line-2", "low-line-3", "line-2", "line-3"]
    assert "置信度低的行(2)" in html
    assert '<mark title="这个字的置信度 50.0%">孙</mark>' in html
    assert '62.0% <strong class="ocr-low-flag">存疑</strong>' in html
    # The legend says what the colours are.
    assert "置信度低的行(低于 90.0%)" in html
    assert "置信度低的字(低于 80.0%)" in html
    assert '<span class="ocr-swatch ocr-kind-headline"></span>标题' in html


def test_page_form_sums_up_the_recognition_and_links_the_review(editor, scanned_page, recognition):
    response = editor.get(f"/admin/paper/page/{scanned_page.pk}/change/")
    html = response.content.decode()
    assert "文字识别" in html
    assert "5 行,5 个文字块;置信度低的行 2 行" in html
    assert "平均置信度</dt><dd>91.0%" in html
    assert f'<a class="button" href="{review_url(scanned_page)}">打开文字识别核对页</a>' in html
    assert f'<li><a href="{review_url(scanned_page)}">文字识别核对</a></li>' in html


def fieldset_classes(html):
    """The classes of each fieldset of a change form, by its heading."""
    found = re.finditer(
        r'<fieldset class="([^"]*)"[^>]*>\s*(?:<details><summary>)?\s*<h2[^>]*>\s*([^<]*?)\s*<',
        html,
    )
    return {heading: set(classes.split()) for classes, heading in (m.groups() for m in found)}


def test_a_scan_not_yet_read_has_the_fieldset_open_with_its_button(editor, scanned_page):
    response = editor.get(f"/admin/paper/page/{scanned_page.pk}/change/")
    html = response.content.decode()
    assert "这一版还没有做文字识别。" in html
    assert "collapse" not in fieldset_classes(html)["文字识别"]
    assert ">识别文字</button>" in html
    assert "文字识别核对</a></li>" not in html
    # The review says the same, and nothing else.
    html = editor.get(review_url(scanned_page)).content.decode()
    assert "这一版还没有做文字识别。" in html
    assert "ocr-overlay" not in html


def test_a_page_without_a_file_has_the_fieldset_folded(editor):
    page = make_page()
    html = editor.get(f"/admin/paper/page/{page.pk}/change/").content.decode()
    assert "collapse" in fieldset_classes(html)["文字识别"]
    assert "附上扫描图后可以识别文字。" in html


def test_page_with_recognition_has_the_fieldset_open(editor, scanned_page, recognition):
    html = editor.get(f"/admin/paper/page/{scanned_page.pk}/change/").content.decode()
    assert "collapse" not in fieldset_classes(html)["文字识别"]


def test_review_is_for_staff_only(client, scanned_page, recognition):
    url = review_url(scanned_page)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    client.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_unknown_page_is_the_admins_redirect(editor):
    response = editor.get("/admin/paper/page/999999/recognition/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_recognition_without_blocks_lists_its_lines(editor, scanned_page, drafts):
    PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.DONE,
        file_name=scanned_page.file.name,
        data=recognition_data(*drafts, blocks=False),
        confidence=0.9,
    )
    response = editor.get(review_url(scanned_page))
    html = response.content.decode()
    assert response.status_code == 200
    assert "识别结果中没有文字块" in html
    assert HEADLINE in html
    assert 'id="line-4"' in html
    # The draft's form says its lines are not in the reading.
    article, _ = drafts
    response = editor.get(f"/admin/articles/article/{article.pk}/change/")
    assert "识别结果里没有属于这篇文章的文字行" in response.content.decode()


def test_failed_recognition_shows_its_message(editor, scanned_page):
    PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.FAILED,
        file_name=scanned_page.file.name,
        message="扫描图几乎是空白的,没有认出文字。",
        attempts=2,
    )
    for url in (f"/admin/paper/page/{scanned_page.pk}/change/", review_url(scanned_page)):
        response = editor.get(url)
        assert response.status_code == 200
        assert (
            '<p class="errornote">识别失败(尝试 2 次):扫描图几乎是空白的,没有认出文字。</p>'
            in response.content.decode()
        )
        assert "ocr-overlay" not in response.content.decode()


def test_reading_of_an_earlier_file_is_flagged(editor, scanned_page, recognition):
    recognition.file_name = "pages/an-earlier-scan.png"
    recognition.save()
    html = editor.get(review_url(scanned_page)).content.decode()
    assert "识别结果对应的是此前的版面文件" in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"width": 0, "height": 10, "lines": []},
        {"width": "x", "height": None},
        {
            "width": 1400,
            "height": 2000,
            "lines": [
                {"text": "好的一行", "box": [1, 1, 50, 20], "confidence": 0.99, "chars": []},
                {"text": "没有框"},
                {"text": "框是反的", "box": [50, 50, 10, 10], "confidence": 0.9, "chars": []},
                "not a line",
            ],
            "blocks": [
                {"kind": "body", "box": [1, 1, 50, 20], "lines": [0, 7, "x"], "item": None},
                {"kind": "body", "box": "nowhere", "lines": [0]},
                {"kind": None, "box": [1, 1, 9, 9], "lines": [], "item": {"model": 3, "pk": "1"}},
                {"kind": "body", "box": [1, 1, 9, 9], "item": {"model": "articles.article"}},
                {"kind": "body", "box": [1, 1, 9, 9], "item": {"model": "a.b", "pk": 99}},
                "not a block",
            ],
        },
    ],
    ids=["empty", "zero-width", "bad-size", "bad-parts"],
)
def test_damaged_data_is_shown_as_far_as_it_goes(editor, scanned_page, data):
    PageRecognition.objects.create(
        page=scanned_page,
        status=PageRecognition.Status.DONE,
        file_name=scanned_page.file.name,
        data=data,
    )
    for url in (f"/admin/paper/page/{scanned_page.pk}/change/", review_url(scanned_page)):
        assert editor.get(url).status_code == 200
    if data.get("lines"):
        html = editor.get(review_url(scanned_page)).content.decode()
        assert "好的一行" in html
        assert "识别结果中有 5 条数据无法读出" in html  # 3 lines, 2 blocks
        assert "识别出的草稿已删除" in html


def test_ocr_article_form_shows_its_lines_and_the_crop_of_the_scan(
    editor, scanned_page, drafts, recognition
):
    article, _ = drafts
    response = editor.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "识别文字核对" in html
    assert "这篇文章的文字是从扫描图识别出来的,可能有误" in html
    assert "88.5%" in html  # 识别置信度
    assert "识别稿在编辑核对之前标为待核对" in html  # the help of 待核对
    page = Elements(html)
    # Its own lines, not the notice's; the doubtful ones marked.
    rows = [(attrs["class"], attrs.get("id")) for attrs, _ in page.all("tr", "ocr-line-row")]
    assert (
        rows
        == [("ocr-line-row", None), ("ocr-line-row", None)] + [("ocr-line-row is-low", None)] * 2
    )
    assert "遗失声明毕丽静" not in html
    assert "识别出 4 行,其中置信度低的 2 行已标红" in html
    # The crop: the article's zone in the scan's pixels, with a 1 % margin.
    (crop,) = [attrs for attrs, figure in page.all("svg", inside="figure") if figure]
    assert crop["viewbox"] == "76.0 76.0 1248.0 408.0"
    (image,) = [attrs for attrs, _ in page.all("image")]
    assert image["href"] == scanned_page.image.url
    assert (image["width"], image["height"]) == ("1400", "2000")
    assert len(page.all("rect", "ocr-low-line")) == 2
    assert f'href="{review_url(scanned_page)}"' in html
    # The zone editor shows, dashed, where OCR found the article's blocks.
    guides = [
        rect_of(attrs)
        for attrs, svg in page.all("rect", inside="svg")
        if svg and "page-zones-admin-guides" in svg.get("class", "")
    ]
    assert guides == [
        rect(0.0714, 0.05, 0.8571, 0.04),
        rect(0.0714, 0.11, 0.8571, 0.05),
        rect(0.6429, 0.21, 0.2857, 0.02),
    ]


def test_ocr_notice_form_opens_the_review(editor, scanned_page, drafts, recognition):
    _, notice = drafts
    response = editor.get(f"/admin/notices/notice/{notice.pk}/change/")
    html = response.content.decode()
    assert "这则公告的文字是从扫描图识别出来的" in html
    assert "遗失声明毕丽静遗失收据" in html
    assert HEADLINE not in html.split("识别文字核对", 1)[1].split("</fieldset>", 1)[0]
    # 核对 (待核对, 核对说明) and the zones fold away on other notices, not on an OCR draft.
    classes = fieldset_classes(html)
    assert "collapse" not in classes["核对"] | classes["版面位置"]
    other = make_notice(scanned_page)
    classes = fieldset_classes(
        editor.get(f"/admin/notices/notice/{other.pk}/change/").content.decode()
    )
    assert "识别文字核对" not in classes
    assert "collapse" in classes["核对"] and "collapse" in classes["版面位置"]


def test_other_articles_have_no_ocr_review(editor, scanned_page):
    article = make_article(scanned_page)
    html = editor.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "识别文字核对" not in html
    assert "导入时未能完全识别或修复" in html


def test_saving_an_ocr_draft_still_to_review_says_what_it_needs(editor, scanned_page, drafts):
    from tests.paper.test_page_admin import article_form

    article, _ = drafts
    zones = [
        {
            "id": zone.pk,
            "left": zone.left,
            "top": zone.top,
            "width": zone.width,
            "height": zone.height,
        }
        for zone in article.zones.all()
    ]
    data = {**article_form(article, zones), "needs_review": "on"}
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", data, follow=True)
    html = response.content.decode()
    assert "这篇文章是从扫描图识别的草稿,还标着“待核对”" in html
    # Cleared: the draft is reviewed, and may be published.
    data.pop("needs_review")
    data["status"] = Article.Status.PUBLISHED
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", data, follow=True)
    article.refresh_from_db()
    assert not article.needs_review
    assert article.status == Article.Status.PUBLISHED
    assert "还标着“待核对”" not in response.content.decode()


def changelist_rows(response):
    return [
        attrs["value"]
        for attrs, _ in Elements(response.content.decode()).all("input")
        if attrs.get("name") == "_selected_action"
    ]


def test_pages_waiting_for_ocr_review_are_a_filter(editor, scanned_page, drafts, recognition):
    unread = make_page(scanned_page.issue, code="A02")
    attach_page_file(unread, make_scan(*SCAN_SIZE, format="JPEG"))
    reviewed = make_page(scanned_page.issue, code="A03")
    make_article(reviewed, ocr_confidence=0.9, needs_review=False)
    PageRecognition.objects.create(page=reviewed, status="done", data={})
    failed = make_page(scanned_page.issue, code="A04")
    PageRecognition.objects.create(page=failed, status="failed", message="横放")

    def listed(query):
        response = editor.get(f"/admin/paper/page/?{query}")
        assert response.status_code == 200
        return sorted(int(pk) for pk in changelist_rows(response))

    assert listed("recognition=review") == [scanned_page.pk]
    assert listed("recognition=none") == [unread.pk]
    assert listed("recognition=failed") == [failed.pk]
    assert listed("recognition=done") == sorted([scanned_page.pk, reviewed.pk])
    html = editor.get("/admin/paper/page/").content.decode()
    assert f'<a href="{review_url(scanned_page)}">已识别,核对</a>' in html
    assert "识别失败" in html


def test_ocr_drafts_are_a_filter_of_articles_and_notices(editor, scanned_page, drafts):
    article, notice = drafts
    make_article(scanned_page, headline="键入的文章")
    make_notice(scanned_page)
    response = editor.get("/admin/articles/article/?recognised=yes&needs_review__exact=1")
    assert changelist_rows(response) == [str(article.pk)]
    assert "88.5%" in response.content.decode()
    response = editor.get("/admin/articles/article/?recognised=no")
    assert str(article.pk) not in changelist_rows(response)
    response = editor.get("/admin/notices/notice/?recognised=yes")
    assert changelist_rows(response) == [str(notice.pk)]


def ocr_archive(issues):
    """Issues whose pages were read by OCR: each page's recognition and an OCR draft."""
    newest = make_archive(issues)
    for page in Page.objects.filter(recognition=None):
        PageRecognition.objects.create(page=page, status="done", data={"width": 1, "height": 1})
        make_article(page, ocr_confidence=0.8, needs_review=True, status=Article.Status.DRAFT)
    return newest


@pytest.mark.parametrize(
    "url",
    [
        "/admin/paper/page/?recognition=review",
        "/admin/paper/page/",
        "/admin/articles/article/?recognised=yes",
        "/admin/notices/notice/?recognised=no",
    ],
)
def test_changelists_with_the_ocr_filters_run_a_fixed_number_of_queries(editor, url):
    ocr_archive(1)
    with CaptureQueriesContext(connection) as small:
        assert editor.get(url).status_code == 200
    ocr_archive(15)
    with CaptureQueriesContext(connection) as large:
        response = editor.get(url)
    assert response.status_code == 200
    assert len(small) == len(large)


def test_review_runs_a_fixed_number_of_queries(editor, scanned_page, drafts, recognition):
    with CaptureQueriesContext(connection) as few:
        editor.get(review_url(scanned_page))
    for n in range(10):
        make_article(scanned_page, headline=f"又一篇{n}", ocr_confidence=0.9)
    data = recognition.data
    data["blocks"] += [
        {
            "kind": "body",
            "box": [1, 1, 9, 9],
            "lines": [],
            "item": {"model": "articles.article", "pk": a.pk},
        }
        for a in Article.objects.filter(headline__startswith="又一篇")
    ]
    recognition.data = data
    recognition.save()
    with CaptureQueriesContext(connection) as many:
        response = editor.get(review_url(scanned_page))
    assert response.content.decode().count("ocr-kind-body") >= 12
    assert len(few) == len(many)


def test_recognised_text_is_escaped(editor, scanned_page):
    data = {
        "width": 100,
        "height": 100,
        "lines": [line("<script>x</script>", (1, 1, 90, 9), 0.5)],
        "blocks": [{"kind": "<b>", "box": [1, 1, 90, 9], "lines": [0], "item": None}],
    }
    PageRecognition.objects.create(
        page=scanned_page, status="done", file_name=scanned_page.file.name, data=data
    )
    html = editor.get(review_url(scanned_page)).content.decode()
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "ocr-kind-other" in html
