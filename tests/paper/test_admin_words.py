"""Every string the admin shows or reads out is Chinese: headings, icons' alt text, labels."""

import html
import re

import pytest
from django.contrib.auth.models import Group, User

from tests.factories import make_archive, make_article, make_notice, make_wedding_notice

pytestmark = pytest.mark.django_db

# An English word of three letters or more, outside the few names that are not words.
ENGLISH = re.compile(r"\b(?!PDF\b|PNG\b|JPEG\b|TIFF\b|ID\b)[A-Za-z]{3,}\b")
READ_OUT = re.compile(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"')


def admin_urls():
    newest = make_archive(2)
    notice, wedding, article = make_notice(), make_wedding_notice(), make_article()
    urls = ["/admin/", "/admin/notices/", "/admin/paper/", "/admin/articles/"]
    for model in [
        "notices/notice",
        "articles/article",
        "paper/issue",
        "paper/page",
        "notices/documenttype",
        "notices/ratecategory",
        "notices/addeskphone",
    ]:
        urls += [f"/admin/{model}/", f"/admin/{model}/add/"]
    return urls + [
        f"/admin/notices/notice/{notice.pk}/change/",
        f"/admin/notices/notice/{wedding.pk}/change/",
        f"/admin/notices/notice/{notice.pk}/history/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/paper/issue/{newest.pk}/change/",
        f"/admin/paper/page/{article.page_id}/change/",
        "/admin/notices/notice/?q=张三",
    ]


def english_in(page):
    """The English an editor would see or hear on ``page`` (scripts and values left out)."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", "", page, flags=re.S)
    found = [f"{value!r} (read out)" for value in READ_OUT.findall(page) if ENGLISH.search(value)]
    for text in re.sub(r"<[^>]+>", "\n", page).split("\n"):
        text = html.unescape(text).strip()
        if ENGLISH.search(text) and "@" not in text and text not in {"admin", "xiaowang"}:
            found.append(repr(text))
    return found


@pytest.mark.parametrize("who", ["编辑", "superuser"])
def test_the_admin_shows_and_reads_out_chinese_only(client, who):
    if who == "superuser":
        user = User.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    else:
        user = User.objects.create_user("xiaowang", password="pw-for-tests-only", is_staff=True)
        user.groups.add(Group.objects.get(name=who))
    client.force_login(user)
    english = {}
    for url in admin_urls():
        response = client.get(url)
        if response.status_code == 403 and who == "编辑":
            continue  # the rate card and the document types are the managers'
        assert response.status_code == 200, url
        for text in english_in(response.content.decode()):
            english.setdefault(text, url)
    assert english == {}
