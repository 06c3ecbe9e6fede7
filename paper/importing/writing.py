"""Storing a parsed export as an issue with its pages, articles and notices, in one transaction.

Replacing an issue updates its rows in place: pages keep their code, articles their headline and
notices their reference number, so that links and printed proofs keep pointing at them.
"""

import contextlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from articles.models import Article
from notices.models import (
    AdDeskPhone,
    DocumentType,
    LostItem,
    Notice,
    RateCategory,
    WeddingDetails,
    chinese_date,
)
from paper.models import Issue, Page
from paper.page_files import attach_page_files
from paper.page_rendering import PageFileError

from .parsing import ExportError

# The rate card's last resorts: 各类印章 and 及其它各类证件.
SEALS = "印章"
OTHER_DOCUMENTS = "其他证件"


@dataclass
class WrittenNotice:
    parsed: object  # parsing.ParsedNotice
    notice: Notice
    items: list
    problems: list  # why an editor must look at it
    notes: list = field(default_factory=list)  # what the editor may like to know


@dataclass
class RateCardCheck:
    line: int
    card: object  # classifieds.RateCard
    stored_prices: list
    stored_phones: list

    @property
    def matches(self):
        return self.card.prices == self.stored_prices and (
            not self.card.phones or self.card.phones == self.stored_phones
        )


@dataclass
class ImportResult:
    issue: Issue
    replaced: bool
    dry_run: bool
    pages: list = field(default_factory=list)
    articles: list = field(default_factory=list)  # (ParsedArticle, Article)
    notices: list = field(default_factory=list)  # WrittenNotice
    rate_cards: list = field(default_factory=list)  # RateCardCheck
    page_files: list = field(default_factory=list)  # (Page, file path, zones found)


@contextlib.contextmanager
def at_line(line):
    """A write the database refuses becomes an error that names the line it came from."""
    try:
        yield
    except (DataError, IntegrityError) as error:
        raise ExportError(f"无法写入数据库:{error}", line) from error


def write_issue(
    export, date, *, number=None, publish=False, replace=False, dry_run=False, pages_dir=None
):
    """Store ``export`` as the issue of ``date``; all or nothing. Returns an ImportResult.

    An existing issue is an error unless ``replace``. Everything is a draft unless ``publish``;
    what needs an editor's review stays a draft even then. ``dry_run`` rolls everything back.
    ``pages_dir`` holds the pages as printed (A01.pdf …), attached last: a bad file undoes the
    whole import, and no file is stored before every one has been checked.
    """
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(date=date).first()
        if issue and not replace:
            raise ExportError(
                f"{chinese_date(date)}的报纸已经存在;要用这个文件替换它,请加 --replace"
            )
        replaced = issue is not None
        issue = issue or Issue(date=date)
        result = ImportResult(issue=issue, replaced=replaced, dry_run=dry_run)
        if number is not None:
            issue.number = number
        issue.is_published = publish
        issue.save()
        pages, old_pages = _write_pages(issue, export.pages)
        result.pages = list(pages.values())
        result.articles = _write_articles(issue, pages, export.articles, publish)
        result.notices = _write_notices(issue, pages, export.notices, publish)
        for page in old_pages:
            page.delete()
        prices = list(RateCategory.objects.values_list("price", flat=True))
        phones = list(AdDeskPhone.objects.values_list("number", flat=True))
        result.rate_cards = [
            RateCardCheck(line, card, prices, phones) for line, card in export.rate_cards
        ]
        if pages_dir:
            try:
                result.page_files = attach_page_files(issue, pages_dir, dry_run=dry_run)
            except PageFileError as error:
                raise ExportError(str(error)) from error
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write_pages(issue, parsed_pages):
    """The issue's pages by code, as in the export; and the old pages the export no longer has."""
    old = {page.code: page for page in issue.pages.all()}
    pages = {}
    for order, parsed in enumerate(parsed_pages, start=1):
        page = old.pop(parsed.code, None) or Page(issue=issue, code=parsed.code)
        page.name = parsed.name or page.name
        page.order = order
        with at_line(parsed.line):
            page.save()
        pages[parsed.code] = page
    return pages, list(old.values())


def _status(model, publish, needs_review):
    return model.Status.PUBLISHED if publish and not needs_review else model.Status.DRAFT


def _review_note(problems, repairs=()):
    lines = []
    if problems:
        lines += ["需要核对:", *problems]
    if repairs:
        lines += ["导入时已修复:", *map(str, repairs)]
    return "\n".join(lines)


def _write_articles(issue, pages, parsed_articles, publish):
    old = {}
    for article in issue.articles.order_by("page__order", "order", "id"):
        old.setdefault(article.headline, []).append(article)
    order = Counter()
    written = []
    for parsed in parsed_articles:
        order[parsed.page] += 1
        same_headline = old.get(parsed.headline)
        article = same_headline.pop(0) if same_headline else Article(issue=issue)
        article.page = pages[parsed.page]
        article.order = order[parsed.page]
        article.kicker = article.subheadline = article.column = ""
        article.headline = parsed.headline
        article.source = parsed.source
        article.dateline = parsed.dateline
        article.byline = parsed.byline
        article.body = parsed.body_text()
        article.needs_review = bool(parsed.problems)
        article.review_note = _review_note(parsed.problems, parsed.repairs)
        article.status = _status(Article, publish, article.needs_review)
        with at_line(parsed.line):
            article.save()
        written.append((parsed, article))
    for leftovers in old.values():
        for article in leftovers:
            article.delete()
    return written


def _document_type(printed, types):
    """The document type of a document as printed, and the printed name when it differs.

    收款收据 is a 收据, 合同专用章 one of 各类印章; a document the rate card does not name is one
    of 其他证件.
    """
    if printed in types:
        return types[printed], ""
    for match in (printed.endswith, printed.__contains__):
        names = sorted((name for name in types if match(name)), key=len, reverse=True)
        if names:
            return types[names[0]], printed
    if printed.endswith("章") and SEALS in types:
        return types[SEALS], printed
    return types.get(OTHER_DOCUMENTS), printed


def _lost_items(parsed, types, date, problems, notes):
    items = []
    for order, parsed_item in enumerate(parsed.items, start=1):
        document_type, document_name = _document_type(parsed_item.document, types)
        label = f"{parsed_item.holder}的{parsed_item.document}"
        if document_type is None:
            problems.append(f"{label}:证件类型未能识别")
        elif document_type.name == OTHER_DOCUMENTS and document_name:
            notes.append(f"{label}:价目表中没有这种证件,按“{OTHER_DOCUMENTS}”收费")
        if document_type and parsed_item.number:
            try:
                document_type.check_number(parsed_item.number)
            except ValidationError as error:
                problems.append(f"{label}:号码 {parsed_item.number} {''.join(error.messages)}")
        if parsed_item.issued_on and parsed_item.issued_on > date:
            problems.append(f"{label}:开具日期{chinese_date(parsed_item.issued_on)}晚于出版日期")
        items.append(
            LostItem(
                holder=parsed_item.holder,
                document_type=document_type,
                document_name=document_name,
                number=parsed_item.number,
                issuer=parsed_item.issuer,
                issued_on=parsed_item.issued_on,
                amount=parsed_item.amount,
                other_identifier=parsed_item.vessel,
                quantity=parsed_item.quantity,
                order=order,
            )
        )
    return items


def _write_notices(issue, pages, parsed_notices, publish):
    types = {t.name: t for t in DocumentType.objects.select_related("category")}
    old = list(issue.notices.order_by("reference"))
    order = Counter()
    written = []
    for index, parsed in enumerate(parsed_notices):
        problems, notes = list(parsed.problems), []
        items = _lost_items(parsed, types, issue.date, problems, notes)
        notice = old[index] if index < len(old) else Notice(issue=issue)
        if notice.pk:
            notice.items.all().delete()
            WeddingDetails.objects.filter(notice=notice).delete()
        order[parsed.page] += 1
        notice.kind = parsed.kind
        notice.page = pages[parsed.page]
        notice.order = order[parsed.page]
        notice.text = parsed.text
        complete = items and not problems and all(item.document_type for item in items)
        notice.fee = (
            sum(item.document_type.category.price * item.quantity for item in items)
            if complete
            else None
        )
        notice.needs_review = bool(problems)
        notice.review_note = _review_note(problems)
        notice.status = _status(Notice, publish, notice.needs_review)
        with at_line(parsed.line):
            notice.save()
            for item in items:
                item.notice = notice
                item.save()
            if parsed.wedding:
                WeddingDetails.objects.create(
                    notice=notice,
                    groom=parsed.wedding.groom,
                    bride=parsed.wedding.bride,
                    wedding_date=parsed.wedding.date,
                    message=parsed.wedding.message,
                )
        written.append(WrittenNotice(parsed, notice, items, problems, notes))
    for notice in old[len(parsed_notices) :]:
        notice.delete()
    return written
