"""Every public page type has a meta description made from what it shows."""

import pytest
from django.urls import resolve

from articles.models import Article
from notices.models import Notice
from paper.text import DESCRIPTION_LENGTH
from tests.factories import make_notice, make_page
from tests.public_pages import ERROR_PAGES, load_public_pages, render_error_page
from tests.shared_head import read_head

pytestmark = pytest.mark.django_db

ID_NUMBER = "370602199001011239"
A01_HEADLINE = "中共中央 国务院关于深化产业工人队伍建设改革的意见"


def description_of(html):
    return read_head(html.decode()).meta.get("description")


@pytest.fixture
def descriptions(client, render_once):
    pages = load_public_pages()
    found = {name: description_of(client.get(path).content) for name, path in pages.items()}
    for name in ERROR_PAGES:
        found[name] = description_of(render_error_page(name).content)
    return pages, found


def test_every_public_page_type_has_a_short_description(descriptions):
    _, found = descriptions
    assert [name for name, text in found.items() if not text] == []
    assert {name: len(text) for name, text in found.items() if len(text) > DESCRIPTION_LENGTH} == {}
    assert [name for name, text in found.items() if "\n" in text] == []


def test_an_issue_is_described_by_its_date_and_headlines(descriptions):
    _, found = descriptions
    assert found["home"].startswith(f"烟台日报 2024年10月22日,4个版面:{A01_HEADLINE};")
    assert found["issue"] == found["home"]
    assert found["page-with-image"] == f"烟台日报 2024年10月22日 A01版 要闻:{A01_HEADLINE}"
    assert "毕丽静 · 收据 · 遗失声明" in found["page-of-notices"]
    assert found["issue-calendar"].startswith("烟台日报往期报纸:2024年至2024年的每一期")


def test_an_article_is_described_by_its_lead(descriptions):
    pages, found = descriptions
    article = Article.objects.get(pk=resolve(pages["article"]).kwargs["pk"])
    assert found["article"] == article.lead()
    assert found["article"].startswith("产业工人是工人阶级的主体力量")


def test_a_notice_is_described_by_holder_document_and_wording(descriptions):
    pages, found = descriptions
    assert found["notice"].startswith("毕丽静 · 收据 · 遗失声明:毕丽静遗失烟台中升丰田汽车")
    assert found["notice-wedding"].startswith("张雨、百音一兰 · 结婚启事:")
    notice = Notice.objects.get(pk=resolve(pages["notice-proof"]).kwargs["pk"])
    assert found["notice-proof"] == (
        "登报证明:毕丽静 · 收据 · 遗失声明,2024年10月22日刊登于《烟台日报》A03版,"
        f"公告编号 {notice.reference}。"
    )


def test_lists_searches_and_error_pages_say_what_they_are_for(descriptions):
    _, found = descriptions
    assert "文章" in found["article-list"]
    assert "遗失声明" in found["notice-list"] and "证件号码" in found["notice-list"]
    assert "800元" in found["rates"]
    assert "“毕丽静”" in found["search"]
    assert "搜索" in found["search-form"]
    assert "不存在" in found["not-found"]
    assert "缩小范围" in found["query-timed-out"]


def test_a_resident_id_in_a_description_is_masked_even_where_it_is_cut(client):
    page = make_page(code="A03", name="公告")
    notice = make_notice(
        page, items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}]
    )
    # The number straddles the point where the description is cut short.
    notice.text = "张" * 85 + f"遗失身份证,号码:{ID_NUMBER},声明作废。"
    notice.save()
    description = description_of(client.get(notice.get_absolute_url()).content)
    assert "号码:370602*" in description  # cut short within the masked number
    search = description_of(client.get("/search/", {"q": ID_NUMBER}).content)
    for text in [description, search]:
        assert "19900101" not in text
        assert ID_NUMBER[:10] not in text
