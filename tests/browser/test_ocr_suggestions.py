"""A reader on a phone corrects recognised text; an editor reads the difference and accepts it.

The form is on the article's page, folded, with its CSRF token fetched by a script (the page is
cached for everyone); without JavaScript the reader is led to the form's own page.
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article, ArticleRevision, TextSuggestion
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_article

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OCR_BODY = (
    "10月18日,烟台市整形美容协会成立大会在东山宾馆降重举行。\n\n"
    "## 一、总体要求\n\n"
    "会议选举产生了第一届理事会,烟合市卫生健康委员会有关负责人出席。"
)


@pytest.mark.parametrize("page", [390], ids=["phone"], indirect=True)
def test_a_reader_corrects_recognised_text_and_an_editor_accepts_it(
    browser, live_server, page, screenshot
):
    article = make_article(body=OCR_BODY, ocr_confidence=0.87)
    article_url = live_server.url + article.get_absolute_url()
    tokens = []
    page.on("request", lambda request: "/suggest/token/" in request.url and tokens.append(request))
    page.goto(article_url)
    notice = page.locator(".recognised-text")
    expect(notice).to_contain_text("识别文本,可能有误")
    expect(notice).to_contain_text("识别置信度 87%")
    form = page.locator("details.suggestion")
    expect(form.locator("summary")).to_have_text("发现识别错误?提出改正")
    expect(page.get_by_label("正文")).to_be_hidden()  # folded until the reader opens it
    screenshot("ocr-article")
    # The notice's link opens the form on this page rather than leading to its own.
    notice.get_by_role("link", name="发现错误?帮我们改正").click()
    expect(form).to_have_attribute("open", "")
    assert page.url == article_url

    body = form.get_by_label("正文")
    expect(body).to_have_value(re.compile("降重"))  # the text to correct, fetched with the token
    body.fill(body.input_value().replace("降重", "隆重").replace("烟合市", "烟台市"))
    form.get_by_label("说明(可不填)").fill("“降重”应为“隆重”,“烟合市”应为“烟台市”")
    screenshot("ocr-suggestion-form")
    form.get_by_role("button", name="提交修改建议").click()
    expect(page.get_by_role("status")).to_contain_text("谢谢,编辑核对后会更新")
    assert len(tokens) == 1  # fetched once, when the form was opened

    editor = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/articles/textsuggestion/")
    admin.get_by_label("用户名").fill("xiaowang")
    admin.get_by_label("密码").fill("pw-for-tests-only")
    admin.get_by_role("button", name="登录").click()
    expect(admin.locator("#result_list")).to_contain_text(article.headline)
    admin.locator("#result_list tbody th a").first.click()

    diff = admin.locator(".text-diff-body")
    expect(diff.locator("del")).to_have_text(["降", "合"])
    expect(diff.locator("ins")).to_have_text(["隆", "台"])
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=ARTIFACTS / "ocr-suggestion-diff-desktop.png", full_page=True)
    admin.get_by_role("button", name="采纳", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("已采纳")
    admin.context.close()

    article.refresh_from_db()
    assert "隆重举行" in article.body and "烟台市卫生健康委员会" in article.body
    assert ArticleRevision.objects.get().body == OCR_BODY
    page.goto(live_server.url + article.get_absolute_url())
    page.reload()  # the browser keeps its copy for max-age (300 s); a reload asks the server
    expect(page.locator(".article-body")).to_contain_text("东山宾馆隆重举行")
    assert Article.objects.published().search("隆重举行").get() == article


def test_without_javascript_the_link_leads_to_the_forms_own_page(browser, live_server):
    article = make_article(body=OCR_BODY, ocr_confidence=0.87)
    context = browser.new_context(
        viewport={"width": 390, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    # The folded form would be sent without a token: without its script it is not shown.
    expect(page.locator("details.suggestion")).to_be_hidden()
    page.get_by_role("link", name="发现错误?帮我们改正").click()
    expect(page).to_have_url(f"{live_server.url}/articles/{article.pk}/suggest/")
    body = page.get_by_label("正文")
    body.fill(body.input_value().replace("降重", "隆重"))
    page.get_by_role("button", name="提交修改建议").click()
    expect(page.get_by_role("status")).to_contain_text("谢谢,编辑核对后会更新")
    context.close()
    assert "隆重举行" in TextSuggestion.objects.get().body


@pytest.mark.parametrize("page", [390], ids=["phone"], indirect=True)
def test_a_token_that_cannot_be_fetched_sends_nothing_and_says_where_to_go(live_server, page):
    article = make_article(body=OCR_BODY, ocr_confidence=0.87)
    page.route("**/suggest/token/", lambda route: route.fulfill(status=503, body="{}"))
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request))
    page.goto(live_server.url + article.get_absolute_url())
    form = page.locator("details.suggestion")
    form.locator("summary").click()
    error = form.locator("[data-token-error]")
    expect(error).to_be_visible()  # said as soon as the form is opened
    form.get_by_label("标题").fill("标题")
    form.get_by_label("正文").fill("隆重举行")
    form.get_by_role("button", name="提交修改建议").click()
    expect(error).to_be_visible()
    expect(error).to_contain_text("暂时无法提交")
    expect(error.get_by_role("link", name="单独的改正页面")).to_have_attribute(
        "href", f"/articles/{article.pk}/suggest/"
    )
    expect(form.get_by_role("button", name="提交修改建议")).to_be_enabled()  # may try again
    assert posts == [] and not TextSuggestion.objects.exists()
