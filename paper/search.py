"""Exact substring search over normalised Chinese text, served by an index on PostgreSQL.

A document matches a query when every whitespace-separated term of the query occurs in the
document's normalised text (see ``paper.text``). A number-like term (letters and digits, at least
one digit, four or more characters once punctuation is removed) also matches the document's
numbers with their punctuation and spaces removed, so ``yz000135`` finds ``YZ-000135``.

On PostgreSQL each document carries a tsvector of its characters and character bigrams (numbers
get their own marked tokens). A term of one or two characters is one token, and the token match
is the exact answer; a longer term asks the index for its rarest bigrams and is then checked as
a substring.

Newest-first results come from one of three plans, chosen by how many documents the rarest
term is likely to match (read from the column's statistics):
- *walk*: read the date index backwards and keep the matching rows; for common terms.
- *bitmap*: collect every match through the token index and sort; for rare terms.
- *windows*: the bitmap plan over successive date ranges, newest first, each sized to hold about
  a page of matches; for the terms in between, where neither of the others is fast.
A query of several terms asks the index for its rarest term only where that term is not common,
and otherwise walks a bounded stretch of the newest documents before falling back to the bitmap.
"""

import contextlib
import dataclasses
import datetime
import math
import re
import time

from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.html import format_html, format_html_join

from .fields import quote_lexeme
from .text import (
    compact_numbers,
    find_resident_ids,
    mask_resident_ids,
    normalize_text,
    normalize_with_origins,
    resident_id_digest,
    resident_id_digests,
)

NUMBER_MARK = "\ue000"  # a private-use character: normalised text never contains one
ID_MARK = "\ue001"  # before the keyed digest of a resident ID number (paper.text)
MAX_QUERY_LENGTH = 200
# Pages of results a search shows, /search/ and the lists alike: the newest 1,000 matches. A
# deeper page would make every plan read on to it.
MAX_RESULT_PAGES = 50
MAX_TERMS = 10
MIN_NUMBER_LENGTH = 4
NUMBER_TERM = re.compile(r"[0-9a-z\-_./:()#]+")

# Plan thresholds: fractions of all documents that the rarest term is expected to match.
WALK_FROM = 0.02
BITMAP_UP_TO_MATCHES = 4000
PROBE_CAP = 1000  # candidates counted, at most, before choosing between token index and walk
RAREST_TOKENS = 2  # of a long term's tokens, how many the token index is asked for
# …of a number's: its digit pairs are all common (there are a hundred), and two of them left
# thousands of notices to recheck (1784: 2,440, 9 ms; with three 280, 4 ms).
RAREST_NUMBER_TOKENS = 4
WALK_SAMPLE = 2500  # documents read, newest first, before a multi-token query counts as rare
STATS_TTL_SECONDS = 600
# A phrase whose every token is common but which is rare itself: the bitmap plan where its
# tokens together are likely to leave fewer candidates than this, else windows of this many
# days, newest first (doubling), until a page is full or this long has passed.
BITMAP_CANDIDATES = 3000
# …and, where the newest documents had some matches, fewer than this many expected from their rate.
BITMAP_AFTER_WALK_MATCHES = 600
FIRST_WINDOW_DAYS = 180
WINDOWS_BUDGET_SECONDS = 0.05
# A second stretch of the newest documents is read only where it should take less than this: a
# window further back, through the token index, takes about as long.
SECOND_STRETCH_SECONDS = 0.01


def contains(field, text):
    """``field`` contains ``text``, as ``strpos()``: PostgreSQL finds a substring that way in
    60-80 % of the time of ``LIKE '%…%'`` (the check every plan makes of each candidate)."""
    return GreaterThan(StrIndex(field, Value(text)), 0)


def bigrams(text):
    return set(map(str.__add__, text, text[1:]))


def document_tokens(normalized_text, numbers):
    """The tokens of a normalised document: every character and pair of adjacent characters.

    Pairs across whitespace are left out: a search term never contains whitespace.
    """
    text = " ".join(normalized_text.split())
    tokens = {token for token in bigrams(text) if " " not in token}
    tokens.update(text)
    tokens.discard(" ")
    for number in numbers:
        tokens.update(NUMBER_MARK + token for token in {*number, *bigrams(number)})
    return tokens


def search_fields(*parts):
    """The values of a document's search columns, from the texts that make it up.

    Resident ID numbers go in masked, as readers see them, so that no substring of the columns
    holds a hidden digit; each is found whole by its keyed digest, one token of its own.
    """
    normalized = "\n".join(normalize_text(mask_resident_ids(part)) for part in parts if part)
    numbers = compact_numbers(normalized)
    digests = sorted({ID_MARK + digest for part in parts for digest in resident_id_digests(part)})
    return {
        "search_text": normalized,
        "search_numbers": " ".join([*numbers, *digests]),
        "search_tokens": document_tokens(normalized, numbers) | set(digests),
    }


def _term_tokens(text):
    return [text] if len(text) == 1 else sorted(bigrams(text))


@dataclasses.dataclass(frozen=True)
class Term:
    text: str
    number: str = ""
    digest: bool = False  # the text is a resident ID's digest token: it matches whole or not

    @classmethod
    def for_resident_id(cls, number):
        """The exact lookup of a resident ID number (canonical, see paper.text)."""
        return cls(ID_MARK + resident_id_digest(number), digest=True)

    @classmethod
    def parse(cls, raw):
        text = normalize_text(raw)
        number = ""
        if NUMBER_TERM.fullmatch(text):
            compact = re.sub(r"[^0-9a-z]", "", text)
            if len(compact) >= MIN_NUMBER_LENGTH and any(c.isdigit() for c in compact):
                number = compact
        return cls(text, number)

    def alternatives(self):
        """(tokens, needs substring check) for the text and, for numbers, the compact form."""
        if self.digest:
            return [([self.text], False)]
        found = [(_term_tokens(self.text), len(self.text) > 2)]
        if self.number:
            tokens = [NUMBER_MARK + t for t in _term_tokens(self.number)]
            found.append((tokens, True))
        return found

    def tsquery(self, stats=None):
        alternatives = []
        for tokens, _ in self.alternatives():
            if stats is not None:
                tokens = stats.rarest(tokens)
            alternatives.append("(" + " & ".join(quote_lexeme(t) for t in tokens) + ")")
        return " | ".join(alternatives)

    def substring_q(self):
        if self.digest:
            return Q(contains("search_numbers", self.text))
        condition = Q(contains("search_text", self.text))
        if self.number:
            condition |= Q(contains("search_numbers", self.number))
        return condition

    def needs_substring_check(self):
        return any(check for _, check in self.alternatives())

    def sole_token(self):
        """The term's one token, where it has only one (a word of one or two characters)."""
        alternatives = self.alternatives()
        if len(alternatives) == 1 and len(alternatives[0][0]) == 1:
            return alternatives[0][0][0]
        return None


@dataclasses.dataclass
class SearchQuery:
    terms: list

    @classmethod
    def parse(cls, q):
        """The terms of ``q``: its words, and each resident ID in it (however it is written,
        spaces included) as an exact lookup, the only way a hidden digit is ever compared."""
        q = (q or "")[:MAX_QUERY_LENGTH]
        ids = find_resident_ids(q)
        for found in reversed(ids):
            q = q[: found.start] + " " + q[found.end :]
        terms = [Term.for_resident_id(found.number) for found in ids]
        terms += [Term.parse(word) for word in normalize_text(q).split()]
        return cls(list(dict.fromkeys(terms))[:MAX_TERMS])

    def __bool__(self):
        return bool(self.terms)

    def substring_filter(self, queryset):
        """The same matches, decided by the substring conditions alone (no token index)."""
        for term in self.terms:
            queryset = queryset.filter(term.substring_q())
        return queryset

    def tsquery(self, stats=None):
        return " & ".join(f"({term.tsquery(stats)})" for term in self.terms)

    def filter(self, queryset, stats=None, indexed=None):
        """The documents of ``queryset`` that match every term.

        With the token statistics, only each term's rarest tokens go to the index: they narrow
        the candidates as well as all of them would, and the substring check decides anyway.
        ``indexed`` names the terms the index is asked for (all by default); the others are
        checked as substrings of the candidates.
        """
        if not self.terms:
            return queryset.none()
        if connection.vendor != "postgresql":
            return self.substring_filter(queryset)
        indexed = self.terms if indexed is None else indexed
        queryset = queryset.filter(search_tokens__matches=SearchQuery(indexed).tsquery(stats))
        for term in self.terms:
            if term not in indexed or term.needs_substring_check():
                queryset = queryset.filter(term.substring_q())
        return queryset

    def rarest_term(self, stats):
        return min(self.terms, key=stats.term_fraction)


class TokenStatistics:
    """How often tokens occur and how the documents spread over time, for one table.

    Token frequencies come from PostgreSQL's statistics of the token column (ANALYZE keeps the
    most common ones; any other token is rarer than the least common of those). Cached for a few
    minutes per process: they describe a large archive, which changes slowly.
    """

    _cache = {}

    def __init__(self, rows, frequencies, floor, first=None, last=None):
        self.rows = rows
        self.frequencies = frequencies
        self.floor = floor
        self.first = first
        self.last = last

    @classmethod
    def for_model(cls, model, date_field="pub_date"):
        table = model._meta.db_table
        cached = cls._cache.get(table)
        if cached and time.monotonic() - cached[0] < STATS_TTL_SECONDS:
            return cached[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = %s AND attname = 'search_tokens'",
                [table],
            )
            row = cursor.fetchone()
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            rows = max(cursor.fetchone()[0], 0)
        stats = None
        if row and row[0]:
            elements, freqs = row
            frequencies = dict(zip(elements, freqs[: len(elements)], strict=True))
            bounds = model._base_manager.aggregate(
                first=models.Min(date_field), last=models.Max(date_field)
            )
            stats = cls(rows, frequencies, min(frequencies.values()), **bounds)
        cls._cache[table] = (time.monotonic(), stats)
        return stats

    def knows(self, term):
        """Whether the statistics give this term's frequency exactly: one token, a common one."""
        return term.sole_token() in self.frequencies

    def frequency(self, token):
        return self.frequencies.get(token, self.floor)

    def rarest(self, tokens):
        """The tokens the index is asked for, of a term's: the rarest few."""
        digits = all(token.lstrip(NUMBER_MARK).isdigit() for token in tokens)
        return sorted(tokens, key=self.frequency)[
            : RAREST_NUMBER_TOKENS if digits else RAREST_TOKENS
        ]

    def term_fraction(self, term):
        """At most this fraction of documents has the term's tokens; exact where ``knows``."""
        alternatives = [min(map(self.frequency, tokens)) for tokens, _ in term.alternatives()]
        return min(1.0, sum(alternatives))

    def candidates(self, term):
        """About how many documents have the term's rarest tokens (the ones the index is asked
        for), taking them to occur independently, as PostgreSQL's own estimate does."""
        tokens = self.rarest(term.alternatives()[0][0])
        return self.rows * math.prod(map(self.frequency, tokens))

    def upper_fraction(self, query):
        """At most this fraction of documents has all the query's tokens."""
        return min(map(self.term_fraction, query.terms))

    def per_day(self):
        return self.rows / ((self.last - self.first).days + 1)


@dataclasses.dataclass
class Results:
    objects: list
    count: int
    estimated: bool
    plan: str
    # The earliest day searched, where the search stopped short of the archive's first one (a
    # rare phrase of common characters): the page says so and offers the earlier years.
    searched_from: datetime.date | None = None


def is_single_token(query):
    return len(query.terms) == 1 and query.terms[0].sole_token() is not None


def newest(queryset, query, limit, date_from=None, date_to=None, date_field="pub_date"):
    """The ``limit`` newest documents of ``queryset`` matching ``query``, with a count.

    Newest first, the primary key breaking ties; ``date_from`` and ``date_to`` narrow the range.
    The count is exact where the plan collects every match, an estimate otherwise.
    """
    if date_from:
        queryset = queryset.filter(**{f"{date_field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{date_field}__lte": date_to})
    order = [f"-{date_field}", "pk"]
    stats = None
    if connection.vendor == "postgresql" and query:
        stats = TokenStatistics.for_model(queryset.model, date_field)
    if stats is None or stats.first is None:
        matching = query.filter(queryset)
        return Results(list(matching.order_by(*order)[:limit]), matching.count(), False, "plain")

    first = max(filter(None, [stats.first, date_from]))
    last = min(filter(None, [stats.last, date_to]))
    if first > last:
        return Results([], 0, False, "empty")
    fraction = stats.upper_fraction(query)
    expected = round(fraction * stats.per_day() * ((last - first).days + 1))
    if expected <= BITMAP_UP_TO_MATCHES:
        return _bitmap(queryset, query.filter(queryset, stats), limit, date_field)
    if is_single_token(query):
        # The statistics know this token's frequency.
        if fraction >= WALK_FROM:
            return Results(_walk(query, queryset, limit, order), expected, True, "walk")
        window = max(1, math.ceil(2 * limit / (fraction * stats.per_day())))
        objects, _ = _by_windows(
            query.filter(queryset, stats), limit, first, last, window, date_field
        )
        return Results(objects, expected, True, "windows")
    # Several tokens: the statistics cannot tell how many documents have them all together.
    if fraction < WALK_FROM:
        # Not every term is common: ask the index for the rarest term only (its entries are
        # short), check the others as substrings of what it finds.
        rarest = query.rarest_term(stats)
        matching = query.filter(queryset, stats, indexed=[rarest])
        rate = stats.term_fraction(rarest)
        if stats.knows(rarest):
            few = rate * stats.rows < PROBE_CAP
        else:
            few = _candidates_fewer_than(rarest, stats, queryset.model)
        if few:
            return _bitmap(queryset, matching, limit, date_field, large_bitmap=True)
        window = max(1, math.ceil(2 * limit / (rate * stats.per_day())))
        objects, _ = _by_windows(matching, limit, first, last, window, date_field)
        return Results(objects, expected, True, "windows")
    # Every term common: read the newest documents, a short stretch; a common phrase fills a
    # page there.
    per_day = stats.per_day()
    # The budget counts from here: the stretch read below is part of what the reader waits.
    deadline = time.monotonic() + WINDOWS_BUDGET_SECONDS
    end = last
    stretch = WALK_SAMPLE
    objects = []
    read = 0
    # The token index collects every match only where its candidates are few, whatever the
    # matches: 120's tokens 12 and 20 took 0.4 s to recheck for 210 matches.
    few_candidates = stats.candidates(query.rarest_term(stats)) < BITMAP_CANDIDATES
    for _ in range(2):
        began = time.monotonic()
        start = end - datetime.timedelta(days=math.ceil(stretch / per_day))
        in_stretch = queryset.filter(**{f"{date_field}__gt": start, f"{date_field}__lte": end})
        objects += _walk(query, in_stretch, limit - len(objects), order)
        read += stretch
        if len(objects) == limit or start < first:
            return Results(objects, expected, True, "walk")
        if not objects or few_candidates and few_matches(len(objects) / read, stats):
            break
        # Some matches: read on as far as their rate says a page needs, where that is quick
        # (judging by this stretch's time); else the windows below.
        stretch = min(4 * WALK_SAMPLE, math.ceil(2 * (limit - len(objects)) * read / len(objects)))
        if (time.monotonic() - began) * stretch / WALK_SAMPLE > SECOND_STRETCH_SECONDS:
            break
        end = start
    matching = query.filter(queryset, stats)
    if objects:
        # Some among the newest: their rate tells how many the archive holds better than the
        # tokens do (a phrase's tokens are far from independent), and how far back a page
        # reaches. Few, of few candidates: the token index collects them all. Else windows
        # further back, sized by that rate: each rechecks only its own candidates, where
        # collecting all 2,200 matches of two terms took 20-40 ms after the stretch's 20.
        rate = len(objects) / read
        if few_candidates and few_matches(rate, stats):
            return _bitmap(queryset, matching, limit, date_field, large_bitmap=True)
        # At most the usual first window: what a window costs is its candidates, which may be
        # many more than its matches (120: 1 among the newest 2,500, and a window of the three
        # years that rate asked for held 4,000 candidates, 43 ms).
        window = math.ceil(2 * (limit - len(objects)) / (rate * per_day))
        window = max(1, min(window, FIRST_WINDOW_DAYS))
        older, searched_from = _by_windows(
            matching, limit - len(objects), first, start, window, date_field, deadline=deadline
        )
        objects += older
        if searched_from or len(objects) < limit:  # stopped short, or every match read
            return Results(
                objects, len(objects), searched_from is not None, "windows", searched_from
            )
        return Results(objects, max(limit, round(rate * stats.rows)), True, "windows")
    # None among the newest: collect every match through the token index, where its common
    # tokens leave few candidates; otherwise newest windows first, for as long as the budget
    # lasts (a typo such as 烟台建 had 30,000 candidates to read: 0.3 s warm, 1.5 s cold).
    if few_candidates:
        return _bitmap(queryset, matching, limit, date_field, large_bitmap=True)
    objects, searched_from = _by_windows(
        matching, limit, first, last, FIRST_WINDOW_DAYS, date_field, deadline=deadline
    )
    return Results(objects, len(objects), searched_from is not None, "windows", searched_from)


def few_matches(rate, stats):
    """Whether the matches a rate among the newest documents promises are few enough for the
    token index to collect them all."""
    return rate * stats.rows < BITMAP_AFTER_WALK_MATCHES


def earlier_until(searched_from):
    """The day before the earliest one searched, where "search earlier" takes up (or None)."""
    return searched_from - datetime.timedelta(days=1) if searched_from else None


@contextlib.contextmanager
def local_settings(**settings):
    """PostgreSQL settings for the queries inside the block only, in a transaction of their own.

    SET LOCAL alone would last to the end of an enclosing transaction (a savepoint's release
    keeps it): every later query would be planned without sorts, or cut off after a count's
    40 ms. Inside one, the earlier values are put back on leaving (and by the rollback, on an
    error); otherwise the block's own commit ends them. One statement sets them all: a search
    enters such a block for each source, and each round trip costs.
    """
    if not settings:
        yield
        return
    nested = connection.in_atomic_block
    names = list(settings)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["current_setting(%s), set_config(%s, %s, true)"] * len(names)),
            [value for name in names for value in (name, name, settings[name])],
        )
        earlier = cursor.fetchone()[::2]
        yield
        if nested:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [value for pair in zip(names, earlier, strict=True) for value in pair],
            )


def _candidates_fewer_than(term, stats, model, cap=PROBE_CAP):
    """Whether fewer than ``cap`` documents have the term's rarest tokens (a capped count)."""
    with local_settings(work_mem="64MB"):
        # Unordered: in the model's order the planner walks the date index checking each row.
        candidates = model._base_manager.filter(search_tokens__matches=term.tsquery(stats))
        return candidates.order_by().values("pk")[:cap].count() < cap


def _walk(query, queryset, limit, order):
    """Read the date index backwards, checking each document's text: the substring conditions
    alone decide, so only the (smaller) normalised text is read, not the tokens.

    The queryset's prefetches (a notice's items) are read after the walk, under the planner's
    own settings: without sorts or bitmaps, twenty notices' items took 200 ms.
    """
    lookups = queryset._prefetch_related_lookups
    # The planner underrates how often a long substring matches and would scan and sort the
    # whole table; the walk reads only as far back as the page needs.
    with local_settings(enable_bitmapscan="off", enable_seqscan="off", enable_sort="off"):
        matching = query.substring_filter(queryset.prefetch_related(None)).order_by(*order)
        objects = list(matching[:limit])
    models.prefetch_related_objects(objects, *lookups)
    return objects


def _bitmap(queryset, matching, limit, date_field, large_bitmap=False):
    """Every match through the token index, sorted and counted; then the page's documents.

    The matches are sorted as bare keys, without the joins the page's documents need: a rare
    word's few hundred matches cost a few hundred heap reads, not as many joins too. The page's
    documents are then read from ``queryset`` by key alone, their text not checked again (2 ms
    of a notice search).
    """
    # Where many documents have every token, a bitmap kept exact rather than lossy means only
    # candidate rows are rechecked, not whole pages.
    with local_settings(**({"work_mem": "64MB"} if large_bitmap else {})):
        keys = list(
            _unindexed_order(matching.select_related(None), date_field).values_list("pk", flat=True)
        )
    found = queryset.in_bulk(keys[:limit])
    # A document unpublished between the two queries is left out, not a KeyError.
    objects = [found[key] for key in keys[:limit] if key in found]
    return Results(objects, len(keys), False, "bitmap")


def _by_windows(matching, limit, first, last, window, date_field, deadline=None):
    """The bitmap plan over successive date ranges, newest first, each twice the last.

    With a ``deadline`` (time.monotonic()), the first window is always read, and a further one
    only if, taking twice the last one's time (it is twice as long), it ends by the deadline:
    else the earliest day searched comes back with the matches, for the page to say so (else
    None).
    """
    objects = []
    end = last
    while end >= first and len(objects) < limit:
        began = time.monotonic()
        start = max(first, end - datetime.timedelta(days=window - 1))
        in_window = matching.filter(**{f"{date_field}__range": (start, end)})
        objects.extend(_unindexed_order(in_window, date_field)[: limit - len(objects)])
        end = start - datetime.timedelta(days=1)
        window *= 2
        now = time.monotonic()
        spent = deadline is not None and now + 2 * (now - began) > deadline
        if spent and end >= first and len(objects) < limit:
            return objects, start
    return objects, None


def _unindexed_order(queryset, date_field):
    # Sorting on an expression keeps the planner off the date index: it collects the matches
    # through the token index instead, then sorts the few it found.
    return queryset.order_by(
        models.ExpressionWrapper(models.F(date_field) + 0, output_field=models.DateField()).desc(),
        "pk",
    )


def matched_spans(text, query):
    """Where the query's terms occur in ``text``, as sorted, merged (start, end) pairs."""
    normal, origins = normalize_with_origins(text)
    spans = []
    for term in query.terms:
        start = normal.find(term.text)
        while start != -1:
            end = start + len(term.text)
            spans.append((origins[start], origins[end - 1] + 1))
            start = normal.find(term.text, start + 1)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def snippet(text, query, width=90):
    """A piece of ``text`` around the first match, as (before, marked, after, ...) parts.

    Returns a list of (text, is_match) pairs for the template to render with <mark>.
    """
    text = " ".join(text.split())
    spans = matched_spans(text, query)
    if spans:
        centre = spans[0][0]
        start = max(0, centre - width // 3)
    else:
        start = 0
    end = min(len(text), start + width)
    parts = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start > position:
            parts.append((text[position:span_start], False))
        parts.append((text[span_start:span_end], True))
        position = span_end
    if position < end:
        parts.append((text[position:end], False))
    if start > 0:
        parts.insert(0, ("…", False))
    if end < len(text):
        parts.append(("…", False))
    return parts


def marked_snippet(text, query, width=90):
    """The snippet as HTML for a results page: the matches in <mark>, everything escaped.

    Made here rather than looped over in the template: a page shows twenty, and the template
    language costs more per part than the snippet itself.
    """
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", part) if is_match else part,)
            for part, is_match in snippet(text, query, width)
        ),
    )


RELEVANCE_POOL = 200


def search_sources(sources, query, *, page, per_page, date_from=None, date_to=None, order="newest"):
    """One page of matches from several kinds of document, merged newest first (or by relevance).

    ``sources`` maps a kind to a queryset of visible documents; each document needs a
    ``search_display()`` giving (title, text) as a reader sees them. Returns the page's documents,
    the counts per kind (with whether each is an estimate), whether a next page exists and the
    earliest day searched where the search stopped short (a rare phrase of common characters).
    """
    limit = page * per_page + 1
    if order == "relevance":
        limit = max(limit, RELEVANCE_POOL)
    found = {
        kind: newest(queryset, query, limit, date_from, date_to)
        for kind, queryset in sources.items()
    }
    documents = [
        (kind, document) for kind, results in found.items() for document in results.objects
    ]
    documents.sort(key=lambda pair: pair[1].pk)
    documents.sort(key=lambda pair: pair[1].pub_date, reverse=True)
    if order == "relevance":
        documents.sort(key=lambda pair: relevance(pair[1], query), reverse=True)
    start = (page - 1) * per_page
    # Each kind is complete from its own earliest day searched on, the page from the latest.
    searched_from = max(filter(None, (r.searched_from for r in found.values())), default=None)
    return {
        "documents": documents[start : start + per_page],
        "searched_from": searched_from,
        "earlier_until": earlier_until(searched_from),
        "counts": {kind: (r.count, r.estimated) for kind, r in found.items()},
        "has_next": len(documents) > start + per_page,
        "plans": {kind: r.plan for kind, r in found.items()},
    }


def relevance(document, query):
    """Matches in the title count five times those in the text."""
    title, text = document.search_display()
    return 5 * len(matched_spans(title, query)) + len(matched_spans(text, query))
