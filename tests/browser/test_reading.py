"""A reader's path through the archive, on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.factories import import_sample_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def archive(transactional_db):
    return import_sample_issue()


def fits_the_viewport(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reader_goes_from_home_to_issue_to_article(page, live_server, archive, screenshot):
    page.goto(live_server.url + "/")
    expect(page.locator(".masthead-name")).to_have_text("烟台日报")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024年10月22日")
    expect(page.get_by_role("link", name="第三轮第三批中央生态环保督察全部进驻")).to_be_visible()
    assert fits_the_viewport(page)
    screenshot("home")

    page.get_by_role("heading", level=1).get_by_role("link").click()
    expect(page).to_have_url(live_server.url + "/issues/2024-10-22/")
    expect(page.get_by_role("heading", name="本期版面")).to_be_visible()
    page_titles = page.locator(".page-card-title").all_inner_texts()
    assert [t.split()[0] for t in page_titles] == ["A01", "A02", "A03", "A04"]
    assert fits_the_viewport(page)
    screenshot("issue")

    page.get_by_role("link", name="中共中央 国务院关于深化产业工人队伍建设改革的意见").click()
    headline = page.get_by_role("heading", level=1)
    expect(headline).to_have_text("中共中央 国务院关于深化产业工人队伍建设改革的意见")
    expect(page.get_by_role("heading", level=2, name="一、总体要求")).to_be_visible()
    expect(page.locator(".article-body")).to_contain_text("鼓励大型企业制定技能人才发展战略")
    assert fits_the_viewport(page)

    # Set for reading Chinese: line height about 1.8, about 36 characters a line at most.
    body = page.locator(".article-body p").nth(1)
    metrics = body.evaluate(
        """p => {
            const style = getComputedStyle(p);
            return {
                lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
                charsPerLine: p.getBoundingClientRect().width / parseFloat(style.fontSize),
            };
        }"""
    )
    assert 1.7 <= metrics["lineHeight"] <= 1.9
    assert metrics["charsPerLine"] <= 37
    if page.viewport_name == "desktop":
        assert metrics["charsPerLine"] >= 30
    screenshot("article")


def test_keyboard_user_sees_focus_and_can_skip_to_content(page, live_server, archive):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_missing_page_is_a_404_in_the_sites_look(page, live_server, archive):
    response = page.goto(live_server.url + "/issues/2024-10-22/Z99/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(page.locator(".masthead-name")).to_have_text("烟台日报")


def test_calendar_links_to_the_issue(page, live_server, archive, screenshot):
    page.goto(live_server.url + "/issues/")
    page.get_by_role("link", name="2024年10月22日").click()
    expect(page).to_have_url(live_server.url + "/issues/2024-10-22/")
    page.goto(live_server.url + "/issues/")
    assert fits_the_viewport(page)
    screenshot("calendar")


def policy_url(issue):
    return issue.articles.get(headline__startswith="中共中央").get_absolute_url()


def test_headings_go_in_order_on_every_page(page, live_server, archive):
    article = policy_url(archive)
    for path in ["/", "/issues/", "/issues/2024-10-22/", "/issues/2024-10-22/A01/", article]:
        page.goto(live_server.url + path)
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
        )
        assert levels[0] == 1, path
        assert levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
        landmarks = page.evaluate(
            "['body > header', 'main', 'body > footer', 'nav']"
            ".map(s => !!document.querySelector(s))"
        )
        assert all(landmarks), path


def test_printed_article_leaves_out_navigation(page, live_server, archive):
    page.goto(live_server.url + policy_url(archive))
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".masthead-search")).to_be_hidden()
    expect(page.locator(".article-headline")).to_be_visible()
    expect(page.locator(".masthead-name")).to_be_visible()
