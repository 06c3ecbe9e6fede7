"""Every public URL that takes parameters, fuzzed: whatever a client sends, never a server error.

Hypothesis sends random text, huge, negative and fractional numbers, full-width digits, emoji,
NUL characters (which PostgreSQL refuses in strings), very long values, repeated and unknown
parameters and broken percent-encoding, in the query string and in the path, to an archive with
the sample issue and a few more. A bad value is the reader's mistake: the answer may be a page
that says so, a 400 or a 404, never a 500.
"""

from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from notices.models import Notice
from paper.models import Issue, Page
from tests.factories import make_archive, make_article, make_issue, make_page

pytestmark = pytest.mark.django_db

# The fixtures make the archive once per test and the examples only read it; the module takes
# about 40 seconds on SQLite and on PostgreSQL.
fuzz = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# A path parameter goes through a converter before any view sees it: fewer examples will do.
fuzz_path = settings(fuzz, max_examples=40)

# Any character a client can send: surrogates cannot be encoded in UTF-8, so no client sends them.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)

TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "2024-10-22\x00",
    "0",
    "-1",
    "-0",
    "+1",
    "1.5",
    "1e9",
    "1_000",
    "NaN",
    "inf",
    "last",
    "１２",  # full-width digits
    "２０２４-１０-２２",
    "٣",  # an Arabic-Indic digit
    "9" * 25,
    "-" + "9" * 25,
    "9" * 5000,
    "x" * 5000,
    "工" * 300,
    "😀",
    "𠀀",
    "\u202e",
    "\ufeff",
    "'",
    '"',
    "\\",
    "%",
    "%00",
    "<script>",
    "../../etc/passwd",
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2024-10-22",
    "2024年10月22日",
    "A01",
    "a01",
    "lost",
    "wedding",
    "articles",
    "notices",
    "relevance",
    "newest",
    "烟台",
    "遗失 声明",
    "yz-000135",
    "毕丽静",
    "null",
    "[]",
]

values = st.one_of(
    st.sampled_from(TRICKY),
    any_text,
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(str),
)


def query_strings(parameters):
    """Up to six parameters, names repeated or unknown (``?q=a&q=b``), values of any kind."""
    names = st.sampled_from([*parameters, "page", "format", "unknown"])
    return st.lists(st.tuples(names, values), max_size=6).map(urlencode)


# Query strings as no form sends them: broken percent-encoding, bare separators, odd bytes.
raw_query_strings = st.one_of(
    st.binary(max_size=40).map(lambda data: quote_from_bytes(data, safe="&=;+")),
    st.text("&=;+%?/#0123456789abcdefABCDEF\x00 é中😀", max_size=40),
)

ARTICLE_FILTERS = [
    "date_from",
    "date_to",
    "page_code",
    "page_name",
    "source",
    "author",
    "column",
    "q",
]
NOTICE_FILTERS = ["kind", "date_from", "date_to", "holder", "doc_type", "number", "q"]
SEARCH_FIELDS = ["q", "kind", "date_from", "date_to", "sort"]

# Each public URL that reads its query string, with the parameters it reads; "page" and
# unknown names are sent too.
QUERY_PARAMETERS = {
    "/articles/": ARTICLE_FILTERS,
    "/articles.json": ARTICLE_FILTERS,
    "/notices/": NOTICE_FILTERS,
    "/notices.json": NOTICE_FILTERS,
    "/search/": SEARCH_FIELDS,
    "/issues/": ["year", "date"],
    "/sitemap-articles.xml": ["p"],
}
# Public URLs that read no query string: whatever comes with them changes nothing.
WITHOUT_PARAMETERS = [
    "/",
    "/notices/rates/",
    "/feeds/articles/",
    "/feeds/notices/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/livez",
]


@pytest.fixture
def client():
    """A client that hands back a server error as its 500 page instead of raising it."""
    return Client(raise_request_exception=False)


@pytest.fixture
def archive(sample_issue):
    """The sample issue, two generated issues, a draft issue: ids, dates and names to aim at."""
    make_archive(2)
    make_article(make_page(make_issue(is_published=False)), headline="未发布")
    cache.clear()
    return {
        "ids": list(Article.objects.values_list("pk", flat=True))
        + list(Notice.objects.values_list("pk", flat=True)),
        "dates": [str(date) for date in Issue.objects.values_list("date", flat=True)],
        "page_names": list(Page.objects.values_list("name", flat=True).distinct()),
    }


def get(client, url):
    """The response to ``url``; whatever the request did to the database is undone.

    A database error inside the request would otherwise leave PostgreSQL's transaction
    aborted, and every later example would fail for that one.
    """
    savepoint = transaction.savepoint()
    try:
        return client.get(url)
    finally:
        transaction.savepoint_rollback(savepoint)


def assert_no_server_error(client, url):
    response = get(client, url)
    assert response.status_code < 500, (url, response.status_code)
    return response


@pytest.mark.parametrize("path", QUERY_PARAMETERS)
@fuzz
@given(data=st.data())
def test_any_query_string_is_answered_without_a_server_error(client, archive, path, data):
    query = data.draw(query_strings(QUERY_PARAMETERS[path]))
    assert_no_server_error(client, f"{path}?{query}")


@fuzz
@given(path=st.sampled_from(WITHOUT_PARAMETERS), query=query_strings(["q", "p"]))
def test_a_query_string_where_none_is_read_changes_nothing(client, archive, path, query):
    assert_no_server_error(client, f"{path}?{query}")


@pytest.mark.parametrize("path", ["/articles/", "/notices.json", "/search/", "/issues/"])
@fuzz
@given(query=raw_query_strings)
def test_a_malformed_query_string_is_answered_without_a_server_error(client, archive, path, query):
    assert_no_server_error(client, f"{path}?{query}")


def ids(archive):
    """Real ids, and numbers the database cannot hold, zero, negatives, text."""
    return st.one_of(
        st.sampled_from(archive["ids"]).map(str),
        st.integers().map(str),
        st.sampled_from(TRICKY),
        any_text,
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "/articles/{}/",
        "/articles/{}.json",
        "/articles/{}/suggest/",
        "/articles/{}/suggest/token/",
        "/notices/{}/",
        "/notices/{}.json",
        "/notices/{}/proof/",
    ],
)
@fuzz_path
@given(data=st.data())
def test_any_id_in_a_path_is_answered_without_a_server_error(client, archive, pattern, data):
    value = data.draw(ids(archive))
    assert_no_server_error(client, pattern.format(quote(value, safe="")))


def issue_dates(archive):
    return st.one_of(
        st.sampled_from(archive["dates"]),
        st.dates().map(str),
        st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
        st.sampled_from(TRICKY),
        any_text,
    )


page_codes = st.one_of(
    st.sampled_from(["A01", "A02", "A03", "A04", "Z99"]),
    st.from_regex(r"\A[A-Z][0-9]{2}\Z"),
    st.sampled_from(TRICKY),
    any_text,
)


@pytest.mark.parametrize("pattern", ["/issues/{}/", "/issues/{}/{}/", "/issues/{}/{}.pdf"])
@fuzz_path
@given(data=st.data())
def test_any_date_and_page_code_in_a_path_is_answered_without_a_server_error(
    client, archive, pattern, data
):
    date, code = data.draw(issue_dates(archive)), data.draw(page_codes)
    assert_no_server_error(client, pattern.format(quote(date, safe=""), quote(code, safe="")))


def path_texts(known=()):
    """Text for a path parameter; ``/`` stays as it is, so it may span several segments."""
    return st.one_of(st.sampled_from([*known, *TRICKY]), any_text).map(
        lambda text: quote(text, safe="/")
    )


@fuzz_path
@given(data=st.data())
def test_any_page_name_feed_is_answered_without_a_server_error(client, archive, data):
    name = data.draw(path_texts(archive["page_names"]))
    assert_no_server_error(client, f"/feeds/articles/{name}/")


@fuzz_path
@given(kind=path_texts(["lost", "wedding", "other"]))
def test_any_notice_kind_feed_is_answered_without_a_server_error(client, archive, kind):
    assert_no_server_error(client, f"/feeds/notices/{kind}/")


@fuzz_path
@given(section=path_texts(["issues", "pages", "articles", "notices"]), query=query_strings(["p"]))
def test_any_sitemap_section_is_answered_without_a_server_error(client, archive, section, query):
    assert_no_server_error(client, f"/sitemap-{section}.xml?{query}")


@fuzz_path
@given(path=path_texts())
def test_any_media_path_is_answered_without_a_server_error(client, archive, path):
    assert_no_server_error(client, f"/media/{path}")


@fuzz_path
@given(path=path_texts(["issues/", "articles/", "notices/", "feeds/", "search/", "admin/"]))
def test_any_path_at_all_is_answered_without_a_server_error(client, archive, path):
    assert_no_server_error(client, f"/{path}")
