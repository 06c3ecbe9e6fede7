"""An editor of 编辑 enters a page of notices: from the page, one after another, few clicks."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from notices.models import Notice
from paper.models import Issue
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_issue, make_notice, make_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(first17):
    """A resident ID number with its check digit (GB 11643)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@pytest.fixture
def notice_page(transactional_db):
    issue = make_issue(date=datetime.date(2024, 12, 10))
    make_page(issue, code="A01", name="要闻", order=1)
    page = make_page(issue, code="A05", name="公告", order=5)
    make_page(make_issue(date=datetime.date(2024, 12, 11)), code="A05", name="公告", order=5)
    return page


@pytest.fixture
def admin(browser, live_server):
    """A browser logged in as a member of 编辑 (not a superuser)."""
    user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    yield page
    context.close()
    assert page.csp_violations == []


class Counter:
    """The editor's hands: every click and every typed value, counted."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.typed = 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def type(self, locator, value):
        self.typed += 1
        locator.fill(value)

    def choose(self, field_id, term, option):
        """An autocomplete: open it, type the term, click the option."""
        self.click(self.page.locator(f"#{field_id} + .select2"))
        self.type(self.page.locator(".select2-search__field"), term)
        self.click(self.page.get_by_role("option", name=option, exact=True))


def test_an_editor_enters_a_page_of_three_notices_in_a_few_clicks(admin, live_server, notice_page):
    holders = [
        ("张三", resident_id("37060219900101123")),
        ("李四", resident_id("37060219850505432")),
        ("王五", resident_id("37068719700707001")),
    ]
    admin.goto(f"{live_server.url}/admin/paper/page/{notice_page.pk}/change/")
    hands = Counter(admin)
    hands.click(admin.get_by_role("link", name="录入本版公告"))
    per_notice = []
    for index, (holder, number) in enumerate(holders):
        expect(admin.get_by_role("heading", name="增加 公告")).to_be_visible()
        # Issue and page are filled in; only the lost items' block is shown.
        expect(admin.locator("#id_page")).to_have_value(str(notice_page.pk))
        expect(admin.locator("#select2-id_page-container")).to_have_text("2024-12-10 A05 公告")
        expect(admin.locator("#wedding-group")).to_be_hidden()
        item = admin.locator("#items-0")
        holder_field = item.get_by_label("持有人")
        assert holder_field.bounding_box()["y"] < 900, "the holder is on the first screen"

        hands.type(holder_field, holder)
        hands.choose("id_items-0-document_type", "身份证", "身份证")
        hands.type(item.get_by_label("号码"), number)
        hands.type(item.get_by_label("开具或发证单位"), "烟台市公安局芝罘分局")
        if index == 0:
            ARTIFACTS.mkdir(exist_ok=True)
            admin.screenshot(path=ARTIFACTS / "admin-notice-entry-desktop.png", full_page=True)
        last = index == len(holders) - 1
        button = "保存" if last else "保存并增加另一个"
        hands.click(admin.get_by_role("button", name=button, exact=True))
        expect(admin.locator(".messagelist")).to_contain_text("已按条目生成刊登文字")
        per_notice.append((hands.clicks, hands.typed))
        hands.clicks = hands.typed = 0

    # The first notice's click on 录入本版公告 counts with it: at most 6 clicks, 4 values each.
    assert per_notice == [(4, 4), (3, 4), (3, 4)]
    assert all(clicks <= 6 and typed == 4 for clicks, typed in per_notice)
    notices = list(Notice.objects.order_by("reference"))
    assert [n.reference for n in notices] == [f"YT20241210-00{n}" for n in (1, 2, 3)]
    assert all(n.page_id == notice_page.pk and n.kind == "lost" for n in notices)
    assert [n.items.get().holder for n in notices] == ["张三", "李四", "王五"]
    assert notices[0].text == (
        f"张三遗失烟台市公安局芝罘分局开具的身份证,号码:{holders[0][1]},声明作废。"
    )
    assert all(n.status == Notice.Status.DRAFT for n in notices)


def test_the_page_list_follows_the_issue_and_the_blocks_follow_the_kind(
    admin, live_server, notice_page
):
    admin.goto(f"{live_server.url}/admin/notices/notice/add/?issue={notice_page.issue_id}")
    admin.locator("#id_page + .select2").click()
    options = admin.locator(".select2-results__option")
    expect(options).to_have_text(["2024-12-10 A01 要闻", "2024-12-10 A05 公告"])
    options.filter(has_text="A05").click()
    expect(admin.locator("#id_page")).to_have_value(str(notice_page.pk))

    # Another issue: the page of the first is cleared, and the list is the other's.
    admin.locator("#id_issue + .select2").click()
    admin.locator(".select2-search__field").fill("2024-12-11")
    admin.get_by_role("option", name="2024年12月11日").click()
    expect(admin.locator("#id_page")).to_have_value("")
    admin.locator("#id_page + .select2").click()
    expect(options).to_have_text(["2024-12-11 A05 公告"])
    admin.keyboard.press("Escape")

    expect(admin.locator("#items-group")).to_be_visible()
    expect(admin.locator("#wedding-group")).to_be_hidden()
    expect(admin.locator("fieldset.notice-kind-other")).to_be_hidden()
    admin.locator("#id_kind").select_option("wedding")
    expect(admin.locator("#items-group")).to_be_hidden()
    expect(admin.locator("#wedding-group")).to_be_visible()
    admin.locator("#id_kind").select_option("other")
    expect(admin.locator("#wedding-group")).to_be_hidden()
    expect(admin.locator("fieldset.notice-kind-other")).to_be_visible()
    # Position and history are folded away.
    expect(admin.locator("#id_review_note")).to_be_hidden()
    expect(admin.get_by_text("记录", exact=True)).to_be_visible()


def read(browser, url):
    """What a reader sees at ``url``, in a browser of its own (nothing kept by the browser)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    response = page.goto(url)
    text = page.locator("main").inner_text() if response.status == 200 else ""
    context.close()
    return response.status, text


def test_publishing_offers_to_publish_the_issue_and_readers_see_each_save_at_once(
    admin, browser, live_server, notice_page, page_cache
):
    Issue.objects.filter(pk=notice_page.issue_id).update(is_published=False)
    notice = make_notice(notice_page, status=Notice.Status.DRAFT, items=[{"holder": "毕丽静"}])
    public_url = live_server.url + notice.get_absolute_url()
    assert read(browser, public_url)[0] == 404

    admin.goto(f"{live_server.url}/admin/notices/notice/{notice.pk}/change/")
    admin.locator("#id_status").select_option("published")
    admin.get_by_role("button", name="保存并继续编辑").click()
    messages = admin.locator(".messagelist")
    expect(messages).to_contain_text("2024年12月10日的报纸还没有发布,读者还看不到")
    admin.get_by_role("button", name="发布2024年12月10日的报纸").click()
    expect(messages).to_contain_text("已发布 1 期报纸")
    status, text = read(browser, public_url)
    assert status == 200 and "毕丽静" in text

    # The reader's copy is the shared cache's: a change behind the admin's back is not seen…
    Notice.objects.filter(pk=notice.pk).update(text="未经保存的文字")
    assert "未经保存的文字" not in read(browser, public_url)[1]
    # …and the admin's save is, on the very next request.
    admin.goto(f"{live_server.url}/admin/notices/notice/{notice.pk}/change/")
    admin.locator("#id_text").fill("毕丽晶遗失收据,声明作废。")
    admin.get_by_label("更正说明").fill("持有人姓名有误")
    admin.get_by_role("button", name="保存并继续编辑").click()
    expect(messages).to_contain_text(f"读者现在可以在 {notice.get_absolute_url()} 看到这则公告")
    status, text = read(browser, public_url)
    assert "毕丽晶遗失收据" in text and "持有人姓名有误" in text
