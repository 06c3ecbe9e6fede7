"""Reading the classified notices of a page export: weddings, the rate card, lost certificates.

Pure functions over the sections that ``paper.importing.parsing`` reads from the export: no
database. Each takes text as printed and returns what it could read together with the problems
it met. Nothing here drops text: what cannot be read is returned as a problem for an editor.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from lunar_python import Solar

from paper.importing.parsing import (
    CLAUSE_PUNCTUATION,
    CLOSING,
    COLON,
    COLONS,
    COMMA,
    OPENING,
    SEMICOLON,
    Paragraph,
    Repair,
    joined,
    snippet,
)

from .models import lunar_date

# Where a declaration ends: "声明作废。", or "以上证件声明作废。" closing several clauses.
DECLARATION_END = re.compile(r"(?:以上(?:证件|证照|票据|物品)?均?)?声明作废[。.]?")
DECLARATION_WORDS = re.compile(r"遗失|丢失|声明作废")
# A label printed before the declarations, not part of any of them.
DECLARATION_LABEL = re.compile(rf"^(?:遗失声明|遗失启事|作废声明|声明)(?:\s+|{COLON}\s*)")


# --- Weddings ----------------------------------------------------------------------------------


@dataclass
class Wedding:
    groom: str
    bride: str
    date: datetime.date
    message: str
    printed_lunar: str = ""  # as printed, e.g. "十月初二"; empty when the notice prints none
    computed_lunar: str = ""  # e.g. "农历十月初二"


def looks_like_wedding(text):
    return "新郎" in text and "新娘" in text


NAME_END = rf"(?=\s|与新|和新|、|[{CLAUSE_PUNCTUATION}]|于公历|$)"
GROOM = re.compile(rf"新郎{COLON}?\s*(?!新娘)(?P<name>[^\s{CLAUSE_PUNCTUATION}]+?){NAME_END}")
BRIDE = re.compile(rf"新娘{COLON}?\s*(?!新郎)(?P<name>[^\s{CLAUSE_PUNCTUATION}]+?){NAME_END}")
GREGORIAN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
WEDDING_DATE = re.compile(r"公历\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
LUNAR_MONTHS = {
    "正": 1,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "冬": 11,
    "十二": 12,
    "腊": 12,
}
DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
LUNAR = re.compile(
    r"农历\s*(?P<text>(?P<leap>闰?)\s*(?P<month>十一|十二|正|冬|腊|[一二三四五六七八九十])\s*月"
    r"\s*(?P<day>初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?"
    r"|廿[一二三四五六七八九]|三十|卅))"
)
MARRIED = re.compile(r"(?:结为夫妇|结为伉俪|喜结连理)[。.]\s*(?P<message>.*。)", re.S)


def _lunar_day(text):
    if text.startswith("初"):
        return 10 if text == "初十" else DIGITS[text[1]]
    if text in ("三十", "卅"):
        return 30
    if text.startswith("廿"):
        return 20 + DIGITS[text[1]]
    if text.startswith("二十"):
        return 20 + (DIGITS[text[2]] if len(text) > 2 else 0)
    return 10 + DIGITS[text[1]]  # 十一 … 十九


def _date(year, month, day):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_wedding(text):
    """The couple, the day and the message of a wedding announcement, and the problems met.

    The printed lunar date is checked against the one computed from the Gregorian date.
    """
    problems = []
    groom, bride = GROOM.search(text), BRIDE.search(text)
    if not groom:
        problems.append("未能识别新郎姓名")
    if not bride:
        problems.append("未能识别新娘姓名")
    dates = WEDDING_DATE.findall(text) or GREGORIAN_DATE.findall(text)
    if not dates:
        problems.append("未能识别结婚日期(公历)")
    elif len(set(dates)) > 1:
        printed = "、".join(f"{y}年{m}月{d}日" for y, m, d in dict.fromkeys(dates))
        problems.append(f"出现了不同的公历日期:{printed}")
    date = _date(*dates[0]) if dates else None
    if dates and date is None:
        problems.append(f"见报日期{dates[0][0]}年{dates[0][1]}月{dates[0][2]}日不存在")
    names = [m["name"] for m in (groom, bride) if m]
    if any(len(name) > 50 for name in names):
        problems.append("新郎或新娘姓名超过50字")
    if problems:
        return None, problems

    wedding = Wedding(
        groom=groom["name"],
        bride=bride["name"],
        date=date,
        message=(m["message"].strip() if (m := MARRIED.search(text)) else ""),
        computed_lunar=lunar_date(date),
    )
    printed = LUNAR.search(text)
    if printed:
        wedding.printed_lunar = re.sub(r"\s+", "", printed["text"])
        lunar = Solar.fromYmd(date.year, date.month, date.day).getLunar()
        computed = (lunar.getMonth() < 0, abs(lunar.getMonth()), lunar.getDay())
        read = (
            bool(printed["leap"]),
            LUNAR_MONTHS[printed["month"]],
            _lunar_day(printed["day"]),
        )
        if read != computed:
            problems.append(
                f"见报农历日期“农历{wedding.printed_lunar}”与公历{date.year}年{date.month}月"
                f"{date.day}日推算的“{wedding.computed_lunar}”不一致"
            )
    elif "农历" in text:
        problems.append("未能识别见报的农历日期")
    return wedding, problems


# --- The rate card -----------------------------------------------------------------------------


@dataclass
class RateCard:
    phones: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (categories as printed, price in yuan)
    problems: list = field(default_factory=list)

    @property
    def prices(self):
        return [price for _, price in self.rows]


PHONE = re.compile(r"\d[\d-]{5,}")
PRICED = re.compile(rf"(?P<name>.*?){OPENING}?(?P<price>\d+)元{CLOSING}?")
DECLARATION_START = re.compile(r"遗失|丢失|作废")


def split_rate_card(text):
    """(the rate card, the text after it) when ``text`` starts with the rate card (公告栏).

    The card is printed as ``公告栏 <phones> <categories>(800元) … 声明 <declarations>``; it is
    recognised so that it is not taken for a notice, and returned so that it can be compared with
    the card the archive keeps.
    """
    words = list(re.finditer(r"\S+", text))
    if not words or words[0].group() != "公告栏":
        return None, text
    card = RateCard()
    pending = []
    rest = ""
    for word in words[1:]:
        token = word.group()
        if DECLARATION_LABEL.match(token + " "):
            rest = text[word.end() :]
            break
        if DECLARATION_START.search(token):
            rest = text[word.start() :]
            break
        if not card.rows and not pending and PHONE.fullmatch(token):
            card.phones.append(token)
            continue
        priced = PRICED.fullmatch(token)
        if priced:
            name = "".join([*pending, priced["name"]]).strip()
            card.rows.append((name, int(priced["price"])))
            pending = []
        else:
            pending.append(token)
    if pending:
        card.problems.append(f"价目表中“{''.join(pending)}”没有价格")
    if not card.rows:
        card.problems.append("价目表中没有找到价格")
    return card, rest.strip()


# --- Lost-certificate declarations -------------------------------------------------------------


@dataclass
class LostItem:
    holder: str
    document: str  # as printed, e.g. 置换保证金收款收据
    issuer: str = ""
    issued_on: datetime.date | None = None
    number: str = ""
    number_label: str = ""  # as printed: 票号, 编号, 号码, 统一社会信用代码 …
    amount: Decimal | None = None
    vessel: str = ""  # a vessel or a plate, e.g. 鲁烟渔养67419
    quantity: int = 1


@dataclass
class Declaration:
    text: str
    items: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def split_declarations(text):
    """The declarations in ``text``, each ending with its 声明作废; a remainder is kept too."""
    text = DECLARATION_LABEL.sub("", text.strip(), count=1)
    found, start = [], 0
    for end in DECLARATION_END.finditer(text):
        chunk = text[start : end.end()].strip()
        if chunk:
            found.append(chunk)
        start = end.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


SEALS = (
    "合同专用章|发票专用章|财务专用章|业务专用章|法定代表人名章|法定代表人章|法人名章|法人章"
    "|财务章|公章|印章|名章"
)
COUNT = "[一二两三四五六七八九十\\d]+"
LOST = "(?:不慎)?(?:遗失|丢失)"
HEADS = [
    re.compile(r"(?P<holder>.+?)(?:不慎)?遗失(?P<issuer>.+?)(?:开具|出具|签发)的(?P<document>.+)"),
    re.compile(rf"(?P<holder>.+?)(?P<document>{SEALS})(?P<count>{COUNT})(?:枚|个){LOST}"),
    re.compile(
        rf"(?P<holder>.+?)的(?P<vessel>[^的]*?[0-9A-Za-z])(?P<document>[^0-9A-Za-z]+?){LOST}"
    ),
    re.compile(rf"(?P<holder>.+?)的(?P<document>.+?){LOST}"),
    re.compile(rf"(?P<holder>.+?){LOST}(?P<document>.+)"),
]
DETAIL = re.compile(rf"\s*(?P<key>[^{COLONS}]{{1,12}}?)\s*{COLON}\s*(?P<value>.+?)\s*")
DATE_KEYS = {"开具日期", "开票日期", "出具日期", "发证日期", "签发日期", "日期"}
NUMBER_KEY = re.compile(r"[\u4e00-\u9fff]{0,10}(?:号码|编号|代码|号)")
SLASH_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
AMOUNT = re.compile(r"(\d{1,10}(?:\.\d{1,2})?)\s*元")
PLAIN_TEXT = re.compile(rf"[^\d{CLAUSE_PUNCTUATION}]{{1,100}}")


def _count(text):
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.rpartition("十")
    if "十" in text:
        return DIGITS.get(tens, 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[text]


def parse_clause(clause):
    """One lost document from one clause of a declaration, or None when the wording is unknown."""
    head, *details = re.split(COMMA, clause.strip())
    for pattern in HEADS:
        match = pattern.fullmatch(head.strip())
        if match:
            break
    else:
        return None
    parts = match.groupdict()
    item = LostItem(holder=parts["holder"].strip(), document=parts["document"].strip())
    item.issuer = (parts.get("issuer") or "").strip()
    item.vessel = (parts.get("vessel") or "").strip()
    if parts.get("count"):
        item.quantity = _count(parts["count"])
        if not 1 <= item.quantity <= 999:
            return None
    if not all(
        PLAIN_TEXT.fullmatch(value) for value in (item.holder, item.document) if value is not None
    ) or (item.issuer and len(item.issuer) > 100):
        return None
    if item.vessel and len(item.vessel) > 100:
        return None
    for detail in details:
        pair = DETAIL.fullmatch(detail)
        if not pair:
            return None
        key, value = pair["key"], pair["value"]
        if key in DATE_KEYS and item.issued_on is None:
            date = GREGORIAN_DATE.fullmatch(value) or SLASH_DATE.fullmatch(value)
            item.issued_on = date and _date(*date.groups())
            if item.issued_on is None:
                return None
        elif key == "金额" and item.amount is None:
            amount = AMOUNT.fullmatch(value)
            if not amount:
                return None
            item.amount = Decimal(amount[1])
        elif NUMBER_KEY.fullmatch(key) and not item.number and len(value) <= 100:
            item.number, item.number_label = value, key
        else:
            return None
    return item


def parse_declaration(text):
    """The lost documents of one declaration as printed, and what could not be read."""
    declaration = Declaration(text=text)
    closed = re.fullmatch(
        rf"(?P<body>.*?){COMMA}?\s*(?:以上(?:证件|证照|票据|物品)?均?)?声明作废[。.]?", text, re.S
    )
    if not closed:
        declaration.problems.append("没有以“声明作废”结尾,未能识别")
        return declaration
    body = closed["body"].strip().rstrip("。.")
    for clause in filter(None, (part.strip() for part in re.split(SEMICOLON, body))):
        item = parse_clause(clause)
        if item:
            declaration.items.append(item)
        else:
            declaration.problems.append(f"未能识别“{clause}”")
    if not declaration.items and not declaration.problems:
        declaration.problems.append("没有找到遗失的证件")
    return declaration


# --- Sections of notices -----------------------------------------------------------------------

NOTICE_HEADLINES = {
    "结婚启事",
    "遗失声明",
    "遗失启事",
    "作废声明",
    "声明",
    "启事",
    "声明启事",
    "公告栏",
    "分类广告",
}


@dataclass
class ParsedNotice:
    kind: str  # lost, wedding or other, as Notice.Kind
    text: str
    line: int
    page: str
    items: list = field(default_factory=list)  # LostItem
    wedding: Wedding | None = None
    problems: list = field(default_factory=list)


def looks_like_notice(text):
    return (
        looks_like_wedding(text) or text.startswith("公告栏") or bool(DECLARATION_END.search(text))
    )


def _unfinished_declaration(text):
    return (
        not looks_like_wedding(text)
        and DECLARATION_WORDS.search(text)
        and not re.search(r"声明作废[。.]?$", text)
    )


def _notice_paragraphs(section, repairs):
    """The section's paragraphs, a declaration broken across paragraphs joined again."""
    paragraphs = []
    for item in section.body:
        text = item.text
        before = paragraphs[-1] if paragraphs else None
        if (
            before
            and _unfinished_declaration(before.text)
            and not looks_like_wedding(text)
            and not text.startswith("公告栏")
        ):
            repairs.append(
                Repair(
                    "合并",
                    (before.last_line, item.line),
                    f"“{snippet(before.text, end=True)}”接“{snippet(text)}”",
                )
            )
            paragraphs[-1] = Paragraph(joined(before.text, text), before.line, item.line)
        else:
            paragraphs.append(Paragraph(text, item.line))
    return paragraphs


def _read_section(section, export):
    for paragraph in _notice_paragraphs(section, export.repairs):
        text, line, page = paragraph.text, paragraph.line, section.page
        if looks_like_wedding(text):
            wedding, problems = parse_wedding(text)
            export.notices.append(ParsedNotice("wedding", text, line, page, [], wedding, problems))
            continue
        card, text = split_rate_card(text)
        if card:
            export.rate_cards.append((line, card))
        if not text:
            continue
        if DECLARATION_WORDS.search(text):
            for chunk in split_declarations(text):
                declaration = parse_declaration(chunk)
                export.notices.append(
                    ParsedNotice(
                        "lost", chunk, line, page, declaration.items, None, declaration.problems
                    )
                )
        else:
            export.notices.append(
                ParsedNotice("other", text, line, page, problems=["未能识别的公告,保留原文"])
            )
    if not section.body:
        export.problems.append(f"第{section.line}行:“{section.headline}”下没有内容")


def is_notices(section):
    """Whether a section of the export holds notices: by its headline, or by every paragraph."""
    if section.headline in NOTICE_HEADLINES:
        return True
    paragraphs = [item.text for item in section.paragraphs]
    return bool(paragraphs) and all(map(looks_like_notice, paragraphs))


def read_notices(sections, export):
    """The notices and rate cards of ``sections``, set on ``export`` with the repairs made."""
    export.notices, export.rate_cards = [], []
    for section in sections:
        _read_section(section, export)
