"""Two editors in two browsers open the same notice: the second save is refused, nothing lost."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from notices.models import Notice
from tests.browser.conftest import ARTIFACTS
from tests.factories import import_sample_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_as(browser, live_server, username, path, csp_violations):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#id_order")).to_be_visible()
    return page


def reveal(page, selector):
    """Open the folded fieldset that holds ``selector``, as an editor clicks its title."""
    field = page.locator(selector)
    if not field.is_visible():
        page.locator("fieldset details", has=field).locator("summary").click()
    return field


def test_two_editors_save_the_same_notice_and_the_second_is_refused(
    browser, live_server, transactional_db
):
    import_sample_issue()
    notice = Notice.objects.get(reference="YT20241022-002")
    path = f"/admin/notices/notice/{notice.pk}/change/"
    violations = []
    first = open_as(browser, live_server, "xiaowang", path, violations)
    second = open_as(browser, live_server, "laoli", path, violations)

    reveal(first, "#id_review_note").fill("票号已与底稿核对。")
    first.get_by_role("button", name="保存并继续编辑").click()
    expect(first.locator(".messagelist")).to_contain_text("成功")

    second.locator("#id_order").fill("9")
    second.get_by_role("button", name="保存并继续编辑").click()
    error = second.locator(".errorlist.nonfield")
    expect(error).to_contain_text(
        "没有保存:您打开这个表单之后,公告“遗失声明 YT20241022-002”有了改动"
    )
    expect(error).to_contain_text("xiaowang于")
    expect(error).to_contain_text("已修改核对说明")
    expect(error).to_contain_text("本页与当前版本不同的字段:版内顺序、核对说明")
    # What the second editor typed stays in the page.
    expect(second.locator("#id_order")).to_have_value("9")
    ARTIFACTS.mkdir(exist_ok=True)
    second.screenshot(path=ARTIFACTS / "admin-edit-conflict-desktop.png")

    with second.context.expect_page() as opened:
        error.get_by_role("link", name="打开当前版本").click()
    current = opened.value
    expect(reveal(current, "#id_review_note")).to_have_value("票号已与底稿核对。")
    current.locator("#id_order").fill("9")
    current.get_by_role("button", name="保存并继续编辑").click()
    expect(current.locator(".messagelist")).to_contain_text("成功")

    notice.refresh_from_db()
    assert (notice.review_note, notice.order) == ("票号已与底稿核对。", 9)
    assert violations == []
    first.context.close()
    second.context.close()
