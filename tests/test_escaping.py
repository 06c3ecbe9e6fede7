"""Whatever editors or imports type is escaped on every public page, feed and JSON document.

Each text field an editor fills in gets a hostile value — a ``<script>`` element, a quote that
tries to open an ``onmouseover`` attribute, a ``javascript:`` URL — and every public page that
shows that field is fetched. The matrix ``SHOWN`` below names, for each field, the pages that
show it; the tests are parametrised over it, one case per field and page.

A page passes when, parsed as a browser would:

- its only ``<script>`` elements are the site's own: JSON-LD data that cannot end its element
  (no ``<`` inside) and scripts loaded from the static files;
- no attribute is an event handler (``on…``) and no link, source or form target is a
  ``javascript:`` URL;
- the hostile value is there, as text (or in an attribute such as ``og:title``): the test cannot
  pass because the page stopped showing the field.

Feeds must parse as XML, carry the value back as typed (their HTML parts escaped) and contain no
raw ``<script``; JSON must give the value back as typed.
"""

import datetime
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from articles.models import Article, ArticleZone
from notices.models import (
    AdDeskPhone,
    DocumentType,
    LostItem,
    Notice,
    NoticeRevision,
    NoticeZone,
    RateCategory,
    WeddingDetails,
)
from paper.models import Page
from tests.factories import make_article, make_issue, make_notice, make_page, make_wedding_notice

pytestmark = pytest.mark.django_db

# The longest hostile value that fits is used: a field of 50 characters gets the second one.
# Each tries to open a script element and to break out of a quoted attribute into a handler.
HOSTILE_VALUES = [
    "<script>alert(1)</script>\"onmouseover=alert(1) x='javascript:alert(1)",
    "<script>alert(1)</script>\"onclick=1'javascript:1",
    "<script>1</script>\"onload=1'javascript:1",
    '<script>1</script>"onload=1',
]
# What a field that may end up in a link's target gets in a second round.
LINK_VALUE = "javascript:alert(1)"

# model, field: every text an editor or the import types that a public page shows.
FIELDS = {
    "article.kicker": (Article, "kicker"),
    "article.headline": (Article, "headline"),
    "article.subheadline": (Article, "subheadline"),
    "article.source": (Article, "source"),
    "article.byline": (Article, "byline"),
    "article.dateline": (Article, "dateline"),
    "article.column": (Article, "column"),
    "article.body": (Article, "body"),
    "page.name": (Page, "name"),
    "notice.text": (Notice, "text"),
    "item.holder": (LostItem, "holder"),
    "item.document_name": (LostItem, "document_name"),
    "item.number": (LostItem, "number"),
    "item.issuer": (LostItem, "issuer"),
    "item.other_identifier": (LostItem, "other_identifier"),
    "document_type.name": (DocumentType, "name"),
    "rate_category.name": (RateCategory, "name"),
    "phone.number": (AdDeskPhone, "number"),
    "phone.label": (AdDeskPhone, "label"),
    "wedding.groom": (WeddingDetails, "groom"),
    "wedding.bride": (WeddingDetails, "bride"),
    "wedding.message": (WeddingDetails, "message"),
    "revision.text": (NoticeRevision, "text"),
    "revision.note": (NoticeRevision, "note"),
}

# Lists cut a notice's text at 60 characters: a longer value would not be seen whole there.
DISPLAY_LIMITS = {"notice.text": 60}

HTML_PAGES = {
    "home": lambda a: reverse("paper:home"),
    "issue": lambda a: a.issue.get_absolute_url(),
    "page": lambda a: a.page.get_absolute_url(),
    "article": lambda a: a.article.get_absolute_url(),
    # The article's text is recognised (OCR): the form to correct it shows it again.
    "suggest": lambda a: reverse("articles:article-suggest", args=[a.article.pk]),
    # The next article on the page names this one in its 上一篇 link.
    "next-article": lambda a: a.next_article.get_absolute_url(),
    "articles": lambda a: reverse("articles:article-list"),
    "notices": lambda a: reverse("notices:notice-list"),
    "notice": lambda a: a.notice.get_absolute_url(),
    "proof": lambda a: a.notice.get_proof_url(),
    "wedding": lambda a: a.wedding.get_absolute_url(),
    "rates": lambda a: reverse("notices:rates"),
    # Every hostile value contains "script"; the sample article's headline contains 吞吐量.
    "search": lambda a: f"{reverse('paper:search')}?q=script",
    "search-articles": lambda a: f"{reverse('paper:search')}?q=吞吐量",
}
FEEDS = {
    "feed-articles": lambda a: reverse("feeds:articles"),
    "feed-page-name": lambda a: reverse("feeds:articles-page-name", args=[a.page.name]),
    "feed-notices": lambda a: reverse("feeds:notices"),
    "feed-lost": lambda a: reverse("feeds:notices-kind", args=["lost"]),
    "feed-wedding": lambda a: reverse("feeds:notices-kind", args=["wedding"]),
}
JSON_DOCUMENTS = {
    "article.json": lambda a: reverse("articles:article-detail-json", args=[a.article.pk]),
    "articles.json": lambda a: reverse("articles:article-list-json"),
    "notice.json": lambda a: reverse("notices:notice-detail-json", args=[a.notice.pk]),
    "wedding.json": lambda a: reverse("notices:notice-detail-json", args=[a.wedding.pk]),
    "notices.json": lambda a: reverse("notices:notice-list-json"),
}

ARTICLE_HTML = ["home", "issue", "page", "article"]
ARTICLE_FEEDS = ["feed-articles", "feed-page-name"]
ARTICLE_JSON = ["article.json", "articles.json"]
NOTICE_JSON = ["notice.json", "notices.json"]

# Which pages show each field. A page missing here is not checked for that field.
SHOWN = {
    "article.kicker": [*ARTICLE_HTML, *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.headline": [
        *ARTICLE_HTML,
        "suggest",
        "next-article",
        "articles",
        "search",
        *ARTICLE_FEEDS,
        *ARTICLE_JSON,
    ],
    "article.subheadline": ["article", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.source": [*ARTICLE_HTML, "articles", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.byline": ["article", "articles", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.dateline": ["article", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.column": ["article", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "article.body": ["article", "suggest", "search", *ARTICLE_FEEDS, *ARTICLE_JSON],
    "page.name": [
        *ARTICLE_HTML,
        "articles",
        "notice",
        "proof",
        "search-articles",
        *ARTICLE_FEEDS,
        *ARTICLE_JSON,
        *NOTICE_JSON,
    ],
    "notice.text": [
        "home",
        "issue",
        "page",
        "notices",
        "notice",
        "search",
        "feed-notices",
        "feed-lost",
        *NOTICE_JSON,
    ],
    "item.holder": ["notice", "feed-notices", "feed-lost", *NOTICE_JSON],
    "item.document_name": ["notice", *NOTICE_JSON],
    "item.number": ["notice", *NOTICE_JSON],
    "item.issuer": ["notice", *NOTICE_JSON],
    "item.other_identifier": ["notice", *NOTICE_JSON],
    "document_type.name": ["notice", "rates", *NOTICE_JSON],
    "rate_category.name": ["rates"],
    "phone.number": ["rates"],
    "phone.label": ["rates"],
    "wedding.groom": ["wedding", "feed-notices", "feed-wedding", "wedding.json", "notices.json"],
    "wedding.bride": ["wedding", "feed-notices", "feed-wedding", "wedding.json", "notices.json"],
    "wedding.message": ["wedding.json", "notices.json"],
    "revision.text": ["notice", "proof", *NOTICE_JSON],
    "revision.note": ["notice", *NOTICE_JSON],
}

# The fields whose value may end up in a link's target (the page-name feed, a tel: link).
LINK_SHOWN = {
    "page.name": [*ARTICLE_HTML, "feed-page-name"],
    "phone.number": ["rates"],
}


def hostile_value(field):
    model, name = FIELDS[field]
    limit = min(model._meta.get_field(name).max_length or 10_000, DISPLAY_LIMITS.get(field, 10_000))
    return next(value for value in HOSTILE_VALUES if len(value) <= limit)


@dataclass
class Archive:
    issue: object
    page: object
    article: object
    next_article: object
    notice: object
    wedding: object


def make_archive_with(field, value):
    """One published issue in which ``field`` holds ``value`` and every other text is ordinary.

    Page A01 carries a page image with zones, two articles and a lost-certificate notice that
    was corrected once; a wedding notice follows; A02 is the next page. Notices have a fixed
    wording, so that a value put into an item or the couple is seen only where that field is.
    """

    def text(name, usual):
        return value if name == field else usual

    if field == "document_type.name":
        DocumentType.objects.filter(name="收据").update(name=value)
    if field == "rate_category.name":
        RateCategory.objects.filter(pk=DocumentType.objects.first().category_id).update(name=value)
    if field.startswith("phone."):
        AdDeskPhone.objects.filter(pk=AdDeskPhone.objects.first().pk).update(
            **{field.removeprefix("phone."): value}
        )
    issue = make_issue(date=datetime.date(2024, 10, 22), number=25123)
    page = make_page(
        issue,
        code="A01",
        name=text("page.name", "要闻"),
        image="pages/a01.webp",
        thumbnail="pages/a01-thumbnail.webp",
        image_width=2000,
        image_height=2800,
    )
    make_article(make_page(issue, code="A02", name=text("page.name", "要闻")))
    article_fields = {
        name.removeprefix("article."): text(name, usual)
        for name, usual in {
            "article.kicker": "前三季度",
            "article.headline": "烟台港货物吞吐量创新高",
            "article.subheadline": "集装箱航线增至百条",
            "article.source": "本报讯",
            "article.byline": "本报记者 王晓 通讯员 李明",
            "article.dateline": "新华社北京10月21日电",
            "article.column": "经济观察",
        }.items()
    }
    # Heading and paragraph: the body shows through both of their templates.
    body = f"## {value}\n\n{value}" if field == "article.body" else "烟台港前三季度货物吞吐量增长。"
    article = make_article(page, body=body, ocr_confidence=0.93, **article_fields)
    next_article = make_article(page, headline="第二篇文章")
    notice = make_notice(
        page,
        items=[
            {
                "holder": text("item.holder", "毕丽静"),
                "document_type": DocumentType.objects.get(name=text("document_type.name", "收据")),
                "document_name": text("item.document_name", ""),
                "number": text("item.number", "0001715"),
                "issuer": text("item.issuer", "烟台中升丰田汽车销售服务有限公司"),
                "other_identifier": text("item.other_identifier", "鲁烟渔养67419"),
            }
        ],
        text=text("notice.text", "毕丽静遗失收据一张,声明作废。"),
    )
    NoticeRevision.objects.create(
        notice=notice,
        text=text("revision.text", "毕丽静遗失收据,声明作废。"),
        note=text("revision.note", "补全证件名称"),
    )
    wedding = make_wedding_notice(
        page,
        text="新郎张雨与新娘百音一兰正式结为夫妇。",
        wedding={
            "groom": text("wedding.groom", "张雨"),
            "bride": text("wedding.bride", "百音一兰"),
            "message": text("wedding.message", "特此登报,敬告亲友。"),
        },
    )
    zone = {"left": 0.1, "top": 0.1, "width": 0.3, "height": 0.2}
    ArticleZone.objects.create(article=article, **zone)
    NoticeZone.objects.create(notice=notice, **{**zone, "top": 0.5})
    return Archive(issue, page, article, next_article, notice, wedding)


class PageReader(HTMLParser):
    """A page as a browser's parser sees it: its elements, their attributes, text and scripts."""

    def __init__(self):
        super().__init__()
        self.attributes = []  # (tag, name, value)
        self.texts = []
        self.scripts = []  # (attributes, content)
        self._script = None

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "script":
            self._script = (dict(attrs), [])
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.texts.append(data)


def read_html(html):
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}


def assert_nothing_runs(html, where):
    """No script but the site's own, no event handler, no javascript: URL."""
    reader = read_html(html)
    for tag, name, value in reader.attributes:
        assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
        if name in URL_ATTRIBUTES:
            # Browsers ignore spaces and control characters in and before a URL's scheme.
            scheme = "".join(char for char in value if char > " ").lower()
            assert not scheme.startswith("javascript:"), f"{where}: <{tag} {name}={value!r}>"
    for attrs, content in reader.scripts:
        content = "".join(content)
        if "src" in attrs:
            assert attrs["src"].startswith(settings.STATIC_URL), (where, attrs)
            assert not content.strip(), (where, content)
        else:
            assert attrs == {"type": "application/ld+json"}, (where, attrs)
            assert "<" not in content, (where, content)
            json.loads(content)
    # What the parser took for script elements is every "<script" in the markup.
    assert html.lower().count("<script") == len(reader.scripts), where
    return reader


def assert_shows(reader, value, where):
    """``value`` is on the page as text or as an attribute's value, as typed."""
    shown = value in "".join(reader.texts) or any(value in v for _, _, v in reader.attributes)
    assert shown, f"{where}: {value!r} is not shown"


def check_html_page(client, url, value):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/html; charset=utf-8"
    reader = assert_nothing_runs(response.content.decode(), url)
    assert_shows(reader, value, url)


ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed(client, url, value):
    response = client.get(url)
    assert response.status_code == 200, url
    assert b"<script" not in response.content.lower(), url
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    texts = []
    for element in feed.iter():
        texts += element.attrib.values()
        if element.get("type") == "html":
            # A feed reader renders summaries and content as HTML: the same rules apply.
            reader = assert_nothing_runs(element.text or "", f"{url} {element.tag}")
            texts.append("".join(reader.texts))
        else:
            texts.append(element.text or "")
    assert any(value in text for text in texts), f"{url}: {value!r} is not in the feed"


def strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for item in data.values():
            yield from strings(item)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


def check_json(client, url, value):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    # Browsers must not guess that a JSON document is HTML.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert any(value in text for text in strings(response.json())), f"{url}: {value!r} missing"


def cases(shown, pages):
    return [
        pytest.param(field, page, id=f"{field}@{page}")
        for field, names in shown.items()
        for page in names
        if page in pages
    ]


@pytest.mark.parametrize("field, page", cases(SHOWN, HTML_PAGES))
def test_html_page_escapes_what_editors_typed(client, field, page):
    value = hostile_value(field)
    archive = make_archive_with(field, value)
    check_html_page(client, HTML_PAGES[page](archive), value)


@pytest.mark.parametrize("field, feed", cases(SHOWN, FEEDS))
def test_feed_carries_what_editors_typed_as_text(client, field, feed):
    value = hostile_value(field)
    archive = make_archive_with(field, value)
    check_feed(client, FEEDS[feed](archive), value)


@pytest.mark.parametrize("field, document", cases(SHOWN, JSON_DOCUMENTS))
def test_json_gives_back_what_editors_typed(client, field, document):
    value = hostile_value(field)
    archive = make_archive_with(field, value)
    check_json(client, JSON_DOCUMENTS[document](archive), value)


@pytest.mark.parametrize("field, page", cases(LINK_SHOWN, {**HTML_PAGES, **FEEDS}))
def test_a_javascript_url_typed_in_never_becomes_a_link(client, field, page):
    archive = make_archive_with(field, LINK_VALUE)
    if page in FEEDS:
        check_feed(client, FEEDS[page](archive), LINK_VALUE)
    else:
        check_html_page(client, HTML_PAGES[page](archive), LINK_VALUE)


def test_every_field_is_checked_on_some_page():
    assert set(SHOWN) == set(FIELDS)
    assert all(SHOWN.values())


# Public views that show no text editors typed: dates, numbers, codes, files and machine data.
NO_EDITED_TEXT = {
    "paper:issue-archive",
    "paper:page-pdf",
    "paper:healthz",
    "paper:livez",
    "articles:article-suggest-token",  # a CSRF token
    "feeds:notices-kind",  # checked as feed-lost and feed-wedding
    "sitemap",
    "sitemap-section",
    "robots",
    "favicon",
}
CHECKED = {
    "paper:home",
    "paper:issue-detail",
    "paper:page-detail",
    "paper:search",
    "articles:article-list",
    "articles:article-list-json",
    "articles:article-detail",
    "articles:article-detail-json",
    "articles:article-suggest",
    "notices:notice-list",
    "notices:notice-list-json",
    "notices:notice-detail",
    "notices:notice-detail-json",
    "notices:notice-proof",
    "notices:rates",
    "feeds:articles",
    "feeds:articles-page-name",
    "feeds:notices",
}


def url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            if pattern.namespace != "admin":
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from url_names(pattern, namespace)
        elif pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_public_url_is_in_the_matrix_or_shows_no_edited_text():
    """A new page has to be added to the matrix above (or to NO_EDITED_TEXT)."""
    assert set(url_names()) == CHECKED | NO_EDITED_TEXT


# What readers type into search boxes and filters comes back in the form and the heading.
REFLECTED = [
    ("paper:search", "q"),
    ("articles:article-list", "q"),
    ("articles:article-list", "source"),
    ("articles:article-list", "author"),
    ("articles:article-list", "column"),
    ("articles:article-list", "page_name"),
    ("articles:article-list", "date_from"),
    ("notices:notice-list", "q"),
    ("notices:notice-list", "holder"),
    ("notices:notice-list", "number"),
    ("notices:notice-list", "date_to"),
]


@pytest.mark.parametrize("view, parameter", REFLECTED)
def test_what_readers_type_into_a_search_comes_back_escaped(client, view, parameter):
    make_article()
    value = HOSTILE_VALUES[0]
    check_html_page(client, f"{reverse(view)}?{urlencode({parameter: value})}", value)


def test_a_date_typed_into_the_calendar_comes_back_escaped(client):
    make_issue()
    value = HOSTILE_VALUES[0]
    # The calendar keeps the first ten characters of what was typed, in the date box.
    check_html_page(
        client, f"{reverse('paper:issue-archive')}?{urlencode({'date': value})}", value[:10]
    )
