from xml.etree import ElementTree

import pytest

from notices.models import Notice
from tests.factories import (
    make_archive,
    make_issue,
    make_notice,
    make_page,
    make_wedding_notice,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
ID_NUMBER = "370602199001011239"
MASKED = "370602********1239"


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return feed


def titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def notice_page():
    return make_page(make_issue(), code="A03", name="公告")


def test_feed_has_the_50_newest_published_notices_newest_first(client):
    for n in range(55):
        make_notice(notice_page(), items=[{"holder": f"持有人{n}"}])
    make_notice(notice_page(), items=[{"holder": "草稿"}], status=Notice.Status.DRAFT)
    make_notice(make_page(make_issue(is_published=False)), items=[{"holder": "未发布"}])

    feed = read_feed(client, "/feeds/notices/")

    assert titles(feed) == [f"遗失声明:持有人{n}" for n in range(54, 4, -1)]


def test_entries_mask_resident_id_numbers(client):
    notice = make_notice(items=[{"holder": "张三", "document_type": "身份证", "number": ID_NUMBER}])
    response = client.get("/feeds/notices/")
    assert ID_NUMBER.encode() not in response.content
    entry = read_feed(client, "/feeds/notices/").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "遗失声明:张三"
    assert entry.findtext(f"{ATOM}summary") == f"张三遗失身份证,号码:{MASKED},声明作废。"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{notice.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}published") == f"{notice.pub_date}T00:00:00+08:00"
    assert ID_NUMBER.encode() not in client.get("/feeds/notices/lost/").content


def test_what_editors_type_is_escaped(client):
    make_notice(
        items=[{"holder": "<b>甲</b>"}],
        text='<script>alert("x")</script>\x0b甲遗失收据 & 发票。',
    )
    entry = read_feed(client, "/feeds/notices/").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "遗失声明:<b>甲</b>"
    summary = entry.findtext(f"{ATOM}summary")
    assert summary == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;甲遗失收据 &amp; 发票。"


def test_a_feed_per_kind(client):
    page = notice_page()
    make_notice(page, items=[{"holder": "李四"}])
    make_wedding_notice(page)
    Notice(
        issue=page.issue,
        page=page,
        kind=Notice.Kind.OTHER,
        status=Notice.Status.PUBLISHED,
        text="烟台某公司股东会决议公告。",
    ).save()

    assert titles(read_feed(client, "/feeds/notices/lost/")) == ["遗失声明:李四"]
    assert titles(read_feed(client, "/feeds/notices/wedding/")) == ["结婚启事:张雨、百音一兰"]
    other = read_feed(client, "/feeds/notices/other/")
    assert titles(other) == ["其他声明:烟台某公司股东会决议公告。"]
    alternate = other.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/notices/?kind=other"
    assert len(titles(read_feed(client, "/feeds/notices/"))) == 3


def test_unknown_kind_is_404(client):
    response = client.get("/feeds/notices/advert/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_feeds_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    for count in (1, 30):
        make_archive(count)
        make_wedding_notice()
        # The notices with their couples, then their items.
        with django_assert_num_queries(2):
            read_feed(client, "/feeds/notices/")
        with django_assert_num_queries(2):
            read_feed(client, "/feeds/notices/lost/")
