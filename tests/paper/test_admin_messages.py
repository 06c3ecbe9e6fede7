"""After saving an issue or a page, the admin says where readers see it, or why they do not."""

import datetime

import pytest
from django.contrib.messages import get_messages

from tests.factories import make_issue, make_page

pytestmark = pytest.mark.django_db


def issue_form(issue, **fields):
    data = {
        "date": issue.date.isoformat(),
        "number": "",
        "pages-TOTAL_FORMS": 0,
        "pages-INITIAL_FORMS": 0,
    }
    return {**data, **fields}


def shown(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_saving_an_issue_links_to_it_or_says_it_is_not_public(editor):
    issue = make_issue(date=datetime.date(2024, 12, 10), is_published=False)
    url = f"/admin/paper/issue/{issue.pk}/change/"
    response = editor.post(url, issue_form(issue), follow=True)
    assert "这一期报纸还没有发布,读者看不到;勾选“已发布”保存后公开。" in shown(response)
    response = editor.post(url, issue_form(issue, is_published="on"), follow=True)
    assert (
        '读者现在可以在 <a href="/issues/2024-12-10/">/issues/2024-12-10/</a> 看到这一期报纸。'
        in shown(response)
    )


def test_saving_a_page_links_to_it(editor):
    page = make_page(make_issue(date=datetime.date(2024, 12, 10)), code="A05", name="公告")
    data = {
        "issue": page.issue_id,
        "code": "A05",
        "name": "公告",
        "order": 5,
        "redactions-TOTAL_FORMS": 0,
        "redactions-INITIAL_FORMS": 0,
    }
    response = editor.post(f"/admin/paper/page/{page.pk}/change/", data, follow=True)
    assert (
        '读者现在可以在 <a href="/issues/2024-12-10/A05/">/issues/2024-12-10/A05/</a> 看到这一版。'
        in shown(response)
    )
