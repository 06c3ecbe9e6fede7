"""An editor checks a page read by OCR: the recognised blocks lie over the text of the scan."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from notices.models import Notice
from paper.models import PageRecognition
from paper.page_files import attach_page_file
from tests.factories import make_article, make_issue, make_notice, make_page, make_printed_scan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZE = (1400, 2000)
PRINTED = [
    (100, 120, 72, "烟台港货物吞吐量创新高", True),
    (100, 270, 36, "本报讯 今年前三季度,烟台港完成货物吞吐量", False),
    (100, 330, 36, "三亿吨,同比增长百分之六点五,创历史新高。", False),
    (100, 390, 36, "港口集团表示,将继续扩大航线网络。", False),
    (900, 470, 32, "(记者 孙文琦)", False),
    (100, 900, 40, "遗失声明", True),
    (100, 970, 32, "毕丽静遗失烟台市收款收据一张,声明作废。", False),
]
# The blocks the layout made of the lines: (kind, line indices, the draft it became).
BLOCKS = [
    ("headline", [0], "article"),
    ("body", [1, 2, 3], "article"),
    ("byline", [4], "article"),
    ("notice", [5, 6], "notice"),
]
MARGIN = 8  # pixels of the scan around a block's lines


def union(boxes, margin=0):
    return [
        min(box[0] for box in boxes) - margin,
        min(box[1] for box in boxes) - margin,
        max(box[2] for box in boxes) + margin,
        max(box[3] for box in boxes) + margin,
    ]


@pytest.fixture
def recognised_page(transactional_db, render_once):
    """A scanned page read by OCR into an article and a notice, both drafts 待核对."""
    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    scan, lines = make_printed_scan(PRINTED, SIZE)
    lines[2]["confidence"] = 0.61  # a doubtful line
    lines[4]["chars"][4][2] = 0.42  # a doubtful character: 孙
    page = make_page(make_issue(date=datetime.date(1994, 3, 8)), code="A01", name="要闻")
    attach_page_file(page, scan)
    page.refresh_from_db()
    article = make_article(
        page,
        headline=PRINTED[0][3],
        body="\n\n".join(text for _, _, _, text, _ in PRINTED[1:4]),
        byline="孙文琦",
        status=Article.Status.DRAFT,
        needs_review=True,
        ocr_confidence=0.9,
    )
    notice = make_notice(page, status=Notice.Status.DRAFT, needs_review=True, ocr_confidence=0.97)
    items = {
        "article": {"model": "articles.article", "pk": article.pk},
        "notice": {"model": "notices.notice", "pk": notice.pk},
    }
    blocks = [
        {
            "kind": kind,
            "box": union([lines[i]["box"] for i in indices], MARGIN),
            "lines": indices,
            "item": items[item],
        }
        for kind, indices, item in BLOCKS
    ]
    for item, model in ((article, "article"), (notice, "notice")):
        left, top, right, bottom = union([b["box"] for b in blocks if b["item"] == items[model]])
        item.zones.create(
            left=round(left / SIZE[0], 4),
            top=round(top / SIZE[1], 4),
            width=round((right - left) / SIZE[0], 4),
            height=round((bottom - top) / SIZE[1], 4),
        )
    PageRecognition.objects.create(
        page=page,
        status=PageRecognition.Status.DONE,
        file_name=page.file.name,
        engine="RapidOCR 1.4.4 (PP-OCRv4)",
        data={"width": SIZE[0], "height": SIZE[1], "lines": lines, "blocks": blocks},
        confidence=0.93,
    )
    return page, blocks, article


def log_in(page, live_server):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "xiaowang")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("编辑后台")


def dark_pixels(png):
    """The (x, y) of the pixels of a screenshot dark enough to be print."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    width = picture.width
    return [(n % width, n // width) for n, value in enumerate(picture.tobytes()) if value < 140]


@pytest.mark.parametrize("page", [1280], indirect=True, ids=["desktop"])
def test_recognised_blocks_lie_over_the_text_of_the_scan(
    page, live_server, recognised_page, screenshot
):
    scanned, blocks, article = recognised_page
    log_in(page, live_server)
    page.goto(live_server.url + f"/admin/paper/page/{scanned.pk}/recognition/")
    image = page.locator(".ocr-review-surface img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('.ocr-review-surface img').complete")
    shown = image.bounding_box()
    scale = shown["width"] / SIZE[0]
    assert shown["height"] / SIZE[1] == pytest.approx(scale, rel=0.01)

    # Each block's rectangle is where its lines are on the image shown (1 px either way).
    drawn = []
    for block in blocks:
        rect = page.locator(f".ocr-kind-{block['kind']} rect").bounding_box()
        # The box of the rectangle's outline, less the outline (2 px, half of it outside).
        rect = {
            "x": rect["x"] + 1,
            "y": rect["y"] + 1,
            "width": rect["width"] - 2,
            "height": rect["height"] - 2,
        }
        left, top, right, bottom = block["box"]
        assert rect["x"] - shown["x"] == pytest.approx(left * scale, abs=1.5)
        assert rect["y"] - shown["y"] == pytest.approx(top * scale, abs=1.5)
        assert rect["width"] == pytest.approx((right - left) * scale, abs=1.5)
        assert rect["height"] == pytest.approx((bottom - top) * scale, abs=1.5)
        drawn.append(
            (rect["x"] - shown["x"], rect["y"] - shown["y"], rect["width"], rect["height"])
        )

    # The print of the scan, the overlay hidden: every dark pixel is inside a block, and every
    # block holds print.
    overlay = page.locator(".ocr-overlay")
    overlay.evaluate("svg => { svg.style.visibility = 'hidden'; }")
    ink = dark_pixels(image.screenshot())
    overlay.evaluate("svg => { svg.style.visibility = ''; }")
    assert len(ink) > 2000

    def inside(x, y, rect):
        return rect[0] <= x <= rect[0] + rect[2] and rect[1] <= y <= rect[1] + rect[3]

    outside = [(x, y) for x, y in ink if not any(inside(x, y, rect) for rect in drawn)]
    assert len(outside) / len(ink) < 0.002, outside[:20]
    for rect in drawn:
        assert sum(1 for x, y in ink if inside(x, y, rect)) > 30

    # The doubtful line and character are outlined over their print.
    expect(page.locator(".ocr-low a.ocr-low-line")).to_have_count(2)
    shown = image.bounding_box()  # the screenshot scrolled the page
    low_char = page.locator("rect.ocr-low-char").bounding_box()
    assert low_char["width"] > 5 and low_char["height"] > 5
    assert inside(low_char["x"] - shown["x"] + 1, low_char["y"] - shown["y"] + 1, drawn[2])
    expect(page.locator("#low-line-2")).to_contain_text("三亿吨")
    screenshot("admin-ocr-review")

    # A block opens its draft, whose form shows its lines over the crop of the scan.
    page.locator("a.ocr-block.ocr-kind-headline").click()
    expect(page).to_have_url(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".ocr-item-crop svg")).to_be_visible()
    expect(page.locator(".ocr-item tr.is-low")).to_have_count(2)
    expect(page.locator(".ocr-item mark")).to_have_text("孙")
    expect(page.locator(".page-zones-admin-guides rect")).to_have_count(3)
    page.locator(".ocr-item").scroll_into_view_if_needed()
    screenshot("admin-ocr-article")
