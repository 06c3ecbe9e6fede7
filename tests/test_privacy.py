"""Resident ID numbers stay private on every public output.

Two kinds of test:

- **The attacker.** Hypothesis builds PAIRS of archives that are the same in every byte except
  the birth-date digits of one resident ID, the digits ``mask_resident_ids`` hides (the ID is
  written in one of the forms people write it in, and put in a random choice of the fields an
  editor fills in). It then probes every public URL that takes input with what an attacker
  would try: pieces of the ID that include hidden digits, prefixes, suffixes, the masked form,
  a near miss, in one term or among others, with filters, dates, sorting and paging. Each
  response, status and bytes, must be the same for both archives: nothing a reader can send
  tells which birth date is hidden. The one allowed difference: a probe holding the exact full
  number of one of the two may find its owner (the verification a notice exists for).
- **Every public output, for every ID form.** An archive whose every field holds an ID in one
  form; every public page, feed, sitemap, JSON document and error page is fetched, also with
  the full ID typed into each search box and filter and sent in several URL encodings. No full
  ID may appear in the bytes, read as text, as HTML, as JSON or percent-decoded.

The admin is for staff and is left out. Page images and PDFs are left out too.
"""

import datetime
import html
import re
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlencode

import pytest
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notices.models import DocumentType, NoticeRevision
from paper.text import find_resident_ids, mask_resident_ids, normalize_text
from tests.factories import make_article, make_issue, make_notice, make_page
from tests.test_escaping import url_names

pytestmark = pytest.mark.django_db

# --- Resident IDs in the forms people write them in ---------------------------------------

AREAS = ["370602", "370683", "110105", "440305", "650102"]
CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def check_character(first17):
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, CHECK_WEIGHTS, strict=True)) % 11]


def grouped(*sizes, separator=" "):
    def write(number):
        groups, start = [], 0
        for size in sizes:
            groups.append(number[start : start + size])
            start += size
        return separator.join(groups)

    return write


def plain(number):
    return number


@dataclass(frozen=True)
class IdForm:
    length: int  # 15, 18 or 20 digits (a 残疾人证 number is the ID and two more)
    check: str  # how the 18th character is chosen: valid, wrong, X, x
    write: object  # canonical number → how it is written


ID_FORMS = {
    "18-digit": IdForm(18, "valid", plain),
    "18-with-X": IdForm(18, "X", plain),
    "18-with-lowercase-x": IdForm(18, "x", plain),
    "wrong-check-digit": IdForm(18, "wrong", plain),
    "15-digit": IdForm(15, "", plain),
    "15-digit-6-6-3": IdForm(15, "", grouped(6, 6, 3)),
    "6-8-4-spaces": IdForm(18, "valid", grouped(6, 8, 4)),
    "6-8-4-hyphens": IdForm(18, "X", grouped(6, 8, 4, separator="-")),
    "6-4-4-4-hyphens": IdForm(18, "valid", grouped(6, 4, 4, 4, separator="-")),
    "6-4-4-4-spaces": IdForm(18, "valid", grouped(6, 4, 4, 4)),
    "4-4-4-4-2-spaces": IdForm(18, "valid", grouped(4, 4, 4, 4, 2)),
    "full-width": IdForm(18, "X", lambda number: number.translate(FULL_WIDTH)),
    "full-width-ideographic-spaces": IdForm(
        18,
        "valid",
        lambda number: grouped(6, 8, 4, separator="\u3000")(number.translate(FULL_WIDTH)),
    ),
    "disability-card-20-digit": IdForm(20, "valid", plain),
    "letters-around": IdForm(18, "valid", lambda number: f"NO{number}abc"),
}


@dataclass(frozen=True)
class ResidentId:
    number: str  # canonical: what an exact lookup compares
    written: str  # as an editor typed it


def resident_id(form, area, born, sequence, check):
    """The ID of someone born on ``born``, written in ``form``."""
    if form.length == 15:
        number = f"{area}{born:%y%m%d}{sequence:03d}"
    else:
        number = f"{area}{born:%Y%m%d}{sequence:03d}{check}" + ("12" if form.length == 20 else "")
    return ResidentId(number.upper(), form.write(number))


def check_for(form, first17):
    """The 18th character: the valid one, a wrong one, or an X."""
    valid = check_character(first17)
    wrong = str((int(valid.replace("X", "10")) + 1) % 10)
    return {"valid": valid, "wrong": wrong, "X": "X", "x": "x", "": ""}[form.check]


@dataclass(frozen=True)
class Pair:
    form: str
    a: ResidentId
    b: ResidentId

    def hidden(self):
        """The slice of the canonical numbers that the mask hides."""
        return slice(6, 12) if len(self.a.number) == 15 else slice(6, 14)

    def exact_numbers(self):
        """The numbers whose exact lookup may find one of the two."""
        return {n for rid in (self.a, self.b) for n in (rid.number, rid.number[:18])}


def make_pair(name, born_a, born_b, area="370602", sequence=123):
    """Two IDs in the form ``name`` that differ only in the birth date: the hidden digits."""
    form = ID_FORMS[name]
    # One check character for both: it is shown; what A's makes valid is B's too.
    check = check_for(form, f"{area}{born_a:%Y%m%d}{sequence:03d}")
    pair = Pair(
        name,
        resident_id(form, area, born_a, sequence, check),
        resident_id(form, area, born_b, sequence, check),
    )
    # What the tests rest on: the rule finds both, and masked they are the same text.
    for rid in (pair.a, pair.b):
        assert [found.number for found in find_resident_ids(rid.written)] == [rid.number], rid
    assert mask_resident_ids(pair.a.written) == mask_resident_ids(pair.b.written)
    return pair


def fixed_pair(name):
    return make_pair(name, datetime.date(1990, 1, 1), datetime.date(1985, 7, 23))


@st.composite
def pairs(draw):
    name = draw(st.sampled_from(sorted(ID_FORMS)))
    latest = datetime.date(1999 if ID_FORMS[name].length == 15 else 2010, 12, 31)
    dates = st.dates(datetime.date(1900, 1, 1), latest)
    born_a = draw(dates)
    born_b = draw(dates.filter(lambda born: born != born_a))
    return make_pair(name, born_a, born_b, draw(st.sampled_from(AREAS)), draw(st.integers(0, 999)))


# --- An archive holding an ID -------------------------------------------------------------

# Where an editor or an import may put an ID: each field with the words around it.
ARTICLE_FIELDS = {
    "kicker": "关于{}",
    "headline": "市民{}丢失证件后",
    "subheadline": "证号{}",
    "source": "本报讯{}",
    "byline": "本报记者 王晓{}",
    "dateline": "烟台{}电",
    "column": "经济观察{}",
    # The ID at the 109th character of the lead: where the page's description is cut.
    "body": "## 号码{}\n\n" + "当事人" * 36 + "{},已声明作废。",
}
ITEM_FIELDS = {
    "holder": "毕丽静{}",
    "number": "{}",
    "issuer": "烟台市公安局{}",
    "document_name": "居民身份证{}",
    "other_identifier": "鲁烟渔养{}",
}
NOTICE_FIELDS = {"revision": "毕丽静遗失身份证,号码{},声明作废。"}
FIELDS = [
    *(f"article.{name}" for name in ARTICLE_FIELDS),
    *(f"item.{name}" for name in ITEM_FIELDS),
    *(f"notice.{name}" for name in NOTICE_FIELDS),
]
ISSUE_DATE = datetime.date(2024, 10, 22)
# Both archives of a pair are written at the same moment, so that their timestamps agree.
WRITTEN_AT = datetime.datetime(2024, 10, 22, 8, 0, tzinfo=datetime.UTC)


@dataclass
class Archive:
    article: object
    other_article: object
    notice: object
    other_notice: object
    page: object


def make_archive_with(written, fields, pks=None):
    """A published issue: an article and a lost-ID notice whose ``fields`` hold ``written``,
    and an article and a notice without it.

    ``pks`` (filled on the first call, given on the second) makes the second archive of a pair
    use the first one's primary keys: the two are then the same but for the ID.
    """
    pks = {} if pks is None else pks
    first = not pks

    def key(name):
        return {} if first else {"pk": pks[name]}

    def text(field, usual):
        group, name = field.split(".")
        template = {**ARTICLE_FIELDS, **ITEM_FIELDS, **NOTICE_FIELDS}[name]
        return template.format(written, written) if field in fields else usual

    with mock.patch("django.utils.timezone.now", return_value=WRITTEN_AT):
        issue = make_issue(date=ISSUE_DATE, number=25123, **key("issue"))
        page = make_page(issue, code="A01", name="要闻", **key("page"))
        notices_page = make_page(issue, code="A02", name="公告", **key("notices_page"))
        article = make_article(
            page,
            ocr_confidence=0.9,  # recognised text, which readers may correct (its form too)
            **key("article"),
            **{
                name: text(f"article.{name}", usual)
                for name, usual in {
                    "kicker": "前三季度",
                    "headline": "市民丢失证件后",
                    "subheadline": "补办流程",
                    "source": "本报讯",
                    "byline": "本报记者 王晓",
                    "dateline": "烟台10月21日电",
                    "column": "经济观察",
                    "body": "## 号码\n\n当事人身份证已声明作废。",
                }.items()
            },
        )
        other_article = make_article(
            page, headline="烟台港货物吞吐量创新高", **key("other_article")
        )
        item = {
            name: text(f"item.{name}", usual)
            for name, usual in {
                "holder": "毕丽静",
                "number": "0001715",
                "issuer": "烟台市公安局",
                "document_name": "",
                "other_identifier": "",
            }.items()
        }
        notice = make_notice(
            notices_page,
            items=[{**item, "document_type": "收据", **key("item")}],
            **key("notice"),
        )
        if "notice.revision" in fields:
            NoticeRevision.objects.create(
                notice=notice,
                text=text("notice.revision", ""),
                note="补全号码",
                replaced=WRITTEN_AT,
                **key("revision"),
            )
        other_notice = make_notice(
            notices_page, items=[{"holder": "张三", **key("other_item")}], **key("other_notice")
        )
    if first:
        pks.update(
            issue=issue.pk,
            page=page.pk,
            notices_page=notices_page.pk,
            article=article.pk,
            other_article=other_article.pk,
            notice=notice.pk,
            item=notice.items.get().pk,
            revision=getattr(notice.revisions.first(), "pk", None),
            other_notice=other_notice.pk,
            other_item=other_notice.items.get().pk,
        )
    return Archive(article, other_article, notice, other_notice, page)


# Every public URL that shows what an archive holds, whatever the reader sends.
def output_urls(archive):
    article, notice, page = archive.article, archive.notice, archive.page
    return {
        "home": reverse("paper:home"),
        "issue-archive": reverse("paper:issue-archive"),
        "issue": page.issue.get_absolute_url(),
        "page": page.get_absolute_url(),
        "notices-page": notice.page.get_absolute_url(),
        "article": article.get_absolute_url(),
        "article-suggest": reverse("articles:article-suggest", args=[article.pk]),
        "article-suggest-token": reverse("articles:article-suggest-token", args=[article.pk]),
        "other-article": archive.other_article.get_absolute_url(),
        "article.json": reverse("articles:article-detail-json", args=[article.pk]),
        "articles": reverse("articles:article-list"),
        "articles.json": reverse("articles:article-list-json"),
        "notice": notice.get_absolute_url(),
        "notice.json": reverse("notices:notice-detail-json", args=[notice.pk]),
        "proof": notice.get_proof_url(),
        "other-notice": archive.other_notice.get_absolute_url(),
        "notices": reverse("notices:notice-list"),
        "notices.json": reverse("notices:notice-list-json"),
        "rates": reverse("notices:rates"),
        "search": reverse("paper:search"),
        "feed-articles": reverse("feeds:articles"),
        "feed-page-name": reverse("feeds:articles-page-name", args=[page.name]),
        "feed-notices": reverse("feeds:notices"),
        "feed-lost": reverse("feeds:notices-kind", args=["lost"]),
        "sitemap": reverse("sitemap"),
        **{
            f"sitemap-{section}": reverse("sitemap-section", args=[section])
            for section in ["issues", "pages", "articles", "notices"]
        },
        "robots": reverse("robots"),
        "healthz": reverse("paper:healthz"),
        "livez": reverse("paper:livez"),
        "not-found": reverse("notices:notice-detail", args=[notice.pk + 10_000]),
    }


# Public views left out, and why.
NOT_FETCHED = {
    "paper:page-pdf": "page files are redacted on another branch; no page file here",
    "favicon": "a redirect to the icon in the static files, the same for everyone",
}
# The URL names output_urls() fetches (the guard below keeps the table complete).
FETCHED = {
    "paper:home",
    "paper:issue-archive",
    "paper:issue-detail",
    "paper:page-detail",
    "paper:search",
    "paper:healthz",
    "paper:livez",
    "articles:article-list",
    "articles:article-list-json",
    "articles:article-detail",
    "articles:article-detail-json",
    "articles:article-suggest",
    "articles:article-suggest-token",
    "notices:notice-list",
    "notices:notice-list-json",
    "notices:notice-detail",
    "notices:notice-detail-json",
    "notices:notice-proof",
    "notices:rates",
    "feeds:articles",
    "feeds:articles-page-name",
    "feeds:notices",
    "feeds:notices-kind",
    "sitemap",
    "sitemap-section",
    "robots",
}


def test_every_public_url_is_fetched_or_left_out_for_a_reason():
    """A new public page has to be added to output_urls() (or to NOT_FETCHED)."""
    assert set(url_names()) == FETCHED | set(NOT_FETCHED)


@pytest.fixture(autouse=True)
def unlimited_lookups(settings):
    """These tests probe hundreds of times a minute; tests/paper/test_rate_limit.py is where
    the limit on exact lookups is tested."""
    settings.RESIDENT_ID_LOOKUPS_PER_MINUTE = 1_000_000


@pytest.fixture
def client():
    """A client that hands back a server error as its 500 page instead of raising it."""
    return Client(raise_request_exception=False)


# A form's CSRF token is drawn afresh for every response, whatever the archive holds (in the
# form's own page, and from the token URL the article page's form fetches it from).
CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"csrf_token": ")[^"]*')


def fetch(client, url):
    """Status and bytes (no CSRF token); whatever the request did to the database is undone."""
    savepoint = transaction.savepoint()
    try:
        response = client.get(url)
        return response.status_code, CSRF_TOKEN.sub(rb"\1", response.content)
    finally:
        transaction.savepoint_rollback(savepoint)


# --- The attacker ---------------------------------------------------------------------------

# Each example builds two archives and fetches every public output of both (about 2 s): a
# dozen attackers a run keep the suite in CI's budget, and each run draws new ones.
attack = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def probe_values(draw, pair):
    """What an attacker types to learn the hidden digits of one of the pair."""
    rid = draw(st.sampled_from([pair.a, pair.b]))
    number, hidden = rid.number, pair.hidden()
    kind = draw(
        st.sampled_from(
            ["hidden", "around-hidden", "prefix", "suffix", "written-piece", "masked"]
            + ["near-miss", "exact", "birth-date"]
        )
    )
    if kind == "hidden":
        return number[hidden]
    if kind == "around-hidden":
        start = draw(st.integers(0, hidden.stop - 1))
        end = draw(st.integers(max(start, hidden.start) + 1, len(number)))
        return number[start:end]
    if kind == "prefix":
        return number[: draw(st.integers(hidden.start + 1, len(number) - 1))]
    if kind == "suffix":
        return number[draw(st.integers(1, hidden.stop - 1)) :]
    if kind == "written-piece":
        written = rid.written
        start = draw(st.integers(0, len(written) - 2))
        return written[start : draw(st.integers(start + 2, len(written)))]
    if kind == "masked":
        return mask_resident_ids(rid.written)
    if kind == "near-miss":
        # The full number of someone else: one hidden digit changed.
        position = draw(st.integers(hidden.start, hidden.stop - 1))
        digit = str((int(number[position]) + draw(st.integers(1, 9))) % 10)
        return number[:position] + digit + number[position + 1 :]
    if kind == "birth-date":
        born = number[hidden]
        return draw(st.sampled_from([born, f"{born[:4]}-{born[4:6]}-{born[6:]}", born[:4]]))
    return draw(st.sampled_from([rid.number, rid.written, " ".join(rid.number)[:80]]))


# The inputs of each public URL that reads one, with values that narrow or page the list.
EXTRAS = {
    "search": {
        "kind": ["", "articles", "notices"],
        "sort": ["newest", "relevance"],
        "date_from": ["", str(ISSUE_DATE)],
        "date_to": [str(ISSUE_DATE), "2024-10-21"],
        "page": ["1", "2"],
    },
    "notices": {
        "kind": ["lost", "other"],
        "doc_type": ["RECEIPT", "bad"],
        "date_from": [str(ISSUE_DATE)],
        "date_to": [str(ISSUE_DATE), "2024-10-21"],
        "page": ["1", "2", "last"],
    },
    "articles": {
        "page_code": ["A01", "A02"],
        "date_from": [str(ISSUE_DATE)],
        "date_to": [str(ISSUE_DATE), "2024-10-21"],
        "page": ["1", "2", "last"],
    },
}
PROBED = {
    "search": ["q"],
    "notices": ["q", "holder", "number"],
    "articles": ["q", "source", "author", "column", "page_name"],
}
PATHS = {
    "search": ["/search/"],
    "notices": ["/notices/", "/notices.json"],
    "articles": ["/articles/", "/articles.json"],
}


@st.composite
def probe_urls(draw, pair):
    """One probe sent to every input of every URL that reads input; some with more terms and
    with filters, dates, sorting and paging drawn at random."""
    value = draw(probe_values(pair))
    other_words = st.sampled_from(["", "声明", "毕丽静", "身份证", "作废", "370602"])
    urls = []
    for family, parameters in PROBED.items():
        for parameter in parameters:
            query = {parameter: value}
            if parameter == "q" and (word := draw(other_words)):
                query[parameter] = draw(st.sampled_from([f"{word} {value}", f"{value} {word}"]))
            for name in draw(st.sets(st.sampled_from(sorted(EXTRAS[family])), max_size=3)):
                query[name] = draw(st.sampled_from(EXTRAS[family][name]))
            path = draw(st.sampled_from(PATHS[family]))
            urls.append(f"{path}?{urlencode(query)}")
    return value, urls


def is_exact_lookup(pair, url):
    """Whether the URL holds the exact full number of one of the pair (an allowed lookup)."""
    return any(
        number in pair.exact_numbers()
        for found in find_resident_ids(unquote_plus(url))
        for number in found.numbers()
    )


def with_document_type(url):
    """The document type drawn as RECEIPT becomes its id (the same in both archives)."""
    receipt = DocumentType.objects.get(name="收据").pk
    return url.replace("doc_type=RECEIPT", f"doc_type={receipt}")


def first_difference(one, other):
    at = next((i for i, (x, y) in enumerate(zip(one, other, strict=False)) if x != y), None)
    at = min(len(one), len(other)) if at is None else at
    return one[max(0, at - 200) : at + 200], other[max(0, at - 200) : at + 200]


@attack
@given(
    pair=pairs(),
    fields=st.sets(st.sampled_from(FIELDS), min_size=1),
    data=st.data(),
)
def test_no_probe_tells_two_archives_apart_that_differ_only_in_hidden_digits(
    client, pair, fields, data
):
    probes = [data.draw(probe_urls(pair)) for _ in range(2)]
    urls = [with_document_type(url) for _, probe in probes for url in probe]
    pks = {}
    responses = []
    for rid in (pair.a, pair.b):
        savepoint = transaction.savepoint()
        try:
            archive = make_archive_with(rid.written, fields, pks)
            pages = list(output_urls(archive).values())
            responses.append({url: fetch(client, url) for url in [*pages, *urls]})
        finally:
            transaction.savepoint_rollback(savepoint)
    one, other = responses
    for url in one:
        if is_exact_lookup(pair, url):
            continue
        assert one[url][0] == other[url][0], (pair, url, one[url][0], other[url][0])
        if one[url][1] != other[url][1]:
            a, b = first_difference(one[url][1].decode(), other[url][1].decode())
            pytest.fail(f"{url} tells {pair} apart (fields {sorted(fields)}):\n{a}\n---\n{b}")


@pytest.mark.parametrize("form", sorted(ID_FORMS))
def test_the_exact_full_number_finds_its_owner_and_only_its_owner(client, form):
    """The allowed verification: a whole ID finds the notice holding it, not its twin's."""
    pair = fixed_pair(form)
    owner = make_archive_with(pair.a.written, {"item.number"}).notice
    twin = make_notice(
        owner.page, items=[{"holder": "毕丽静", "number": pair.b.written, "document_type": "收据"}]
    )
    # The number filter takes a whole number: the ID as written, without the words around it.
    found = find_resident_ids(pair.a.written)[0]
    for url in [
        f"/search/?{urlencode({'q': pair.a.written})}",
        f"/notices/?{urlencode({'number': pair.a.written[found.start : found.end]})}",
        f"/notices.json?{urlencode({'number': pair.a.number})}",
    ]:
        body = client.get(url).content.decode()
        assert f"/notices/{owner.pk}/" in body, url
        assert f"/notices/{twin.pk}/" not in body, url


# --- Every public output, for every ID form -----------------------------------------------


def readings(content):
    """The response's text as the ways a client may read it: as sent, HTML entities and JSON
    escapes resolved, percent-decoded (``+`` as a space or not)."""
    text = content.decode("utf-8", errors="replace")
    texts = {text, html.unescape(text)}
    texts |= {re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), t) for t in texts}
    texts |= {decode(t) for t in texts for decode in (unquote, unquote_plus)}
    texts |= {html.unescape(t) for t in texts}
    return texts


def digits_only(text):
    return re.sub(r"[^0-9X]", "", normalize_text(text).upper())


def assert_no_full_id(content, numbers, where):
    for text in readings(content):
        found = [rid.number for rid in find_resident_ids(text)]
        assert not found, f"{where}: {found} in {text[:300]!r}"
        runs = digits_only(text)
        for number in numbers:
            assert number not in runs, f"{where}: {number} in the digits of the response"


def typed_queries(rid):
    """The full ID typed into a box, as forms and hand-written links send it."""
    number = rid.number
    values = {
        rid.written,
        number,
        f"{number[:6]} {number[6:14]} {number[14:]}",
        f"{number[:6]}-{number[6:10]}-{number[10:14]}-{number[14:]}",
        number.translate(FULL_WIDTH),
    }
    for value in sorted(values):
        yield quote_plus(value)
        yield quote(value, safe="")


TYPED = {
    "/search/": ["q"],
    "/notices/": ["q", "holder", "number", "kind", "doc_type", "date_from", "page"],
    "/notices.json": ["q", "holder", "number", "kind", "doc_type", "page"],
    "/articles/": ["q", "source", "author", "column", "page_name", "page_code", "date_to"],
    "/articles.json": ["q", "author", "page_name", "date_from"],
    "/issues/": ["date", "year"],
}


@pytest.mark.parametrize("form", sorted(ID_FORMS))
def test_no_public_output_shows_a_full_id(client, form):
    """IDs of this form in every field; every public output, plain and with the ID typed in."""
    pair = fixed_pair(form)
    archive = make_archive_with(pair.a.written, set(FIELDS))
    numbers = {pair.a.number, pair.a.number[:18]}
    typed = list(typed_queries(pair.a))
    urls = list(output_urls(archive).values())
    # Each page with the ID in a query string it does not read, as a shared link may carry.
    urls += [f"{url}?q={typed[n % len(typed)]}" for n, url in enumerate(urls)]
    inputs = [(path, parameter) for path, parameters in TYPED.items() for parameter in parameters]
    for n, (path, parameter) in enumerate(inputs):
        # Each input gets two of the typed forms, and every form comes round several times.
        urls += [f"{path}?{parameter}={typed[(2 * n + k) % len(typed)]}" for k in range(2)]
    for url in urls:
        status, content = fetch(client, url)
        assert status < 500, url
        assert_no_full_id(content, numbers, url)


@pytest.mark.parametrize("form", ["6-8-4-spaces", "full-width", "disability-card-20-digit"])
def test_paging_and_alternate_links_show_a_typed_id_masked(client, form):
    """Links that carry the reader's query on (next page, the JSON twin) carry it masked."""
    pair = fixed_pair(form)
    page = make_archive_with(pair.a.written, set(FIELDS)).page
    for n in range(21):
        make_article(page, headline=f"烟台新闻{n}")
        make_notice(page, items=[{"holder": f"王{n}"}])
    numbers = {pair.a.number, pair.a.number[:18]}
    for value in typed_queries(pair.a):
        for url, link in [
            (f"/articles/?ref={value}", 'rel="next"'),
            (f"/notices/?ref={value}", 'rel="next"'),
            (f"/search/?q=%E7%83%9F%E5%8F%B0&ref={value}", 'rel="next"'),
            (f"/articles.json?ref={value}", '"next": "http'),
            (f"/notices.json?ref={value}&page=2", '"previous": "http'),
        ]:
            status, content = fetch(client, url)
            assert status == 200, url
            assert link in content.decode(), url  # the link that echoes the query is there
            assert_no_full_id(content, numbers, url)


@pytest.mark.parametrize("status, failure", [(500, RuntimeError), (503, OperationalError)])
def test_error_pages_show_no_full_id(client, status, failure):
    pair = fixed_pair("6-8-4-spaces")
    make_archive_with(pair.a.written, set(FIELDS))
    with mock.patch("paper.views.pages_with_contents", side_effect=failure("boom")):
        for value in typed_queries(pair.a):
            response = client.get(f"/?q={value}")
            assert response.status_code == status
            assert_no_full_id(response.content, {pair.a.number}, f"{status} ?q={value}")


def test_the_checks_see_a_full_id_in_every_encoding():
    """What the assertions above rest on: each way a full ID can be written fails them."""
    number = "370602199001011239"
    for leak in [
        number,
        "370602 19900101 1239",
        "370602+19900101+1239",
        "370602%2019900101%201239",
        quote(number.translate(FULL_WIDTH)),
        html.escape(quote_plus("3706 0219 9001 0112 39")),
        "\\uff13\\uff17\\uff10\\uff16\\uff10\\uff12\\uff11\\uff19\\uff19\\uff10\\uff10"
        "\\uff11\\uff10\\uff11\\uff11\\uff12\\uff13\\uff19",
        "&#51;70602199001011239",
    ]:
        with pytest.raises(AssertionError):
            assert_no_full_id(leak.encode(), {number}, leak)
    assert_no_full_id(b"370602********1239 370602%20********%201239", {number}, "masked")
