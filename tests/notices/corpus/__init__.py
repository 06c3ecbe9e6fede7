"""The notice corpus (issue 15): page-export fragments and the notices they must become.

Each ``*.toml`` file next to this one holds ``[[case]]`` tables, grouped by theme: a fragment of
a page export as ``import_issue`` reads it, and the notices (and articles) the import must make
of it, in order. The wordings follow how Chinese local papers print their notices, not what the
parser does today: the corpus is the yardstick the parser is measured against, by
``tests/notices/test_corpus.py`` (every case right in every field) and by
``bench/notices_accuracy.py`` (``make bench-notices``: how right, field by field).

- ``load_cases()`` reads the files and checks them: unknown keys, missing fields, a fee that is
  not the rate card's, a resident ID or credit code with a wrong check character that no
  flagged notice explains, a notice text the export does not hold (CorpusError, naming the file
  and the case).
- ``run_case()`` imports a case's export inside a transaction it rolls back, and reads back the
  notices and articles the import made.
- ``score()`` compares the two, field by field, with a readable line for each mismatch.

Used from the test suite and from the bench: nothing here imports Django at module level, so
the bench can load the corpus before it sets Django up.
"""

import dataclasses
import datetime
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
DEFAULT_DATE = datetime.date(2024, 10, 22)
KINDS = ("lost", "other", "wedding")

# The rate card the corpus is written to: document type → price of one item, in yuan. The
# expected fee of a lost notice is each item's price × its quantity, summed.
RATES = {
    **dict.fromkeys(("房产证", "土地证", "营运证", "营业执照"), 800),
    **dict.fromkeys(
        (
            "公章",
            "财务章",
            "印章",
            "支票",
            "发票",
            "收据",
            "税务登记证",
            "资格证",
            "代码证",
            "国籍证书",
            "登记证",
            "驾驶证",
            "行驶证",
            "开户许可证",
            "号牌",
            "其他证件",
        ),
        400,
    ),
    **dict.fromkeys(("身份证", "工作证", "户口本", "出生证明", "下岗证"), 150),
    **dict.fromkeys(("残疾证", "学生证", "失业证"), 20),
}

# The fields scored, in the order the bench prints them. Notices: kind, text, fee, flagged;
# lost items: holder … other; other notices: headline, and holder and number (the announcer
# and its credit code). Articles: found by headline, byline, the end of the body.
NOTICE_FIELDS = ("kind", "text", "fee", "flagged")
ITEM_FIELDS = ("holder", "type", "document", "number", "issuer", "date", "amount", "quantity")
ITEM_FIELDS += ("other",)
OTHER_FIELDS = ("headline",)
ARTICLE_FIELDS = ("article", "byline", "body end")
FIELDS = ITEM_FIELDS + OTHER_FIELDS + NOTICE_FIELDS + ARTICLE_FIELDS
# Scored on every item whatever their value; the others only where the case expects a value
# or the import produced one (an issuer nobody printed is neither right nor wrong when absent).
ALWAYS_SCORED = {"holder", "type", "document", "quantity", *NOTICE_FIELDS, "article"}

CASE_KEYS = {"id", "about", "date", "export", "notices", "articles"}
NOTICE_KEYS = {"text", "kind", "fee", "flagged", "reason", "items", "headline", "holder", "number"}
ITEM_KEYS = {"holder", "type", "document", "number", "issuer", "issued_on", "amount"}
ITEM_KEYS |= {"quantity", "other"}
ARTICLE_KEYS = {"headline", "byline", "last_words"}
CASE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PAGE_MARKER = re.compile(r"={3,}")
HEADLINE = re.compile(r"#{1,2}\s")


class CorpusError(ValueError):
    """A corpus file that cannot be read or contradicts itself; names the file and the case."""


# --- What a case expects -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedItem:
    holder: str
    type: str
    document: str
    number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    amount: Decimal | None = None
    quantity: int = 1
    other: str = ""


@dataclass(frozen=True)
class ExpectedNotice:
    text: str
    kind: str = "lost"
    fee: int | None = None
    flagged: bool = False
    reason: str = ""
    items: tuple = ()  # ExpectedItem, lost notices only
    headline: str = ""  # other notices: the title word, e.g. 减资公告
    holder: str = ""  # other notices: who announces it, as signed
    number: str = ""  # other notices: the announcer's unified social credit code


@dataclass(frozen=True)
class ExpectedArticle:
    headline: str
    byline: str = ""
    last_words: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    about: str
    date: datetime.date
    export: str
    notices: tuple
    articles: tuple
    source: str  # the file it comes from, for messages


# --- Reading the files -------------------------------------------------------------------------


def load_cases(directory=CORPUS_DIR):
    """Every case of the corpus files in ``directory``, file by file in name order.

    CorpusError when a file is not TOML, a case has unknown keys or lacks a required one, an id
    is used twice, or a case contradicts itself (see ``check_case``).
    """
    cases, seen = [], {}
    paths = sorted(Path(directory).glob("*.toml"))
    if not paths:
        raise CorpusError(f"{directory}: no corpus files (*.toml)")
    for path in paths:
        for case in load_file(path):
            if case.id in seen:
                raise CorpusError(
                    f"{path.name}: case {case.id!r}: the id is already used in {seen[case.id]}"
                )
            seen[case.id] = path.name
            cases.append(case)
    return cases


def load_file(path):
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path.name}: {error}") from None
    unknown = set(data) - {"case"}
    if unknown:
        raise CorpusError(f"{path.name}: unknown top-level keys {sorted(unknown)}")
    tables = data.get("case", [])
    if not isinstance(tables, list):
        raise CorpusError(f"{path.name}: 'case' must be an array of tables ([[case]])")
    cases = []
    for index, table in enumerate(tables, start=1):
        where = f"{path.name}: case {table.get('id', f'#{index}')!r}"
        case = _case(table, where, path.name)
        problems = check_case(case)
        if problems:
            raise CorpusError(f"{where}: " + "; ".join(problems))
        cases.append(case)
    return cases


def _keys(table, allowed, required, where):
    if not isinstance(table, dict):
        raise CorpusError(f"{where}: expected a table, got {table!r}")
    unknown = set(table) - allowed
    if unknown:
        raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
    missing = [key for key in required if key not in table]
    if missing:
        raise CorpusError(f"{where}: missing {', '.join(missing)}")


def _typed(table, key, kind, where, default):
    value = table.get(key, default)
    # bool is an int to Python; a quantity of true is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CorpusError(f"{where}: {key} must be {kind.__name__}, got {value!r}")
    return value


def _date(table, key, where, default=None):
    value = table.get(key, default)
    if value is None or type(value) is datetime.date:
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CorpusError(f"{where}: {key} must be a date (2024-10-22), got {value!r}") from None


def _case(table, where, source):
    _keys(table, CASE_KEYS, ("id", "export"), where)
    notices = table.get("notices", [])
    articles = table.get("articles", [])
    if not isinstance(notices, list) or not isinstance(articles, list):
        raise CorpusError(f"{where}: notices and articles must be arrays of tables")
    return Case(
        id=_typed(table, "id", str, where, ""),
        about=_typed(table, "about", str, where, ""),
        date=_date(table, "date", where, DEFAULT_DATE),
        export=_typed(table, "export", str, where, ""),
        notices=tuple(
            _notice(notice, f"{where} notice {n}") for n, notice in enumerate(notices, start=1)
        ),
        articles=tuple(
            _article(article, f"{where} article {n}") for n, article in enumerate(articles, 1)
        ),
        source=source,
    )


def _notice(table, where):
    _keys(table, NOTICE_KEYS, ("text",), where)
    kind = _typed(table, "kind", str, where, "lost")
    if kind not in KINDS:
        raise CorpusError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    misplaced = {
        "lost": {"headline", "holder", "number"},
        "other": {"items"},
        "wedding": {"items", "headline", "holder", "number"},
    }[kind] & set(table)
    if misplaced:
        raise CorpusError(f"{where}: {sorted(misplaced)} do not apply to a {kind} notice")
    items = table.get("items", [])
    if not isinstance(items, list):
        raise CorpusError(f"{where}: items must be an array of tables ([[case.notices.items]])")
    fee = table.get("fee")
    if fee is not None:
        fee = _typed(table, "fee", int, where, None)
    return ExpectedNotice(
        text=_typed(table, "text", str, where, ""),
        kind=kind,
        fee=fee,
        flagged=_typed(table, "flagged", bool, where, False),
        reason=_typed(table, "reason", str, where, ""),
        items=tuple(_item(item, f"{where} item {n}") for n, item in enumerate(items, start=1)),
        headline=_typed(table, "headline", str, where, ""),
        holder=_typed(table, "holder", str, where, ""),
        number=_typed(table, "number", str, where, ""),
    )


def _item(table, where):
    _keys(table, ITEM_KEYS, ("holder", "type", "document"), where)
    amount = table.get("amount")
    if amount is not None:
        try:
            amount = Decimal(_typed(table, "amount", str, where, ""))
        except InvalidOperation:
            raise CorpusError(f"{where}: amount must be a decimal string, got {amount!r}") from None
    quantity = _typed(table, "quantity", int, where, 1)
    if quantity < 1:
        raise CorpusError(f"{where}: quantity must be at least 1")
    return ExpectedItem(
        holder=_typed(table, "holder", str, where, ""),
        type=_typed(table, "type", str, where, ""),
        document=_typed(table, "document", str, where, ""),
        number=_typed(table, "number", str, where, ""),
        issuer=_typed(table, "issuer", str, where, ""),
        issued_on=_date(table, "issued_on", where),
        amount=amount,
        quantity=quantity,
        other=_typed(table, "other", str, where, ""),
    )


def _article(table, where):
    _keys(table, ARTICLE_KEYS, ("headline",), where)
    return ExpectedArticle(
        headline=_typed(table, "headline", str, where, ""),
        byline=_typed(table, "byline", str, where, ""),
        last_words=_typed(table, "last_words", str, where, ""),
    )


# --- Checking a case against itself --------------------------------------------------------------

# A Shandong resident ID with a birth date of the form 19xx/20xx-MM-DD (a 残疾人证 number is one
# followed by two digits), and a unified social credit code with a Shandong region code. The
# corpus invents Yantai numbers only, so nothing else of 18 characters looks like either.
RESIDENT_ID = re.compile(r"37\d{4}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
CREDIT_CODE = re.compile(r"[159NY][1-9]37\d{4}[0-9A-HJ-NP-RTUWXY]{9}[0-9A-HJ-NP-RTUWXY]")
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(code):
    """The check character of a 9-character organisation code (GB 11714), from its first 8."""
    total = sum(int(char, 36) * weight for char, weight in zip(code, ORG_WEIGHTS, strict=False))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def number_problems(text):
    """The resident IDs and credit codes in ``text`` whose check characters are wrong."""
    from stdnum.cn import ric, uscc

    problems = []
    for token in re.findall(r"[0-9A-Za-z]+", "".join(text.split())):
        token = token.upper()
        if len(token) in (18, 20) and RESIDENT_ID.fullmatch(token[:18]):
            if token[17] != ric.calc_check_digit(token[:18]):
                problems.append(f"resident ID {token[:18]}: check character")
            if len(token) == 20 and not ("1" <= token[18] <= "7" and "1" <= token[19] <= "4"):
                problems.append(f"残疾人证 {token}: category 1–7, grade 1–4")
        elif len(token) == 18 and CREDIT_CODE.fullmatch(token):
            if token[17] != uscc.calc_check_digit(token):
                problems.append(f"credit code {token}: check character")
            if token[16] != _org_code_check(token[8:16]):
                problems.append(f"credit code {token}: organisation code check character")
    return problems


def export_text(export):
    """The export as one string without whitespace, page markers or headline marks."""
    lines = []
    for line in export.split("\n"):
        line = line.strip()
        if PAGE_MARKER.match(line):
            continue
        lines.append(line.lstrip("#"))
    return normalized("".join(lines))


def normalized(text):
    return "".join(text.split())


def expected_fee(notice):
    return sum(RATES[item.type] * item.quantity for item in notice.items)


def check_case(case):
    """What contradicts itself in ``case``, a phrase each; empty when it is consistent."""
    problems = []
    if not CASE_ID.fullmatch(case.id):
        problems.append("id must be kebab-case (a-z, 0-9, -)")
    first = next((line.strip() for line in case.export.split("\n") if line.strip()), "")
    if not (HEADLINE.match(first) or PAGE_MARKER.match(first)):
        problems.append("the export must start with a headline or a page marker")
    if not case.notices and not case.articles:
        problems.append("expects neither notices nor articles")
    printed = export_text(case.export)
    for n, notice in enumerate(case.notices, start=1):
        where = f"notice {n}"
        if normalized(notice.text) not in printed:
            problems.append(f"{where}: the text is not in the export")
        if notice.reason and not notice.flagged:
            problems.append(f"{where}: a reason without flagged = true")
        for m, item in enumerate(notice.items, start=1):
            if item.type not in RATES:
                problems.append(f"{where} item {m}: {item.type!r} is not on the rate card")
            if item.issued_on and item.issued_on > case.date and not notice.flagged:
                problems.append(f"{where} item {m}: issued after the issue date but not flagged")
        if notice.kind == "lost" and not notice.flagged:
            if not notice.items:
                problems.append(f"{where}: a lost notice that is not flagged needs items")
            elif all(item.type in RATES for item in notice.items):
                fee = expected_fee(notice)
                if notice.fee != fee:
                    problems.append(f"{where}: fee is {notice.fee}, the rate card says {fee}")
        elif notice.fee is not None:
            problems.append(f"{where}: a flagged, other or wedding notice has no fee")
        if notice.kind == "other" and not (notice.headline and notice.holder):
            problems.append(f"{where}: an other notice needs headline and holder")
    deliberate = any("校验位" in notice.reason for notice in case.notices)
    if not deliberate:
        problems += number_problems(case.export)
    return problems


# --- What the import made ------------------------------------------------------------------------


@dataclass
class ProducedItem:
    holder: str = ""
    type: str = ""
    document: str = ""
    number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    amount: Decimal | None = None
    quantity: int = 1
    other: str = ""


@dataclass
class ProducedNotice:
    kind: str
    text: str
    fee: int | None = None
    needs_review: bool = False
    review_note: str = ""
    items: list = field(default_factory=list)  # ProducedItem
    headline: str = ""
    announcer: str = ""
    credit_code: str = ""


@dataclass
class ProducedArticle:
    headline: str
    byline: str = ""
    body: str = ""


@dataclass
class Produced:
    notices: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    error: str = ""  # the import refused the export


def run_case(case):
    """Import ``case.export`` as the issue of ``case.date`` and read back what was made.

    Runs in a transaction that is rolled back, so that cases do not see each other; needs a
    database (a test's, or the bench's throw-away one).
    """
    from django.db import transaction

    from paper.importing import ExportError, parse_export
    from paper.importing.writing import write_issue

    try:
        export = parse_export(case.export)
    except ExportError as error:
        return Produced(error=_error(error))
    with transaction.atomic():
        try:
            result = write_issue(export, case.date, replace=True)
        except ExportError as error:
            produced = Produced(error=_error(error))
        else:
            produced = read_issue(result.issue)
        transaction.set_rollback(True)
    return produced


def _error(error):
    return f"第{error.line}行:{error.message}" if error.line else error.message


def read_issue(issue):
    """The notices and articles of ``issue`` as Produced, in the order the import wrote them."""
    from django.db.models import Prefetch

    from notices.models import LostItem

    notices = issue.notices.order_by("pk").prefetch_related(
        Prefetch("items", queryset=LostItem.objects.select_related("document_type"))
    )
    produced = Produced()
    for notice in notices:
        produced.notices.append(
            ProducedNotice(
                kind=notice.kind,
                text=notice.text,
                fee=notice.fee,
                needs_review=notice.needs_review,
                review_note=notice.review_note,
                items=[
                    ProducedItem(
                        holder=item.holder,
                        type=item.document_type.name if item.document_type else "",
                        document=item.name,
                        number=item.number,
                        issuer=item.issuer,
                        issued_on=item.issued_on,
                        amount=item.amount,
                        quantity=item.quantity,
                        other=item.other_identifier,
                    )
                    for item in notice.items.all()
                ],
                # Fields a teammate is adding to Notice; absent until then.
                headline=getattr(notice, "headline", "") or "",
                announcer=getattr(notice, "announcer", "") or "",
                credit_code=getattr(notice, "credit_code", "") or "",
            )
        )
    for article in issue.articles.order_by("page__order", "order", "pk"):
        produced.articles.append(
            ProducedArticle(headline=article.headline, byline=article.byline, body=article.body)
        )
    return produced


# --- Scoring -------------------------------------------------------------------------------------

RIGHT, WRONG, MISSING = "right", "wrong", "missing"
TEXT_FIELDS = {"holder", "type", "document", "number", "issuer", "other"}


@dataclass
class Score:
    """How much of a case (or, added up, of the corpus) the import got right."""

    fields: dict = field(default_factory=lambda: {name: Counter() for name in FIELDS})
    cases: int = 0
    perfect_cases: int = 0
    expected: int = 0  # notices the cases expect
    lost: int = 0  # … whose text is in no produced notice
    in_article: int = 0  # … whose text is in an article's body
    merged: int = 0  # … whose text is inside a longer produced notice
    extra: int = 0  # produced notices no case expects
    extra_items: int = 0  # produced items beyond those expected
    articles: int = 0  # articles the cases expect
    extra_articles: int = 0  # produced articles no case expects
    errors: int = 0  # exports the import refused
    mismatches: list = field(default_factory=list)

    @property
    def perfect(self):
        wrong = any(tally[WRONG] or tally[MISSING] for tally in self.fields.values())
        return not (
            wrong
            or self.lost
            or self.in_article
            or self.merged
            or self.extra
            or self.extra_items
            or self.extra_articles
            or self.errors
        )

    def __iadd__(self, other):
        for name, tally in other.fields.items():
            self.fields[name].update(tally)
        for attribute in dataclasses.fields(self):
            if attribute.type == "int" or attribute.type is int:
                name = attribute.name
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.mismatches += other.mismatches
        return self


def _shown(value):
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:38] + "…")
    return repr(value) if value is None else str(value)


class _Scorer:
    def __init__(self, case):
        self.case = case
        self.score = Score(cases=1, expected=len(case.notices), articles=len(case.articles))

    def mismatch(self, where, text):
        self.score.mismatches.append(f"{self.case.id} {where}: {text}")

    def tally(self, where, name, expected, got, equal=None):
        """Count one field: right, wrong, or missing (nothing produced where a value was due)."""
        empty = (None, "")
        if name not in ALWAYS_SCORED and expected in empty and got in empty:
            return
        same = (equal or (lambda a, b: a == b))(expected, got)
        if same:
            outcome = RIGHT
        elif got in empty and expected not in empty:
            outcome = MISSING
        else:
            outcome = WRONG
        self.score.fields[name][outcome] += 1
        if outcome != RIGHT:
            self.mismatch(where, f"{name}: expected {_shown(expected)}, got {_shown(got)}")

    def missing(self, name, count=1):
        self.score.fields[name][MISSING] += count


def score(case, produced):
    """The Score of ``case`` given what the import ``produced`` (see ``run_case``)."""
    scorer = _Scorer(case)
    result = scorer.score
    if produced.error:
        result.errors = 1
        scorer.mismatch("import", f"refused: {produced.error}")
    texts = [normalized(notice.text) for notice in produced.notices]
    bodies = [normalized(article.body) for article in produced.articles]
    used = set()
    for n, expected in enumerate(case.notices, start=1):
        where = f"notice {n}"
        text = normalized(expected.text)
        match = next(
            (i for i, got in enumerate(texts) if i not in used and got == text),
            None,
        )
        articles = [produced.articles[i].headline for i, body in enumerate(bodies) if text in body]
        if articles:
            result.in_article += 1
        if match is None:
            _unmatched(scorer, where, expected, text, texts, articles, produced)
            continue
        used.add(match)
        if articles:
            scorer.mismatch(where, f"also in the body of article {_shown(articles[0])}")
        _score_notice(scorer, where, expected, produced.notices[match])
    for i, notice in enumerate(produced.notices):
        if i not in used:
            result.extra += 1
            scorer.mismatch(f"extra notice {i + 1}", f"{notice.kind} {_shown(notice.text)}")
    _score_articles(scorer, produced.articles)
    result.perfect_cases = int(result.perfect)
    return result


def _unmatched(scorer, where, expected, text, texts, articles, produced):
    result = scorer.score
    for name in NOTICE_FIELDS:
        scorer.missing(name)
    for item in expected.items:
        for name in ITEM_FIELDS:
            if name in ALWAYS_SCORED or _item_value(item, name) not in (None, ""):
                scorer.missing(name)
    if expected.kind == "other":
        scorer.missing("headline")
        scorer.missing("holder")
        if expected.number:
            scorer.missing("number")
    holders = [i for i, got in enumerate(texts) if text in got]
    if holders:
        result.merged += 1
        longer = produced.notices[holders[0]].text
        what = f"merged into produced notice {holders[0] + 1} ({_shown(longer)})"
    else:
        result.lost += 1
        parts = [i + 1 for i, got in enumerate(texts) if got and got in text]
        what = "lost"
        if parts:
            what += f" (produced notice {', '.join(map(str, parts))} holds part of it)"
    if articles:
        what += f", in the body of article {_shown(articles[0])}"
    scorer.mismatch(where, f"{what}: {_shown(expected.text)}")


def _item_value(item, name):
    return {
        "holder": item.holder,
        "type": item.type,
        "document": item.document,
        "number": item.number,
        "issuer": item.issuer,
        "date": item.issued_on,
        "amount": item.amount,
        "quantity": item.quantity,
        "other": item.other,
    }[name]


def _same_text(a, b):
    """Strings compare without whitespace: a line break in a notice or a number is no error."""
    return normalized(a or "") == normalized(b or "")


def _score_notice(scorer, where, expected, got):
    scorer.tally(where, "text", expected.text, got.text, _same_text)
    scorer.tally(where, "kind", expected.kind, got.kind)
    scorer.tally(where, "fee", expected.fee, got.fee)
    flagged_right = expected.flagged == got.needs_review and (
        not expected.reason or expected.reason in got.review_note
    )
    if flagged_right:
        scorer.score.fields["flagged"][RIGHT] += 1
    else:
        scorer.score.fields["flagged"][WRONG] += 1
        if expected.flagged != got.needs_review:
            detail = f"expected {expected.flagged}, got {got.needs_review}"
        else:
            detail = f"the review note lacks {expected.reason!r}"
        note = " ".join(got.review_note.split())
        scorer.mismatch(where, f"flagged: {detail}" + (f" ({_shown(note)})" if note else ""))
    if expected.kind == "other":
        scorer.tally(where, "headline", expected.headline, got.headline, _same_text)
        scorer.tally(where, "holder", expected.holder, got.announcer, _same_text)
        scorer.tally(where, "number", expected.number, got.credit_code, _same_text)
    for m, item in enumerate(expected.items, start=1):
        item_where = f"{where} item {m}"
        if m > len(got.items):
            for name in ITEM_FIELDS:
                if name in ALWAYS_SCORED or _item_value(item, name) not in (None, ""):
                    scorer.missing(name)
            scorer.mismatch(item_where, f"missing: {item.holder} {item.document}")
            continue
        made = got.items[m - 1]
        for name in ITEM_FIELDS:
            equal = _same_text if name in TEXT_FIELDS else None
            scorer.tally(item_where, name, _item_value(item, name), _item_value(made, name), equal)
    for m, made in enumerate(got.items[len(expected.items) :], start=len(expected.items) + 1):
        scorer.score.extra_items += 1
        scorer.mismatch(f"{where} item {m}", f"extra item: {made.holder} {made.document}")


def _score_articles(scorer, produced):
    used = set()
    case = scorer.case
    for n, expected in enumerate(case.articles, start=1):
        where = f"article {n}"
        match = next(
            (
                i
                for i, got in enumerate(produced)
                if i not in used and _same_text(got.headline, expected.headline)
            ),
            None,
        )
        if match is None:
            scorer.missing("article")
            if expected.byline:
                scorer.missing("byline")
            if expected.last_words:
                scorer.missing("body end")
            scorer.mismatch(where, f"missing: {_shown(expected.headline)}")
            continue
        used.add(match)
        got = produced[match]
        scorer.score.fields["article"][RIGHT] += 1
        scorer.tally(where, "byline", expected.byline, got.byline, _same_text)
        if expected.last_words:
            ends = normalized(got.body).endswith(normalized(expected.last_words))
            scorer.score.fields["body end"][RIGHT if ends else WRONG] += 1
            if not ends:
                scorer.mismatch(
                    where,
                    f"body end: expected …{_shown(expected.last_words)}, "
                    f"got …{_shown(normalized(got.body)[-40:])}",
                )
    for i, got in enumerate(produced):
        if i not in used:
            scorer.score.extra_articles += 1
            scorer.mismatch(f"extra article {i + 1}", _shown(got.headline))
