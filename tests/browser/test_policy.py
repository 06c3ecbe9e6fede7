"""Every page keeps the Content-Security-Policy: nothing inline, nothing from elsewhere."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article
from notices.models import Notice
from tests.factories import import_sample_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_page_breaking_the_policy_is_noticed(page, live_server):
    """The check every browser test makes at its end does see a blocked inline style."""
    html = '<!DOCTYPE html><html><body><p style="color: red">红字</p></body></html>'
    page.route(
        live_server.url + "/policy-probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "style-src 'self'"},
            body=html,
        ),
    )
    page.goto(live_server.url + "/policy-probe")
    expect(page.get_by_text("红字")).to_be_visible()
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in page.csp_violations)
    page.csp_violations.clear()


def test_public_pages_and_the_admin_load_without_breaking_the_policy(page, live_server):
    import_sample_issue()
    article = Article.objects.get(headline__startswith="第三轮第三批")
    notice = Notice.objects.filter(kind="lost").order_by("reference").first()
    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    public = [
        "/",
        "/issues/",
        "/issues/2024-10-22/",
        "/issues/2024-10-22/A03/",
        article.get_absolute_url(),
        "/articles/?source=新华社",
        notice.get_absolute_url(),
        notice.get_absolute_url() + "proof/",
        "/notices/",
        "/notices/rates/",
        "/search/?q=遗失",
        "/issues/2099-01-01/",
    ]
    for url in public:
        page.goto(live_server.url + url)
        expect(page.locator(".masthead-name")).to_have_text("烟台日报")
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "xiaowang")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("编辑后台")
    admin = [
        "/admin/notices/notice/",
        f"/admin/notices/notice/{notice.pk}/change/",
        "/admin/notices/notice/add/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/paper/issue/",
    ]
    for url in admin:
        page.goto(live_server.url + url)
        expect(page.locator("#content")).to_be_visible()
