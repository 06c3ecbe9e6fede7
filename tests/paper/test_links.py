import datetime

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from tests.factories import make_article, make_issue, make_notice, make_page

pytestmark = pytest.mark.django_db


def reversed_paths(article, notice):
    page = article.page
    return {
        "article": reverse("articles:article-detail", kwargs={"pk": article.pk}),
        "notice": reverse("notices:notice-detail", kwargs={"pk": notice.pk}),
        "proof": reverse("notices:notice-proof", kwargs={"pk": notice.pk}),
        "issue": reverse("paper:issue-detail", kwargs={"date": page.issue.date}),
        "page": reverse("paper:page-detail", kwargs={"date": page.issue.date, "code": page.code}),
    }


def linked_paths(article, notice):
    return {
        "article": article.get_absolute_url(),
        "notice": notice.get_absolute_url(),
        "proof": notice.get_proof_url(),
        "issue": article.page.issue.get_absolute_url(),
        "page": article.page.get_absolute_url(),
    }


@pytest.mark.parametrize("prefix", ["/", "/archive/"])
def test_permalinks_are_what_reverse_gives_under_any_script_prefix(prefix):
    page = make_page(make_issue(date=datetime.date(2011, 11, 1)), code="B07")
    article = make_article(page, headline="新闻")
    notice = make_notice(page)
    set_script_prefix(prefix)
    try:
        expected = reversed_paths(article, notice)
        assert linked_paths(article, notice) == expected
        assert expected["page"] == f"{prefix}issues/2011-11-01/B07/"
        assert expected["article"] == f"{prefix}articles/{article.pk}/"
    finally:
        clear_script_prefix()


@pytest.mark.parametrize("prefix", ["/", "/archive/"])
def test_the_path_tag_gives_what_the_url_tag_gives(prefix):
    from django.template import Context, Template

    article = make_article()
    names = ["paper:home", "paper:search", "paper:issue-archive", "notices:notice-list"]
    source = "".join(f"{{% url '{name}' %}}|{{% path '{name}' %}}\n" for name in names)
    source += "{% url 'articles:article-detail-json' article.pk %}|"
    source += "{% path 'articles:article-detail-json' pk=article.pk %}\n"
    set_script_prefix(prefix)
    try:
        rendered = Template("{% load paths %}" + source).render(Context({"article": article}))
    finally:
        clear_script_prefix()
    for line in rendered.strip().split("\n"):
        by_url, by_path = line.split("|")
        assert by_path == by_url and by_url.startswith(prefix)
