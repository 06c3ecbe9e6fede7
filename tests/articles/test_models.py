import datetime

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


def test_article_takes_its_issue_date():
    issue = make_issue(date=datetime.date(2024, 10, 22))
    article = make_article(make_page(issue))
    assert article.pub_date == datetime.date(2024, 10, 22)


def test_page_of_another_issue_is_refused():
    article = make_article()
    article.page = make_page(make_issue())
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["page"] == ["所选版面不属于这一期报纸。"]


def test_published_needs_article_and_issue_published():
    visible = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(make_page(make_issue(is_published=False)))
    assert list(Article.objects.published()) == [visible]


def test_status_outside_the_choices_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="deleted")


def test_paragraphs_separate_section_headings():
    article = make_article(body="第一段。\n\n## 一、总体要求\n\n第二段。\n第三段。")
    assert article.paragraphs() == [
        (False, "第一段。"),
        (True, "一、总体要求"),
        (False, "第二段。"),
        (False, "第三段。"),
    ]


def test_search_needs_every_word():
    make_article(headline="大国工匠", body="培养高技能人才。")
    make_article(headline="生态环保督察", body="督察组全部进驻。")
    assert [a.headline for a in Article.objects.search("工匠 人才")] == ["大国工匠"]
    assert [a.headline for a in Article.objects.search("督察")] == ["生态环保督察"]
    assert list(Article.objects.search("工匠 督察")) == []


def test_neighbours_on_page_follow_page_order(django_assert_num_queries):
    page = make_page()
    first = make_article(page, order=1)
    draft = make_article(page, order=2, status=Article.Status.DRAFT)
    third = make_article(page, order=3)
    fourth = make_article(page, order=3)
    make_article(make_page(page.issue), order=4)
    with django_assert_num_queries(1):
        assert first.neighbours_on_page() == (None, third)
    assert third.neighbours_on_page() == (first, fourth)
    assert fourth.neighbours_on_page() == (third, None)
    assert draft.neighbours_on_page() == (first, third)


def test_lead_is_the_first_real_paragraph():
    article = make_article(
        body="## 一、总体要求\n(2024年10月12日)\n" + "产业工人是工人阶级的主体力量。" * 2
    )
    assert article.lead() == "产业工人是工人阶级的主体力量。" * 2
    assert make_article(body="## 标题\n短短一段。").lead() == "短短一段。"
    assert make_article(body="## 只有标题").lead() == ""


@pytest.mark.parametrize(
    "byline, names",
    [
        ("孙文琦", ["孙文琦"]),
        ("本报记者 王晓 通讯员 李明", ["王晓", "李明"]),
        ("记者王晓、张三 通讯员李明", ["王晓", "张三", "李明"]),
        ("(王晓)", ["王晓"]),
        ("", []),
    ],
)
def test_authors_are_the_names_in_the_byline(byline, names):
    assert make_article(byline=byline).authors() == names
