"""A reader on a phone and on a desktop: page thumbnails, the zoomable page, its zones."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from notices.models import Notice
from tests.conftest import load_sample_issue_with_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

A01_HEADLINE = "中共中央 国务院关于深化产业工人队伍建设改革的意见"
A02_HEADLINE = "第三轮第三批中央生态环保督察全部进驻"


@pytest.fixture
def archive(transactional_db, render_once):
    load_sample_issue_with_pages()


@pytest.fixture
def errors(page):
    """Script errors on the page: there must be none."""
    found = []
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def scale_of(page):
    return float(page.locator(".page-viewport").get_attribute("data-scale"))


def centre_of(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def image_is_loaded(locator, width):
    locator.scroll_into_view_if_needed()
    expect(locator).to_have_js_property("complete", True)
    return locator.evaluate("image => image.naturalWidth") == width


def share_of_view(page, element_id):
    """How much of the page viewer the element fills (the larger of width and height), or
    False when it is not wholly inside it."""
    return page.evaluate(
        """id => {
            const zone = document.getElementById(id).getBoundingClientRect();
            const view = document.querySelector('.page-viewport').getBoundingClientRect();
            const inside = zone.left >= view.left - 1 && zone.right <= view.right + 1
                && zone.top >= view.top - 1 && zone.bottom <= view.bottom + 1;
            return inside && Math.max(zone.width / view.width, zone.height / view.height);
        }""",
        element_id,
    )


def pinch(page, centre, start=20, end=120):
    """Two fingers moving apart, as Chromium's touch screen reports them."""
    x, y = centre
    session = page.context.new_cdp_session(page)

    def touch(kind, distance=None):
        points = (
            []
            if distance is None
            else [
                {"x": x - distance, "y": y, "id": 0},
                {"x": x + distance, "y": y, "id": 1},
            ]
        )
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", start)
    for step in range(1, 6):
        touch("touchMove", start + (end - start) * step / 5)
    touch("touchEnd")


def test_reader_sees_thumbnails_zooms_the_page_and_opens_an_article_by_mouse(
    page, live_server, archive, errors, screenshot
):
    page.goto(live_server.url + "/issues/2024-10-22/")
    thumbnails = page.locator(".page-thumbnail img")
    expect(thumbnails).to_have_count(4)
    assert all(image_is_loaded(thumbnails.nth(n), 300) for n in range(4))
    hrefs = page.locator(".page-thumbnail").evaluate_all("links => links.map(a => a.pathname)")
    assert hrefs == [f"/issues/2024-10-22/A0{n}/" for n in range(1, 5)]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("issue-thumbnails")

    page.locator(".page-thumbnail").first.click()
    expect(page).to_have_url(live_server.url + "/issues/2024-10-22/A01/")
    assert image_is_loaded(page.locator(".page-image"), 2000)
    viewport = page.locator(".page-viewport")
    expect(viewport).to_have_attribute("data-scale", "1.00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("page-viewer")

    # Zoom with the buttons, then with the wheel on a desktop or two fingers on a phone.
    page.get_by_role("button", name="放大").click()
    expect(viewport).to_have_attribute("data-scale", "1.50")
    expect(page.locator(".page-viewer-scale")).to_have_text("150%")
    page.get_by_role("button", name="复原").click()
    expect(viewport).to_have_attribute("data-scale", "1.00")
    if page.viewport_name == "phone":
        pinch(page, centre_of(viewport))
        assert scale_of(page) == pytest.approx(6.0, abs=0.5)  # fingers 40 px apart, then 240
    else:
        page.mouse.move(*centre_of(viewport))
        page.mouse.wheel(0, -500)
        expect(viewport).not_to_have_attribute("data-scale", "1.00")
        assert scale_of(page) == pytest.approx(2.72, abs=0.05)  # e^(500 × 0.002)
        # Dragging pans the zoomed page and opens nothing.
        before = page.locator(".page-canvas").evaluate("c => c.style.transform")
        x, y = centre_of(viewport)
        page.mouse.down()
        page.mouse.move(x + 80, y + 60, steps=5)
        page.mouse.up()
        assert page.locator(".page-canvas").evaluate("c => c.style.transform") != before
        expect(page).to_have_url(live_server.url + "/issues/2024-10-22/A01/")
    screenshot("page-viewer-zoomed")
    page.get_by_role("button", name="复原").click()
    page.wait_for_function(  # the short transition back to the whole page is over
        "() => getComputedStyle(document.querySelector('.page-canvas')).transform"
        " === 'matrix(1, 0, 0, 1, 0, 0)'"
    )

    zone = page.locator(".page-zones").get_by_role("link", name=A01_HEADLINE)
    rect = zone.locator("rect")
    x, y = centre_of(zone)
    if page.viewport_name == "phone":
        # No hover on a touch screen: the zones are outlined from the start.
        expect(rect).to_have_css("stroke", "rgba(179, 18, 27, 0.55)")
        page.touchscreen.tap(x, y)
    else:
        expect(rect).to_have_css("stroke", "rgba(0, 0, 0, 0)")  # shown on hover only
        page.mouse.move(x, y)
        expect(rect).to_have_css("stroke", "rgb(179, 18, 27)")
        page.mouse.click(x, y)
    article = Article.objects.get(headline=A01_HEADLINE)
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(A01_HEADLINE)
    assert errors == []


def test_keyboard_user_zooms_and_opens_an_article_from_its_zone(
    page, live_server, archive, errors, screenshot
):
    page.goto(live_server.url + "/issues/2024-10-22/A02/")
    viewport = page.locator(".page-viewport")
    viewport.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    expect(viewport).to_have_attribute("data-scale", "2.25")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("-")
    expect(viewport).to_have_attribute("data-scale", "1.50")

    page.keyboard.press("Tab")
    zone = page.locator(".page-zones").get_by_role("link", name=A02_HEADLINE)
    expect(zone).to_be_focused()
    expect(zone.locator("rect")).to_have_css("stroke", "rgb(242, 169, 0)")
    # The zone reached with Tab is brought into the zoomed view (after a short transition).
    page.wait_for_function(
        """() => {
            const zone = document.activeElement.getBoundingClientRect();
            const view = document.querySelector('.page-viewport').getBoundingClientRect();
            return zone.top >= view.top - 1 && zone.left >= view.left - 1
                && zone.top < view.bottom && zone.left < view.right;
        }"""
    )
    screenshot("page-zone-focused")
    page.keyboard.press("Enter")
    article = Article.objects.get(headline=A02_HEADLINE)
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(A02_HEADLINE)
    assert errors == []


def test_article_shows_its_place_on_the_page_and_links_back_to_it(
    page, live_server, archive, errors, screenshot
):
    article = Article.objects.get(headline=A02_HEADLINE)
    page.goto(live_server.url + article.get_absolute_url())
    crop = page.locator(".page-crop svg")
    expect(crop).to_be_visible()
    box = crop.bounding_box()
    assert box["width"] > box["height"] > 50  # the headline and text over three columns
    screenshot("article-crop")

    page.get_by_role("link", name="在A02版版面上查看本文").click()
    anchor = f"article-{article.pk}"
    expect(page).to_have_url(live_server.url + f"/issues/2024-10-22/A02/#{anchor}")
    page.wait_for_load_state()
    zone = page.locator(f"#{anchor}")
    expect(zone).to_be_focused()  # the browser focuses a link it was sent to
    expect(zone.locator("rect")).to_have_css("stroke", "rgb(242, 169, 0)")
    assert share_of_view(page, anchor)
    screenshot("page-at-article")
    assert errors == []


def test_notice_links_to_the_page_zoomed_to_its_place(
    page, live_server, archive, errors, screenshot
):
    notice = Notice.objects.get(text__startswith="毕丽静")
    page.goto(live_server.url + notice.get_absolute_url())
    expect(page.locator(".page-crop svg")).to_be_visible()
    page.get_by_role("link", name="在A03版版面上查看").click()
    anchor = f"notice-{notice.pk}"
    expect(page).to_have_url(live_server.url + f"/issues/2024-10-22/A03/#{anchor}")
    page.wait_for_load_state()  # the viewer's deferred script has run
    # The notice's box is half the page wide: zoomed until it fills 90 % of the view.
    assert scale_of(page) > 1.5
    fill = share_of_view(page, anchor)
    assert fill == pytest.approx(0.9, abs=0.02)
    screenshot("page-at-notice")
    assert errors == []


# The page's layout shifts (Cumulative Layout Shift, as Chromium measures it for Core Web
# Vitals) and the image's box when the document has been read, before the image arrives.
RECORD_LAYOUT = """
window.layoutShift = 0;
new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.layoutShift += entry.value;
    }
}).observe({type: "layout-shift", buffered: true});
document.addEventListener("DOMContentLoaded", () => {
    const image = document.querySelector(".page-image");
    const box = image.getBoundingClientRect();
    window.boxBeforeLoad = {complete: image.complete, width: box.width, height: box.height};
});
"""


def test_the_page_image_has_its_place_before_it_loads(page, live_server, archive, screenshot):
    """No layout shift while a slow page image arrives (the issue measured CLS 0.12)."""

    def slow_image(route):
        page.wait_for_timeout(800)  # the document is laid out and painted meanwhile
        route.continue_()

    page.route("**/media/pages/**", slow_image)
    page.add_init_script(RECORD_LAYOUT)
    page.goto(live_server.url + "/issues/2024-10-22/A01/")
    image = page.locator(".page-image")
    assert image_is_loaded(image, 2000)
    page.wait_for_timeout(300)
    before = page.evaluate("window.boxBeforeLoad")
    after = image.evaluate("image => image.getBoundingClientRect().toJSON()")
    assert before["complete"] is False
    assert before["width"] == pytest.approx(after["width"], abs=1)
    assert before["height"] == pytest.approx(after["height"], abs=1)
    assert after["width"] > 300
    # The whole page fits the window's height (less 2rem) and the column's width.
    assert after["height"] <= page.viewport_size["height"] - 31
    assert after["width"] <= page.viewport_size["width"]
    assert page.evaluate("window.layoutShift") < 0.01
    screenshot("page-viewer-loaded")
