"""axe-core on every public page type, on a phone and on a desktop: no violation at all.

axe runs with its default rules (WCAG 2 A and AA, and its best practices such as unique
landmark names). Its source, from tests/tools (fetched by `make test`), is evaluated through
the DevTools protocol rather than added as a script element, so the pages' Content Security
Policy stays as strict as readers get it; the ``page`` fixture still fails on any violation.
"""

from pathlib import Path

import pytest

from tests.public_pages import ERROR_PAGES, load_public_pages, render_error_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_JS = Path(__file__).parents[1] / "tools" / "node_modules" / "axe-core" / "axe.min.js"

# Each violation as a line a person can act on: rule, impact, the first elements and why.
REPORT = """async () => {
    const result = await axe.run(document);
    return result.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length}): ` + v.nodes
        .slice(0, 3).map(n => `${n.target.join(" ")}: ${n.failureSummary}`).join(" | "));
}"""


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed: `make test` installs it into tests/tools")
    return AXE_JS.read_text()


def axe_violations(page, axe_source):
    page.evaluate(axe_source)
    return page.evaluate(REPORT)


def serve(response):
    """A route handler that answers with a Django response (a page no URL leads to)."""

    def fulfil(route):
        route.fulfill(
            status=response.status_code,
            body=response.content,
            content_type=response["Content-Type"],
        )

    return fulfil


def test_every_public_page_type_has_no_axe_violations(
    page, live_server, transactional_db, render_once, axe_source
):
    found = {}
    for name, path in load_public_pages().items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), name
        found[name] = axe_violations(page, axe_source)
        if name == "article-recognised":  # its correction form, folded until opened
            page.locator("details.suggestion > summary").click()
            found["article-recognised-form-open"] = axe_violations(page, axe_source)
    for name in ERROR_PAGES:
        url = f"{live_server.url}/error-page-{name}/"
        page.route(url, serve(render_error_page(name)))
        page.goto(url)
        found[name] = axe_violations(page, axe_source)
    assert {name: violations for name, violations in found.items() if violations} == {}


def test_axe_finds_what_it_should(page, live_server, axe_source):
    """The check can fail: grey on white too faint to read and an image without a text."""
    page.goto(live_server.url + "/robots.txt")
    page.set_content(
        '<!DOCTYPE html><html lang="zh-CN"><head><title>测试</title></head><body><main>'
        '<h1>测试</h1><p><span class="faint">浅灰色的字</span></p><img src="/x.png"></main>'
        "</body></html>"
    )
    page.evaluate("document.querySelector('.faint').style.color = '#aaa'")
    violations = " ".join(axe_violations(page, axe_source))
    assert "color-contrast" in violations
    assert "image-alt" in violations
