"""The notices' part of an import (paper.importing): declarations, weddings and the rate card.

Each lost document gets its document type from the names and aliases of the rate card's types
(收款收据 is a 收据, 残疾人证 a 残疾证: ``DocumentType.objects.resolver()``), its number is
checked, as a resident ID wherever it is one, and the fee is the card's price × quantity per
item. Other announcements keep their title, who signed them and their credit code.

Replacing an issue updates its notices in place, in the order of their reference numbers, so
that printed proofs keep pointing at them.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.urls import reverse

from paper.importing.parts import ImportPart
from paper.importing.writing import at_line, fit_to_fields, review_note, status_for
from paper.text import chinese_date

from .models import (
    AdDeskPhone,
    DocumentType,
    LostItem,
    Notice,
    NoticeZone,
    RateCategory,
    WeddingDetails,
)
from .parsing import is_notices, notices_start, read_notices
from .validators import validate_resident_id


class NoticePart(ImportPart):
    """Sections headed 遗失声明, 公告栏 … or made of notices: declarations, weddings, the card."""

    def claims(self, section):
        return is_notices(section)

    def starts_in(self, section):
        return notices_start(section)

    def read(self, sections, export):
        read_notices(sections, export)

    def write(self, issue, pages, export, result, *, publish):
        result.notices = write_notices(issue, pages, export.notices, publish)
        prices = list(RateCategory.objects.values_list("price", flat=True))
        phones = list(AdDeskPhone.objects.values_list("number", flat=True))
        result.rate_cards = [
            RateCardCheck(line, card, prices, phones) for line, card in export.rate_cards
        ]

    def write_recognised(self, page, export, result):
        write_recognised_notices(page, export.notices, result)

    def report(self, export, result):
        lines = [f"公告 {len(result.notices)} 条:", *map(_notice_line, result.notices)]
        if result.rate_cards:
            lines.append("价目表:")
            lines += map(_rate_card_line, result.rate_cards)
        return lines

    def review(self, export, result):
        lines = []
        for written in result.notices:
            label = f"  {written.notice.reference} {written.notice.get_kind_display()}"
            lines += (f"{label}(第{written.parsed.line}行):{p}" for p in written.problems)
        for check in result.rate_cards:
            lines += (f"  价目表(第{check.line}行):{p}" for p in check.card.problems)
        return lines

    def notes(self, export, result):
        return [f"  {w.notice.reference}:{note}" for w in result.notices for note in w.notes]

    def review_url(self, result):
        if any(written.notice.needs_review for written in result.notices):
            return reverse("admin:notices_notice_changelist")
        return None


@dataclass
class WrittenNotice:
    parsed: object  # notices.parsing.ParsedNotice
    notice: Notice
    items: list
    problems: list  # why an editor must look at it
    notes: list = field(default_factory=list)  # what the editor may like to know


@dataclass
class RateCardCheck:
    line: int
    card: object  # notices.parsing.RateCard
    stored_prices: list
    stored_phones: list

    @property
    def matches(self):
        return self.card.prices == self.stored_prices and (
            not self.card.phones or self.card.phones == self.stored_phones
        )


def _document_type(printed, types):
    """The document type of a document as printed, and the printed name when it differs.

    ``types`` is a ``DocumentType.objects.resolver()`` (see DocumentTypeResolver.resolve).
    """
    return types.resolve(printed)


def _lost_items(parsed, types, date, problems, notes):
    items = []
    for order, parsed_item in enumerate(parsed.items, start=1):
        document_type, document_name = _document_type(parsed_item.document, types)
        label = f"{parsed_item.holder}的{parsed_item.document}"
        if document_type is None:
            problems.append(f"{label}:证件类型未能识别")
        elif document_type.name == DocumentType.OTHER and document_name:
            notes.append(f"{label}:价目表中没有这种证件,按“{DocumentType.OTHER}”收费")
        if document_type and parsed_item.number:
            try:
                document_type.check_number(parsed_item.number)
                if "身份证" in parsed_item.number_label:  # 社会保障卡,身份证号码:…
                    validate_resident_id(parsed_item.number)
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


def write_notices(issue, pages, parsed_notices, publish):
    """The issue's notices as read, each a WrittenNotice; the ones left over deleted.

    Notices are matched in order of their reference, so each keeps its number.
    """
    types = DocumentType.objects.resolver()
    old = list(issue.notices.order_by("reference"))
    order = Counter()
    written = []
    for index, parsed in enumerate(parsed_notices):
        notice = old[index] if index < len(old) else Notice(issue=issue)
        order[parsed.page] += 1
        written.append(
            write_notice(
                notice, parsed, pages[parsed.page], order[parsed.page], types, publish=publish
            )
        )
    for notice in old[len(parsed_notices) :]:
        notice.delete()
    return written


def write_notice(notice, parsed, page, order, types, *, publish=False, reading=None):
    """Store ``parsed`` (a notices.parsing.ParsedNotice) as ``notice``: its items, its couple.

    ``types`` is a ``DocumentType.objects.resolver()``. ``reading`` (paper.ocr.drafts.Reading)
    is how the notice was read off a scan: it is then a draft 待核对 with the reading's
    confidence and unsure lines in its note, whatever its items say.
    """
    problems, notes = list(parsed.problems), []
    items = _lost_items(parsed, types, notice.issue.date, problems, notes)
    if notice.pk:
        notice.items.all().delete()
        WeddingDetails.objects.filter(notice=notice).delete()
    notice.kind = parsed.kind
    notice.headline = parsed.headline
    notice.announcer = parsed.announcer
    notice.credit_code = parsed.credit_code
    notice.page = page
    notice.order = order
    notice.text = parsed.text
    complete = items and not problems and all(item.document_type for item in items)
    notice.fee = (
        sum(item.document_type.category.price * item.quantity for item in items)
        if complete
        else None
    )
    if reading is None:
        notice.needs_review = bool(problems)
        notice.review_note = review_note(problems)
        notice.status = status_for(publish, notice.needs_review)
    else:
        for name, value in reading.fields(problems, extra=notes).items():
            setattr(notice, name, value)
        fit_to_fields(notice, ("headline", "announcer", "credit_code"))
        for item in items:
            fit_to_fields(item, ("holder", "document_name", "number", "issuer", "other_identifier"))
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
    return WrittenNotice(parsed, notice, items, problems, notes)


def write_recognised_notices(page, parsed_notices, result):
    """The notices read off ``page``'s scan, as drafts 待核对 on it (see paper.ocr.drafts).

    Lost-certificate notices get their items as imported ones do. An earlier reading's notices
    that nobody has touched are replaced; a notice already on the page (entered, reviewed or
    published) that says the same is kept and not written again.
    """
    result.replaced += result.earlier_drafts(Notice.objects).delete()[1].get(Notice._meta.label, 0)
    kept = result.kept(Notice.objects)
    order = max((notice.order for notice in kept), default=0)
    types = DocumentType.objects.resolver()
    written = []
    for index, parsed in enumerate(parsed_notices):
        following = parsed_notices[index + 1].line if index + 1 < len(parsed_notices) else None
        reading = result.notice_reading(parsed, following)
        same = result.same(kept, reading, parsed.text, lambda notice: notice.text)
        if same is not None:
            result.record(same, reading, created=False)
            continue
        order += 1
        done = write_notice(Notice(issue=page.issue), parsed, page, order, types, reading=reading)
        NoticeZone.objects.bulk_create(
            NoticeZone(notice=done.notice, **zone) for zone in reading.zones
        )
        result.record(done.notice, reading)
        written.append(done)
    return written


def _item_text(parsed, item):
    parts = [item.holder]
    if item.other_identifier:
        parts.append(item.other_identifier)
    parts.append(item.name)
    if item.document_name and item.document_type:
        parts[-1] += f"({item.document_type.name})"
    if item.quantity > 1:
        measure = item.document_type.measure_word if item.document_type else ""
        parts[-1] += f" {item.quantity}{measure or '个'}"
    text = " ".join(parts)
    if item.number:
        text += f",{parsed.number_label} {item.number}"
    return text


def _notice_line(written):
    parsed, notice = written.parsed, written.notice
    if parsed.wedding:
        wedding = parsed.wedding
        what = (
            f"新郎 {wedding.groom},新娘 {wedding.bride},{chinese_date(wedding.date)}"
            f"({wedding.computed_lunar}"
            + (",与见报一致)" if wedding.printed_lunar and not written.problems else ")")
        )
    elif written.items:
        what = ";".join(map(_item_text, parsed.items, written.items))
    elif parsed.headline:
        what = "".join(
            [
                parsed.headline,
                f",{parsed.announcer}" if parsed.announcer else "",
                f",统一社会信用代码 {parsed.credit_code}" if parsed.credit_code else "",
            ]
        )
    else:
        what = f"“{parsed.text[:24]}…”" if len(parsed.text) > 24 else f"“{parsed.text}”"
    fee = f";费用 {notice.fee} 元" if notice.fee is not None else ""
    flag = " [待核对]" if notice.needs_review else ""
    return (
        f"  第{parsed.line}行 {notice.page.code} {notice.reference} "
        f"{notice.get_kind_display()}:{what}{fee}{flag}"
    )


def _rate_card_line(check):
    card = check.card
    printed = "/".join(map(str, card.prices)) or "无"
    line = f"  第{check.line}行 价目表(公告栏):已识别,不作为公告导入;见报价格 {printed} 元"
    if card.phones:
        line += f",电话 {'、'.join(card.phones)}"
    if check.matches:
        return line + ",与后台价目表一致"
    stored = "/".join(map(str, check.stored_prices))
    return (
        line + f";后台价目表为 {stored} 元,电话 {'、'.join(check.stored_phones)},"
        "如价格已调整,请在后台修改收费类别"
    )
