"""An editor enters a lost-certificate notice; a reader finds it and prints the proof."""

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
    return import_sample_issue()


def choose(page, field_id, term, option):
    """Pick an option of an admin autocomplete (select2) field by typing, as an editor does."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_editor_enters_a_notice_in_the_admin(browser, live_server, archive):
    User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/notices/notice/add/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="增加 公告")).to_be_visible()

    choose(page, "id_issue", "2024-10-22", "2024年10月22日")
    choose(page, "id_page", "A03", "A03 公告")
    item = page.locator("#items-0")
    item.get_by_label("持有人").fill("毕丽静")
    choose(page, "id_items-0-document_type", "收据", "收据")
    item.get_by_label("证件名称(见报)").fill("置换保证金收款收据")
    item.get_by_label("开具或发证单位").fill("烟台中升丰田汽车销售服务有限公司")
    item.get_by_label("开具日期").fill("2024-08-30")
    item.get_by_label("号码").fill("0001715")
    item.get_by_label("金额(元)").fill("10000")
    page.screenshot(path=_artifact("admin-notice-form.png"), full_page=True)
    page.get_by_role("button", name="保存并继续编辑").click()

    expect(page.locator(".messagelist")).to_contain_text("已按条目生成刊登文字")
    # The same number was declared void in the sample issue: the editor is told.
    expect(page.locator(".messagelist")).to_contain_text("已在2024年10月22日的公告")
    expect(page.locator("#id_text")).to_have_value(
        "毕丽静遗失烟台中升丰田汽车销售服务有限公司开具的置换保证金收款收据,"
        "开具日期:2024年8月30日,票号:0001715,金额:10000元,声明作废。"
    )
    expect(page.locator("#id_fee")).to_have_value("400")
    notice = Notice.objects.order_by("-id").first()
    assert notice.status == Notice.Status.DRAFT
    assert notice.fee == 400
    context.close()


def test_reader_finds_a_notice_by_number_on_a_phone(browser, live_server, archive):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/notices/")
    page.get_by_label("证件号码").fill("yz-000135")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".lead").last).to_have_text("共 1 条公告")
    page.locator(".notice-item-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("遗失声明")
    expect(page.locator(".notice-text")).to_contain_text("迟汝海的鲁烟渔养67419国籍证书丢失")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=_artifact("notice-phone.png"), full_page=True)
    context.close()


def test_the_proofs_qr_code_reads_as_the_notices_permalink(browser, live_server, archive):
    """What a phone's camera sees: the code as the browser draws it, read by ZXing."""
    import io

    import zxingcpp
    from PIL import Image

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    notice = Notice.objects.get(items__holder="迟汝海")
    page.goto(live_server.url + notice.get_proof_url())
    drawn = page.locator(".proof-qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(drawn)))
    assert [code.text for code in found] == [live_server.url + notice.get_absolute_url()]
    context.close()


def test_proof_prints_on_one_a4_page(browser, live_server, archive):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    notice = Notice.objects.get(items__holder="迟汝海")
    page.goto(live_server.url + notice.get_proof_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("登报证明")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".proof-qr svg")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    _artifact("proof.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert len(pages) == 1
    context.close()


def _artifact(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
