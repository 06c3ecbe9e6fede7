import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from paper.models import Issue, Page
from tests.factories import make_article, make_issue, make_page

pytestmark = pytest.mark.django_db


def test_one_issue_per_day():
    make_issue(date=datetime.date(2024, 10, 22))
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(date=datetime.date(2024, 10, 22))


def test_page_code_once_per_issue():
    issue = make_issue()
    make_page(issue, code="A01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.create(issue=issue, code="A01", order=9)
    # The same code in another issue is fine.
    assert make_page(make_issue(), code="A01").code == "A01"


def test_page_code_must_look_like_a01():
    page = Page(issue=make_issue(), code="a1", order=1)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "code" in error.value.message_dict


def test_published_issues_leave_out_drafts():
    published = make_issue()
    make_issue(is_published=False)
    assert list(Issue.objects.published()) == [published]


def test_urls_read_like_the_archive():
    issue = make_issue(date=datetime.date(2024, 10, 22))
    page = make_page(issue, code="A05")
    assert issue.get_absolute_url() == "/issues/2024-10-22/"
    assert page.get_absolute_url() == "/issues/2024-10-22/A05/"


def test_previous_and_next_issue_skip_drafts():
    first = make_issue(date=datetime.date(2024, 10, 20))
    make_issue(date=datetime.date(2024, 10, 21), is_published=False)
    middle = make_issue(date=datetime.date(2024, 10, 22))
    last = make_issue(date=datetime.date(2024, 10, 23))
    assert middle.get_previous_published() == first
    assert middle.get_next_published() == last
    assert first.get_previous_published() is None
    assert last.get_next_published() is None


def test_calendar_places_issues_on_their_days():
    issue = make_issue(date=datetime.date(2024, 10, 22))
    months = Issue.objects.published().calendar(2024)
    assert [m["month"] for m in months] == list(range(1, 13))
    october = months[9]
    days = [pair for week in october["weeks"] for pair in week]
    assert (datetime.date(2024, 10, 22), issue) in days
    assert (datetime.date(2024, 10, 21), None) in days
    # Days of the neighbouring months are blanks, not links.
    assert all(day is None or day.month == 10 for day, _ in days)


def test_changing_an_issue_date_moves_its_articles():
    article = make_article()
    issue = article.issue
    issue.date = datetime.date(2030, 1, 1)
    issue.save()
    article.refresh_from_db()
    assert article.pub_date == datetime.date(2030, 1, 1)


def test_page_str_costs_no_query(django_assert_num_queries):
    page = make_page(code="A03", name="公告")
    fresh = Page.objects.get(pk=page.pk)
    with django_assert_num_queries(0):
        assert str(fresh) == "A03 公告"
    with_issue = Page.objects.select_related("issue").get(pk=page.pk)
    assert str(with_issue) == f"{page.issue.date:%Y-%m-%d} A03 公告"
