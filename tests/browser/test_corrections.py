"""An editor corrects a published notice twice; the reader sees the trail, the proof the print."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from notices.models import Notice
from tests.factories import import_sample_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def archive(transactional_db):
    import_sample_issue()


def test_editor_corrects_a_published_notice_and_readers_see_the_trail(
    browser, live_server, archive, page, screenshot
):
    notice = Notice.objects.get(reference="YT20241022-002")
    printed = notice.text
    User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/notices/notice/{notice.pk}/change/")
    admin.get_by_label("用户名").fill("editor")
    admin.get_by_label("密码").fill("pw-for-tests-only")
    admin.get_by_role("button", name="登录").click()

    # The first time the wording and the item, the second the item and a regenerated wording.
    for wrong, right, field, reason in [
        ("毕丽静", "毕丽晶", "holder", "持有人姓名有误"),
        ("0001715", "0001751", "number", "票号有误"),
    ]:
        item = admin.locator(f"#id_items-0-{field}")
        item.fill(item.input_value().replace(wrong, right))
        text = admin.locator("#id_text")
        if field == "holder":
            text.fill(text.input_value().replace(wrong, right))
        else:
            admin.get_by_label("按条目重新生成刊登文字").check()
        admin.get_by_label("更正说明").fill(reason)
        admin.get_by_role("button", name="保存并继续编辑").click()
        expect(admin.locator(".messagelist")).to_contain_text("成功")
        expect(admin.locator(".inline-group", has_text="更正记录")).to_contain_text(reason)
    admin.context.close()

    page.goto(live_server.url + notice.get_absolute_url())
    expect(page.locator(".notice-corrected")).to_contain_text("本公告刊登后已更正")
    expect(page.locator(".notice-text")).to_contain_text("毕丽晶")
    expect(page.locator(".notice-text")).to_contain_text("0001751")
    earlier = page.locator(".notice-earlier-text")
    expect(earlier).to_have_count(2)
    expect(earlier.first).to_have_text(printed)
    expect(page.locator(".notice-history")).to_contain_text("持有人姓名有误")
    expect(page.locator(".notice-history")).to_contain_text("票号有误")
    # The items as they were before each correction, under the wording they went with.
    expect(page.locator(".notice-earlier-items").first).to_contain_text(
        "毕丽静 · 置换保证金收款收据"
    )
    expect(page.locator(".notice-earlier-items").last).to_contain_text("毕丽晶")
    expect(page.locator(".notice-earlier-items").last).to_contain_text("0001715")
    expect(page.locator(".notice-items")).to_contain_text("0001751")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("notice-corrected")

    page.goto(live_server.url + notice.get_proof_url())
    expect(page.locator(".proof-text")).to_have_text(printed)
    expect(page.locator(".proof-correction")).to_contain_text(re.compile(r"本公告见报后于.*更正"))
    screenshot("proof-corrected")
