"""Reading the classified notices of a page export: weddings, the rate card, lost certificates.

Pure functions over the sections that ``paper.importing.parsing`` reads from the export: no
database. Each takes text as printed and returns what it could read together with the problems
it met. Nothing here drops text: what cannot be read is returned as a problem for an editor.
"""

import dataclasses
import datetime
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from lunar_python import Solar

from paper.importing.parsing import (
    CLAUSE_PUNCTUATION,
    CLOSING,
    COLON,
    COLONS,
    COMMA,
    OPENING,
    PARENTHESES,
    SEMICOLON,
    Heading,
    Paragraph,
    Repair,
    ends_sentence,
    joined,
    snippet,
)

from . import validators
from .models import lunar_date

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


# A name ends at the next name's label too: text read off a scan has no spaces between them.
NAME_END = rf"(?=\s|与新|和新|新郎|新娘|、|[{CLAUSE_PUNCTUATION}]|于公历|$)"
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
        if DECLARATION_WORDS.search(token):
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

# The words a declaration closes with: 声明作废, 作废, 特此声明, 特此声明作废, 特此公告, and
# 以上证件均声明作废 closing several clauses; a second closing (声明作废,特此声明) belongs to it.
END_WORDS = r"(?:特此声明作废|特此声明|特此公告|声明作废|作废(?!声明))"
END_LEAD = (
    r"(?:以上(?:所有)?(?:证件|证照|证书|票据|单据|印章|物品|执照)?(?:均|全部|一并)?"
    r"|(?:自即日起|即日起|现登报|登报|现予以|现予|予以|现|均|一并|特此|特)+)?"
)
DECLARATION_END = re.compile(
    rf"{END_LEAD}{END_WORDS}(?:\s*{COMMA}?\s*特此(?:声明|公告))?(?:\s*[。.!\uff01])?"
)
LOST_WORD = re.compile(r"(?:不慎)?(?:将|把)?(?:遗失|丢失)了?")
DECLARATION_WORDS = re.compile(r"遗失|丢失|作废")
# A word printed before a declaration, not part of it: 遗失声明 张三遗失….
HEADING_WORDS = "遗失声明|遗失启事|丢失声明|作废声明|挂失声明|遗失公告|声明|启事"
DECLARATION_LABEL = re.compile(rf"^(?:{HEADING_WORDS})(?:\s*{COLON}\s*|\s+|(?=兹有))")
BARE_HEADING = re.compile(rf"^(?:{HEADING_WORDS})(?=.*(?:遗失|丢失))")


@dataclass
class LostItem:
    holder: str
    document: str  # as printed, e.g. 置换保证金收款收据
    issuer: str = ""
    issued_on: datetime.date | None = None
    number: str = ""
    number_label: str = ""  # as printed: 票号, 编号, 号码, 统一社会信用代码 …
    amount: Decimal | None = None
    vessel: str = ""  # a vessel or a plate (鲁烟渔养67419), or a second number (档案编号 …)
    quantity: int = 1


@dataclass
class Declaration:
    text: str
    items: list = field(default_factory=list)
    problems: list = field(default_factory=list)


class Unreadable(ValueError):
    """A clause of a declaration that cannot be read; the message says what stopped it."""


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# A plate (鲁F·A1234, 鲁YA1234挂) or a vessel (鲁烟渔养67419, 鲁蓬渔60123).
VEHICLE = (
    rf"(?P<vehicle>[{PROVINCES}][A-Z][·・.•]?[A-Z0-9]{{4,6}}(?:[挂学警](?=号|的|车|[^\u4e00-\u9fff]|$))?"
    rf"|[{PROVINCES}][\u4e00-\u9fff]{{1,3}}\d{{3,6}})"
)
# What a plate or a vessel's name is of: 号小型新能源汽车的…, 两辆车的…; before 的, or a word that
# never begins a document's name (渔船渔业船舶检验证书, 船渔业船舶所有权登记证书).
VEHICLE_WORDS = (
    r"(?:[一二两三四五六七八九十\d]+辆)?[\u4e00-\u9fff]{0,6}?"
    r"(?:汽车|车辆|挂车|货车|轿车|机动车|摩托车|渔船|船舶|车|船)"
)
VEHICLE_NOUN = (
    rf"(?:{VEHICLE_WORDS}(?=的)"
    r"|(?:[一二两三四五六七八九十\d]+辆车|半挂车|挂车|渔船|船(?!舶)))"
)
VEHICLE_AT_START = re.compile(rf"{VEHICLE}(?:号(?!牌))?{VEHICLE_NOUN}?的?(?P<rest>.*)")
ONE_VEHICLE = VEHICLE.replace("?P<vehicle>", "?:")
VEHICLE_AT_END = re.compile(
    rf"(?P<rest>.*?)(?P<vehicles>{ONE_VEHICLE}(?:、{ONE_VEHICLE})*)(?:号(?!牌))?(?:{VEHICLE_WORDS})?"
)
CHINESE_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
DATE = rf"(?:{CHINESE_DATE}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})"
SLASH_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
ISSUING = "核发|颁发|开具|出具|签发|发放|办理"
ISSUED_BY = re.compile(
    rf"(?:由)?(?P<issuer>[^的,\uff0c]{{2,60}}?)\s*(?:于?\s*(?P<date>{DATE}))?\s*(?:{ISSUING})的"
)
# Someone named after their organisation and role: 山东某律师事务所律师端木雪.
HOLDER_ROLE = re.compile(
    r"(?P<organisation>.{2,60}?(?:所|校|学|院|公司|村|社区|园|中心|局|厂|店|部))"
    r"(?:学生|员工|职工|律师|村民|居民|教师|医生|护士|会员|业主)(?!委员会|小组|代表)"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4})*|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8})"
)
CHILD = re.compile(r"(?P<parents>.*?)(?:夫妇)?(?:之|的|其)(?:子|女|儿子|女儿)(?P<child>[^的]{0,5})")
SEALS = (
    "合同专用章|发票专用章|财务专用章|业务专用章|税务专用章|法定代表人名章|法定代表人章"
    "|法人名章|法人章|人名章|财务章|公章|印章|名章"
)
PERSON_SEAL = re.compile(
    r"(?P<holder>.+?)(?P<document>(?:法定代表人|法人代表|法人|负责人)[\u4e00-\u9fff·]{1,6}?"
    r"(?:人名章|名章|私章|印章|章))"
)
# Documents, to tell where a holder printed without 的 or 遗失 ends: 烟台某公司公章一枚遗失.
DOCUMENT_WORDS = sorted(
    (
        "营业执照|身份证|居民身份证|户口本|户口簿|收据|发票|支票|税务登记证|组织机构代码证|代码证"
        "|开户许可证|基本存款账户开户许可证|道路运输证|行驶证|机动车行驶证|驾驶证|机动车驾驶证"
        "|出生医学证明|出生证明|残疾人证|残疾证|学生证|工作证|房产证|房屋所有权证|不动产权证书"
        "|不动产权证|土地证|国有土地使用证|营运证|资格证|教师资格证|护士执业证书|许可证"
        "|食品经营许可证|卫生许可证|毕业证书|毕业证|学位证书|结婚证|离婚证|军官证|退伍证|准生证"
        "|存折|银行卡|社会保障卡|社保卡|号牌|机动车号牌|小型汽车号牌|车辆号牌|国籍证书|登记证"
        "|下岗证|失业证|就业失业登记证|道路运输从业资格证|从业资格证|医师资格证书|资格证书"
        "|船舶国籍证书|渔业船舶国籍证书|渔业船舶登记证|船舶登记证|现金支票|转账支票"
        "|增值税专用发票|增值税普通发票|机动车销售统一发票|收款收据|第二代居民身份证"
        "|土地使用权证|集体土地使用证|房屋产权证|出租汽车营运证|机动车登记证书"
        f"|{SEALS}"
    ).split("|"),
    key=len,
    reverse=True,
)
ORGANISATION_END = re.compile(
    r"(?:公司|店|厂|部|中心|合作社|医院|诊所|门诊|学校|幼儿园|酒店|饭店|酒楼|商行|超市|门市"
    r"|工作室|事务所|委员会|协会|站|社|馆|院|所|局|队|场|行|处|园|会|组)"
    rf"(?:{OPENING}[^{PARENTHESES}]{{2,10}}{CLOSING})?$"
)
COUNT = "[一二两三四五六七八九十\\d]+"
MEASURES = "张|枚|个|份|本|副|块|套|册|件|把"
QUANTITY_AFTER = re.compile(
    rf"(?P<documents>.+?)\s*(?P<each>各|共|共计)?\s*(?P<count>{COUNT})\s*(?:{MEASURES})"
)
QUANTITY_BEFORE = re.compile(rf"(?P<count>{COUNT})\s*(?:{MEASURES})(?P<documents>.+)")
BOTH_COPIES = re.compile(r"(?P<base>.+?)(?:正、副本|正副本|正本、副本|正本及副本|正本和副本)")
COPY = re.compile(rf"(?P<base>.+?)\s*{OPENING}?(?P<copy>正本|副本){CLOSING}?")
# 和, 及 and 与 join documents only after a document's last word, never inside a name (共和国).
DOCUMENT_SEPARATOR = re.compile(
    r"、|(?<=[证书章照本簿据票卡牌明折单张枚份个副)\uff09])(?:以及|和|及|与)"
)

NUMBER_LABELS = (
    "统一社会信用代码|社会信用代码|信用代码|注册号|证书编号|证书号码|证书号|许可证编号|许可证号"
    "|身份证号码|身份证号|发票号码|发票代码|号牌号码|档案编号|收据号码|收据号|核准号|税号|学号"
    "|账号|卡号|票号|证号|编号|号码"
)
# 档案编号 and 发票代码 are a second number beside the one that identifies the document.
SECOND_NUMBER_LABELS = {"档案编号", "发票代码"}
# Numbers of a business licence, when it is lost with other documents.
LICENCE_NUMBER_LABELS = {"统一社会信用代码", "社会信用代码", "信用代码", "注册号"}
NUMBER_LABEL = re.compile(r"[\u4e00-\u9fff]{0,10}(?:号码|编号|编码|代码|号|账户)")
DATE_LABEL = re.compile(r"[\u4e00-\u9fff]{0,4}日期|日期")
ISSUER_LABELS = {
    "开户银行",
    "开户行",
    "发证机关",
    "签发机关",
    "核发机关",
    "发证单位",
    "开具单位",
    "颁发单位",
    "登记机关",
    "出具单位",
}
AMOUNT_LABEL = re.compile(r"[\u4e00-\u9fff]{0,6}金额|面额")
NO_PREFIX = re.compile(r"^(?:NO|No|no|№|NO)\s*[.:\uff1a.]?\s*")
LABELLED = re.compile(
    rf"(?P<label>[^\s{COLONS}{CLAUSE_PUNCTUATION}]{{1,12}}?)\s*(?:分别)?\s*(?:为|是)?\s*"
    rf"{COLON}\s*(?P<value>.+)"
)
UNCOLONED = re.compile(
    rf"(?P<label>{NUMBER_LABELS})\s*(?:分别)?(?:为|是)?\s*"
    rf"(?P<value>(?:NO|No|№)?\.?\s*[0-9A-Za-z{OPENING[1:-1]}].*)"
)
NUMBER_ONLY = re.compile(r"(?:NO|No|no|№|NO)\s*[.:\uff1a.]?\s*(?P<value>[0-9A-Za-z][-0-9A-Za-z]*)")
AMOUNT_VALUE = (
    r"(?:人民币|RMB|¥|¥)?\s*(?:\d{1,3}(?:[,\uff0c]\d{3})+|\d+)(?:\.\d{1,2})?\s*万?\s*元?整?"
)
AMOUNT = re.compile(
    r"(?:人民币|RMB|¥|¥)?\s*(?P<number>\d{1,3}(?:[,\uff0c]\d{3})+|\d{1,12})(?P<cents>\.\d{1,2})?"
    r"\s*(?P<wan>万)?\s*元?整?"
)
CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_AMOUNT = re.compile(
    rf"(?:人民币)?(?P<text>[{CAPITAL_DIGITS}一二两三四五六七八九十拾佰仟万亿〇]+)"
    rf"(?:元|圆)(?P<jiao>[{CAPITAL_DIGITS}]角)?(?P<fen>[{CAPITAL_DIGITS}]分)?整?"
    rf"(?:\s*{OPENING}(?P<figures>[^{PARENTHESES}]+){CLOSING})?"
)
AMOUNT_SEGMENT = re.compile(
    rf"(?:{AMOUNT_LABEL.pattern})?\s*(?:分别|均|共计|合计)?\s*(?:为|是)?\s*{COLON}?\s*"
    rf"(?P<value>{AMOUNT_VALUE}(?:\s*[、和]\s*{AMOUNT_VALUE})*|{CAPITAL_AMOUNT.pattern})"
)
ISSUER_SEGMENT = re.compile(
    rf"(?:系|由|为)?(?P<issuer>[^\d]{{2,60}}?)\s*(?:于\s*(?P<date>{DATE}))?\s*(?:{ISSUING})的?"
)
DATE_SEGMENT = re.compile(
    rf"(?P<label>{DATE_LABEL.pattern})\s*(?:分别|均)?\s*(?:为|是)?\s*{COLON}?\s*"
    rf"(?P<value>{DATE}(?:\s*、\s*{DATE})*)"
)
# A comma between digits belongs to a number (¥3,500.00); any other separates details.
SEGMENT_SEPARATOR = re.compile(r"[,\uff0c](?!\d{3}(?:\D|$))|(?<!\d)[,\uff0c]")
PARENTHESISED_DETAIL = re.compile(
    rf"{OPENING}(?P<detail>[^{PARENTHESES}]{{1,12}}?{COLON}[^{PARENTHESES}]+){CLOSING}"
)
FULL_WIDTH_ALNUM = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)
# When and where it was lost, after the holder: 姜晓明于10月19日在烟台火车站附近(遗失…).
LOSS_CIRCUMSTANCES = re.compile(
    r"(?<=..)(?:(?:于|在)(?:\d{4}年)?\d{1,2}月\d{1,2}日.*"
    r"|在[\u4e00-\u9fff]{2,20}(?:附近|路上|街上|站|内|处|途中))$"
)
LOSS_THEN_DETAIL = re.compile(rf"(?:遗失|丢失)了?\s*(?P<bracket>{PARENTHESISED_DETAIL.pattern})$")
PLAIN_TEXT = re.compile(rf"[^{CLAUSE_PUNCTUATION}]{{1,100}}")


def _count(text):
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.rpartition("十")
    if "十" in text:
        return DIGITS.get(tens, 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[text]


def _date_value(text):
    found = GREGORIAN_DATE.fullmatch(text.strip()) or SLASH_DATE.fullmatch(text.strip())
    date = found and _date(*found.groups())
    if not date:
        raise Unreadable(f"日期“{text}”无法识别")
    return date


def _capital_amount(found):
    """人民币叁万伍仟元整 → 35000; the figures in brackets after it, when printed, are checked."""
    digits = {char: index for index, char in enumerate(CAPITAL_DIGITS)}
    digits.update({char: index for index, char in enumerate("〇一二三四五六七八九")}, 两=2)
    units = {"拾": 10, "十": 10, "佰": 100, "仟": 1000}
    total = section = number = 0
    for char in found["text"]:
        if char in digits:
            number = digits[char]
        elif char in units:
            section += (number or 1) * units[char]
            number = 0
        elif char in "万亿":
            total += (section + number) * (10_000 if char == "万" else 100_000_000)
            section = number = 0
    amount = Decimal(total + section + number)
    for part, scale in (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))):
        if found[part]:
            amount += digits[found[part][0]] * scale
    if found["figures"]:
        [figures] = _amounts(found["figures"])
        if figures != amount:
            raise Unreadable(f"金额大写{found.group(0)}与小写{found['figures']}不符")
    return amount


def _amounts(text):
    """The amounts in ``3000元、2000元``, ``1万元``, ``¥3,500.00元``, ``人民币伍万元整``."""
    if found := CAPITAL_AMOUNT.fullmatch(text.strip()):
        return [_capital_amount(found)]
    amounts = []
    for part in re.split(r"\s*[、和]\s*", text.strip()):
        found = AMOUNT.fullmatch(part)
        if not found or not ("元" in part or "万" in part or "¥" in part or "¥" in part):
            raise Unreadable(f"金额“{text}”无法识别")
        amount = Decimal(re.sub(r"[,\uff0c]", "", found["number"]) + (found["cents"] or ""))
        amounts.append(amount * 10000 if found["wan"] else amount)
    return amounts


def _number(text):
    """A printed number without its NO. prefix; IDs and credit codes compact, upper case."""
    value = NO_PREFIX.sub("", text.strip()).strip().rstrip("。.;\uff1b")
    if not re.search(r"[0-9A-Za-z]", value):
        raise Unreadable(f"号码“{text}”无法识别")
    compact = "".join(value.split())
    if re.fullmatch(r"[0-9A-Za-z]{18}", compact) or re.fullmatch(r"\d{17}[\dXx]\d{2}", compact):
        return compact.upper()
    return value


def _numbers(text):
    """Several numbers printed together, 0036512、0036513; one number otherwise."""
    parts = [part for part in re.split(r"\s*、\s*", text.strip()) if part]
    return [_number(part) for part in parts]


@dataclass
class _Details:
    labelled: list = field(default_factory=list)  # (label, numbers) as printed
    numbers: list = field(default_factory=list)
    number_label: str = ""
    second: list = field(default_factory=list)  # (label, value)
    amounts: list = field(default_factory=list)
    issued_on: datetime.date | None = None
    dates: list = field(default_factory=list)  # 开具日期分别为…、…: one per document
    issuer: str = ""

    def add(self, segment):
        segment = segment.strip()
        if not segment:
            return
        if found := NUMBER_ONLY.fullmatch(segment):
            return self._number("", found["value"])
        if found := DATE_SEGMENT.fullmatch(segment):
            self.dates = self.dates or [
                _date_value(date) for date in re.split(r"\s*、\s*", found["value"])
            ]
            self.issued_on = self.issued_on or self.dates[0]
            return None
        if found := AMOUNT_SEGMENT.fullmatch(segment):
            if self.amounts:
                raise Unreadable(f"金额出现了两次:“{segment}”")
            self.amounts = _amounts(found["value"])
            return None
        found = LABELLED.fullmatch(segment) or UNCOLONED.fullmatch(segment)
        if found:
            return self._labelled(found["label"], found["value"].strip())
        if found := ISSUER_SEGMENT.fullmatch(segment):
            self.issuer = self.issuer or found["issuer"].strip()
            if found["date"]:
                self.issued_on = self.issued_on or _date_value(found["date"])
            return None
        raise Unreadable(f"不认识“{segment}”")

    def _labelled(self, label, value):
        label = label.removeprefix("其").removeprefix("该")
        if DATE_LABEL.fullmatch(label):
            self.issued_on = self.issued_on or _date_value(value)
        elif AMOUNT_LABEL.fullmatch(label):
            if self.amounts:
                raise Unreadable(f"金额出现了两次:“{value}”")
            self.amounts = _amounts(value)
        elif label in ISSUER_LABELS:
            self.issuer = self.issuer or value
        elif NUMBER_LABEL.fullmatch(label) or label in SECOND_NUMBER_LABELS:
            self._number(label, value)
        else:
            raise Unreadable(f"不认识“{label}”")

    def _number(self, label, value):
        if any(known == label for known, _ in self.labelled):
            raise Unreadable(f"“{label}”出现了两次")
        numbers = _numbers(value)
        if any(len(number) > 100 for number in numbers):
            raise Unreadable("号码超过100字")
        self.labelled.append((label, numbers))

    def finish(self):
        """The number that identifies the document, the others kept as second numbers.

        档案编号 and 发票代码 stand beside the number that identifies a driving licence or an
        invoice; alone, they are its number. Otherwise the first number printed is it.
        """
        self.numbers, self.number_label, self.second = [], "", []
        if not self.labelled:
            return
        main = next(
            (pair for pair in self.labelled if pair[0] not in SECOND_NUMBER_LABELS),
            self.labelled[0],
        )
        self.number_label, self.numbers = main
        self.second = [
            (label, "、".join(values)) for label, values in self.labelled if label != main[0]
        ]


def _segments(text):
    """The comma-separated parts of a clause; a comma inside brackets or a number stays."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "(\uff08":
            depth += 1
        elif char in ")\uff09":
            depth = max(depth - 1, 0)
        elif not depth and char in ",\uff0c" and SEGMENT_SEPARATOR.match(text, index):
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _depth_zero_split(pattern, text):
    """``text`` split at ``pattern``, except inside brackets."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in "(\uff08":
            depth += 1
        elif char in ")\uff09":
            depth = max(depth - 1, 0)
        elif not depth and (found := pattern.match(text, index)) and found.end() > index:
            parts.append(text[start:index])
            start = index = found.end()
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _is_detail(segment):
    try:
        _Details().add(segment)
    except Unreadable:
        return False
    return not ISSUER_SEGMENT.fullmatch(segment) or "于" in segment


@dataclass
class _Document:
    name: str
    quantity: int = 1
    details: object = None  # _Details printed in brackets after it: 营业执照(统一社会信用代码:…)
    vehicle: str = ""  # 鲁F·7K3L9号车辆行驶证: the vehicle it is of, when the head names none
    holder: str = ""  # when the clause names several holders


def _quantity(text):
    """``收据两张`` → (收据, 2, ""); ``各一枚`` and ``共两枚`` say how a count is shared."""
    if found := QUANTITY_AFTER.fullmatch(text):
        return found["documents"], _count(found["count"]), found["each"] or ""
    if found := QUANTITY_BEFORE.fullmatch(text):
        return found["documents"], _count(found["count"]), ""
    return text, None, ""


def _documents(text):
    """The documents of ``营业执照正本、副本`` or ``公章、财务专用章各一枚``."""
    text = text.strip().removeprefix("的")
    documents = []
    shared = None  # a count printed after the last document, with 各 or 共
    pieces = [piece.strip() for piece in _depth_zero_split(DOCUMENT_SEPARATOR, text)]
    for position, piece in enumerate(pieces):
        details = None
        if found := PARENTHESISED_DETAIL.search(piece):
            details = _Details()
            for segment in _segments(found["detail"]):
                details.add(segment)
            details.finish()
            piece = (piece[: found.start()] + piece[found.end() :]).strip()
        vehicle = ""
        if position and (found := VEHICLE_AT_START.fullmatch(piece)):
            vehicle, piece = found["vehicle"], found["rest"]
        name, quantity, how = _quantity(piece)
        name = name.strip("《》〈〉")
        if how and position == len(pieces) - 1 and len(pieces) > 1:
            shared, quantity = (quantity, how), None
        if quantity is not None and not 1 <= quantity <= 999:
            raise Unreadable(f"数量“{quantity}”无法识别")
        if found := BOTH_COPIES.fullmatch(name):
            names = [found["base"] + "正本", found["base"] + "副本"]
        elif name in ("正本", "副本") and documents:
            base = COPY.fullmatch(documents[-1].name)
            names = [(base["base"] if base else documents[-1].name) + name]
        elif (copy := COPY.fullmatch(name)) and copy.group(0) != name:
            names = [copy["base"] + copy["copy"]]
        else:
            names = [name]
        documents += [_Document(name, quantity or 1, details, vehicle) for name in names]
    if not documents or not all(document.name for document in documents):
        raise Unreadable(f"证件名称“{text}”无法识别")
    if shared:
        count, how = shared
        if how == "各":
            for document in documents:
                document.quantity = count
        elif count != len(documents):
            raise Unreadable(f"“{text}”共{count}个,无法分到每一件")
    return documents


def _split_holder(text):
    """``烟台某公司公章一枚``: the holder and the documents, printed with nothing between."""
    if found := PERSON_SEAL.match(text):
        return found["holder"], text[found.start("document") :]
    candidates = [
        index
        for index in range(2, len(text))
        if any(text.startswith(word, index) for word in DOCUMENT_WORDS)
    ]
    for index in candidates:
        holder = text[:index]
        if ORGANISATION_END.search(holder) or 2 <= len(holder) <= 4:
            return holder, text[index:]
    if candidates:
        return text[: candidates[0]], text[candidates[0] :]
    raise Unreadable(f"分不清“{text}”中的持有人和证件")


@dataclass
class _Head:
    holder: str = ""
    documents: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    vehicles: list = field(default_factory=list)
    holders: list = field(default_factory=list)  # several people, each with the documents


def _read_head(head, holder=""):
    """Who lost what, from the words before the details: 张三遗失…, 张三的…丢失, 兹有…将…丢失."""
    head = re.sub(r"\s+", "", head)
    head = re.sub(rf"{COMMA}?因[^,\uff0c]*?{COMMA}", ",", head)  # 因保管不善,
    reading = _Head()
    losses = list(LOST_WORD.finditer(head))
    if not losses:
        raise Unreadable("没有“遗失”或“丢失”")
    loss = losses[-1] if losses[-1].end() == len(head) else losses[0]
    before, after = head[: loss.start()], head[loss.end() :]
    zhi_you = before.startswith("兹有")
    before = before.removeprefix("兹有")
    if "将" in before and not after:  # 张三不慎将身份证丢失
        before, _, after = before.partition("将")
    elif "把" in before and not after:
        before, _, after = before.partition("把")
    before = re.sub(rf"{COMMA}", "", before)
    if (
        after
        and re.search(r"法定代表人[\u4e00-\u9fff]{1,4}$", before)
        and (zhi_you or re.match(r"(?:公司|本公司|该公司|单位|本单位)", after))
    ):  # 兹有某公司法定代表人张强…将公司开户许可证丢失: the company's
        before = re.sub(r"法定代表人[\u4e00-\u9fff]{1,4}$", "", before)
    before = re.sub(r"^(?:法定代表人|法人代表|负责人)(?=[\u4e00-\u9fff]{2,4}$)", "", before)
    before = re.sub(rf"于{DATE}$", "", before)
    before = LOSS_CIRCUMSTANCES.sub("", before).removesuffix("不慎").removesuffix("现")
    after = re.sub(
        r"^(?:公司|本公司|该公司|单位|本单位|本人|其)(?=[\u4e00-\u9fff])(?!子|女|儿|他)", "", after
    )
    if after and not before and holder:  # 张三遗失身份证…;遗失驾驶证…: the same holder
        reading.documents = after
        _read_documents_side(reading)
        reading.holder = holder
        return reading
    if after:
        reading.holder, reading.documents = before, after
    elif issued := ISSUED_BY.search(before):
        reading.holder = before[: issued.start()].removesuffix("的")
        reading.documents = before[issued.end() :]
        reading.issuer = issued["issuer"]
        reading.issued_on = issued["date"] and _date_value(issued["date"])
    elif "的" in before:
        reading.holder, _, reading.documents = before.rpartition("的")
    elif (vehicle := re.search(VEHICLE, before)) and vehicle.start() >= 2:
        reading.holder, reading.documents = before[: vehicle.start()], before[vehicle.start() :]
    else:
        reading.holder, reading.documents = _split_holder(before)
    _read_documents_side(reading)
    _read_holder_side(reading)
    return reading


def _read_documents_side(reading):
    text = reading.documents
    if (found := QUANTITY_BEFORE.fullmatch(text)) and ISSUED_BY.match(found["documents"]):
        # 一张由某幼儿园开具的收据: the count goes back before the document
        issued = ISSUED_BY.match(found["documents"])
        text = (
            found["documents"][: issued.end()]
            + text[: found.start("documents")]
            + (found["documents"][issued.end() :])
        )
    if child := re.match(r"^(?:其|之)(?:子|女|儿子|女儿)(?P<name>[^的]{0,5})的", text):
        reading.holder = child["name"] or reading.holder
        text = text[child.end() :]
    elif child := re.match(r"^(?:其|之)(?:子|女|儿子|女儿)(?=出生)", text):
        text = text[child.end() :]  # 其子出生医学证明: the child is not named
    if not reading.issuer and (issued := ISSUED_BY.match(text)):
        reading.issuer = issued["issuer"]
        reading.issued_on = issued["date"] and _date_value(issued["date"])
        text = text[issued.end() :]
    if vehicle := VEHICLE_AT_START.fullmatch(text):
        reading.vehicles, text = [vehicle["vehicle"]], vehicle["rest"]
    reading.documents = text


def _read_holder_side(reading):
    holder = reading.holder
    if vehicle := VEHICLE_AT_END.fullmatch(holder):
        reading.vehicles = reading.vehicles or vehicle["vehicles"].split("、")
        holder = vehicle["rest"]
    holder = re.sub(r"(?:所属|名下)$", "", holder)
    holder = re.sub(r"^(?:本人|其妻|其夫|之妻|之夫|其母|其父)(?=[\u4e00-\u9fff]{2})", "", holder)
    if child := CHILD.fullmatch(holder):
        holder = child["child"] or (child["parents"] + ("夫妇" if "夫妇" in holder else ""))
    if role := HOLDER_ROLE.fullmatch(holder):  # 烟台某小学学生王子涵、刘一诺: the pupils
        holder = role["names"]
    if "、" in holder and not holder.endswith("夫妇") and not re.search(r"[(\uff08]", holder):
        reading.holders = holder.split("、")
    reading.holder = holder.strip()
    if not reading.holder or not PLAIN_TEXT.fullmatch(reading.holder):
        raise Unreadable(f"持有人“{reading.holder}”无法识别")
    if len(reading.issuer) > 100 or any(len(vehicle) > 100 for vehicle in reading.vehicles):
        raise Unreadable("开具单位或标识超过100字")


def _pair(names, values, what):
    if len(values) <= 1 or len(values) == len(names):
        return values
    raise Unreadable(f"{len(names)}件证件有{len(values)}个{what},无法一一对应")


def _named_by(label, documents):
    """The documents a number's label names: 身份证号码 the 身份证, 统一社会信用代码 a licence."""
    if label in LICENCE_NUMBER_LABELS:
        licences = [d for d in documents if re.search(r"执照|证书|登记证|许可证", d.name)]
        return licences or [d for d in documents if not d.name.endswith("章")][:1]
    named = re.sub(r"(?:号码|编号|编码|代码|号)$", "", label)
    return [document for document in documents if named and document.name.endswith(named)]


def _assign_named_numbers(documents, details):
    """With several documents, a number whose label names one of them is that one's."""
    if len(documents) < 2:
        return
    general = []
    for label, values in details.labelled:
        named = _named_by(label, documents)
        if named and len(values) == 1 and len(named) < len(documents):
            for document in named:
                document.details = document.details or _Details()
                document.details.labelled.append((label, values))
                document.details.finish()
        else:
            general.append((label, values))
    details.labelled = general
    details.finish()


def parse_clause(clause, holder=""):
    """The lost documents of one clause of a declaration: a list, never empty.

    ``holder`` is the holder of the clause before, for a clause that names none. Raises
    Unreadable with what stopped it when the wording is not understood.
    """
    segments = _segments(clause)
    if not segments:
        raise Unreadable("是空的")
    split = next(
        (index for index in range(1, len(segments)) if _is_detail(segments[index])),
        len(segments),
    )
    head_text = ",".join(segments[:split])
    trailing = []
    # 张三的驾驶证不慎丢失(证号:…): details in brackets after the loss
    if found := LOSS_THEN_DETAIL.search(head_text):
        head_text, trailing = head_text[: found.start("bracket")], _segments(found["detail"])
    head = _read_head(head_text, holder)
    details = _Details()
    for segment in trailing + segments[split:]:
        details.add(segment)
    details.finish()
    documents = _documents(head.documents)
    if len(head.vehicles) > 1 and len(documents) == 1:
        documents = [_Document(documents[0].name, 1, documents[0].details) for _ in head.vehicles]
    if len(head.holders) > 1:  # 张三、李四遗失身份证各一张: each of them one
        documents = [
            dataclasses.replace(document, holder=holder, quantity=1)
            for holder in head.holders
            for document in documents
        ]
    _assign_named_numbers(documents, details)
    for what, values in (("号码", details.numbers), ("金额", details.amounts)):
        if len(values) > 1 and len(documents) == 1:
            document = documents[0]
            if document.quantity not in (1, len(values)):
                raise Unreadable(f"{document.quantity}件证件有{len(values)}个{what}")
            documents = [dataclasses.replace(document, quantity=1) for _ in values]
    numbers = _pair(documents, details.numbers, "号码")
    amounts = _pair(documents, details.amounts, "金额")
    dates = _pair(documents, details.dates, "日期")
    vehicles = _pair(documents, head.vehicles, "车船号") or [""]
    vehicles = vehicles if len(vehicles) > 1 else vehicles * len(documents)
    items = []
    for index, document in enumerate(documents):
        if not PLAIN_TEXT.fullmatch(document.name) or re.search(r"\d", document.name):
            raise Unreadable(f"证件名称“{document.name}”无法识别")
        own = document.details or _Details()
        second = ";".join(f"{label} {value}" for label, value in own.second + details.second)
        number = numbers[index if len(numbers) > 1 else 0] if numbers else ""
        items.append(
            LostItem(
                holder=document.holder or head.holder,
                document=document.name,
                issuer=head.issuer or own.issuer or details.issuer,
                issued_on=(
                    head.issued_on
                    or own.issued_on
                    or (dates[index] if len(dates) > 1 else details.issued_on)
                ),
                number=own.numbers[0] if own.numbers else number,
                number_label=own.number_label or details.number_label,
                amount=(
                    own.amounts[0]
                    if own.amounts
                    else amounts[index if len(amounts) > 1 else 0]
                    if amounts
                    else None
                ),
                vessel=";".join(filter(None, [document.vehicle or vehicles[index], second])),
                quantity=document.quantity,
            )
        )
    return items


def _clauses(body):
    """The clauses of a declaration's body: one per holder, a stray detail kept with its clause."""
    clauses = []
    for part in re.split(rf"{SEMICOLON}|。", body):
        part = part.strip().strip(",\uff0c")
        if not part:
            continue
        segments = _segments(part)
        if clauses and segments and _is_detail(segments[0]):
            clauses[-1] += "," + part
        else:
            clauses.append(part)
    return clauses


def parse_declaration(text):
    """The lost documents of one declaration as printed, and what could not be read."""
    declaration = Declaration(text=text)
    body = DECLARATION_LABEL.sub("", text.strip(), count=1)
    body = BARE_HEADING.sub("", body, count=1)
    ends = list(DECLARATION_END.finditer(body))
    end = ends[-1] if ends else None
    after = body[end.end() :].strip() if end else ""
    if end is None or (after and not FINDER_TAIL.fullmatch(after)):
        # Cut off before its closing words: what can be read is kept for the editor.
        declaration.problems.append("没有以“声明作废”结尾,未能识别")
    else:
        body = body[: end.start()]
    body = body.strip().rstrip(",\uff0c。.;\uff1b").translate(FULL_WIDTH_ALNUM)
    # Spaces printed for punctuation: 张三遗失身份证 号码 370602… 声明作废
    body = re.sub(rf"[ \u3000]+(?=(?:{NUMBER_LABELS}|金额|开具日期|开票日期|发证日期))", ",", body)
    items = []
    for clause in _clauses(body):
        try:
            items += parse_clause(clause, items[-1].holder if items else "")
        except Unreadable as error:
            declaration.problems.append(f"未能识别“{clause}”:{error}")
            items = None
            break
    # Nothing half-read: a declaration with a clause that cannot be read keeps no items.
    declaration.items = items or []
    if not declaration.items and not declaration.problems:
        declaration.problems.append("没有找到遗失的证件")
    return declaration


# --- Other announcements: 注销公告, 减资公告, 寻人启事 … --------------------------------------

ANNOUNCEMENT_KINDS = (
    "简易注销|注销|减资|增资|合并|分立|清算|解散|债权申报|债权人申报|申报债权|迁坟|寻人|寻物"
    "|招领|认领|拍卖|更正|股权转让|招租|招聘|招标|中标|征集|征收|公示|催告|致歉|道歉|变更|撤销"
    "|迁址|搬迁|郑重|解除劳动合同|终止劳动合同|股东会会议|股东大会|股东会|开业|停业|听证|出让"
)
TITLE_WORDS = "公告|启事|声明|通告|通知|公示|催告|告知书"
NO_TITLE = rf"(?!(?:{HEADING_WORDS})$)(?!特此|遗失|丢失|作废)"
# A title naming its kind, 减资公告, after the announcer's name if it is printed.
ANNOUNCEMENT_TITLE = re.compile(
    rf"{NO_TITLE}(?P<announcer>[^{CLAUSE_PUNCTUATION}\s]{{0,40}}?)"
    rf"(?P<headline>(?:{ANNOUNCEMENT_KINDS})(?:{TITLE_WORDS})|债权申报|公示催告)"
)
# Any other line that is only a title: 通知, 烟台某公司公告.
ANY_TITLE = re.compile(
    rf"{NO_TITLE}(?P<announcer>[^{CLAUSE_PUNCTUATION}\s]{{0,40}})(?P<headline>{TITLE_WORDS})"
)
# A title and what follows on its line: 减资公告 烟台某公司…
TITLE_AT_START = re.compile(rf"{ANNOUNCEMENT_TITLE.pattern}(?:\s+|\s*{COLON}\s*)(?P<rest>\S.*)")
DATE_LINE = re.compile(
    rf"(?P<before>.*?)\s*(?P<date>{DATE}"
    r"|[〇零一二三四五六七八九○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
)
CREDIT_CODE = re.compile(
    rf"(?:统一社会信用代码|社会信用代码|信用代码)\s*(?:为|是)?\s*{COLON}?\s*(?P<code>[0-9A-Za-z]{{18}})"
)
# A credit code in brackets after the name, without its label: 烟台某公司(91370613MA3Q6E8AX7).
BRACKETED_CODE = re.compile(rf"{OPENING}(?P<code>[0-9A-Z]{{2}}\d{{6}}[0-9A-Z]{{10}}){CLOSING}")
SIGNATURE = re.compile(rf"[^{CLAUSE_PUNCTUATION}。!?\uff01\uff1f]{{2,60}}")


@dataclass
class Announcement:
    headline: str = ""
    announcer: str = ""
    credit_code: str = ""
    problems: list = field(default_factory=list)


def _credit_code_problem(code):
    """Why ``code`` is not a valid unified social credit code, or ""."""
    try:
        validators.validate_credit_code(code)
    except ValidationError as error:
        return "".join(error.messages)
    return ""


def parse_announcement(text):
    """The title, who announces and their credit code, of a notice that is not a declaration."""
    announcement = Announcement()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    first = lines[0] if lines else ""
    title = _title(first) or TITLE_AT_START.match(first)
    if title:
        announcement.announcer, announcement.headline = _split_title(title)
    signature = _signature(lines)
    if signature:
        announcement.announcer = signature
    if code := _announcers_code(text, announcement.announcer):
        announcement.credit_code = code
        if problem := _credit_code_problem(code):
            announcement.problems.append(problem)
    if not announcement.headline:
        announcement.problems.append("未能识别的公告,保留原文")
    elif not announcement.announcer:
        announcement.problems.append("未能识别发布公告的单位或个人")
    return announcement


def _announcers_code(text, announcer):
    """The credit code printed after the announcer's own name, not another party's.

    The name may be the signature's without its role (烟台某公司 for 烟台某公司清算组); a code
    after 借款人:… or 担保人:… is that party's.
    """
    bare = re.sub(rf"{OPENING}[^{PARENTHESES}]*{CLOSING}$", "", announcer)
    names = [re.sub(ANNOUNCER_ROLE, "", name) for name in bare.split("、") if name]
    found = sorted(
        [*CREDIT_CODE.finditer(text), *BRACKETED_CODE.finditer(text)], key=lambda m: m.start()
    )
    others = []
    for code in found:
        before = text[max(0, code.start() - 80) : code.start()]
        before = re.sub(rf"{OPENING}[^{PARENTHESES}]*$", "", before.rstrip("(\uff08:\uff1a ,"))
        if any(before.endswith(name) for name in names) or re.search(OWN_NAME, before):
            return code["code"].upper()
        if not re.search(OTHER_PARTY, before[-40:]):
            others.append(code["code"].upper())
    return others[0] if others else ""


ANNOUNCER_ROLE = r"(?:清算组|清算委员会|管理人|董事会|股东会|筹备组|全体股东|投资人)$"
OWN_NAME = r"本(?:公司|企业|单位|店|厂|社)$"
OTHER_PARTY = rf"(?:借款人|担保人|保证人|债务人|出票人|被申请人|被继承人){COLON}"


def _signature(lines):
    """The signature above the date that closes an announcement: 烟台某某有限公司(清算组).

    Several lines above the date are several signatures (a merger's two companies).
    """
    if not lines:
        return ""
    date = DATE_LINE.fullmatch(lines[-1])
    if not date:
        return ""
    before = date["before"].strip()
    if before:
        # One line may hold the end of the text, then the signature: …特此公告。烟台某公司
        names = [re.split(r"[。!\uff01]", before)[-1].strip()]
    else:
        names = []
        for line in reversed(lines[1:-1]):
            name = _signature_name(line)
            if not name:
                break
            names.insert(0, name)
    names = [_signature_name(name) for name in names]
    return "、".join(names) if names and all(names) else ""


def _signature_name(line):
    line = re.sub(rf"^(?:联系人|联系方式|落款|声明人|公告人){COLON}", "", line.strip())
    code = rf"\s*{OPENING}[^{PARENTHESES}]*{CLOSING}$"
    name = (
        re.sub(code, "", line) if CREDIT_CODE.search(line) or BRACKETED_CODE.search(line) else line
    )
    return name if SIGNATURE.fullmatch(name) and not CREDIT_CODE.search(name) else ""


# --- Notices blocks: where each notice starts and ends -----------------------------------------

NOTICE_HEADLINES = {
    "结婚启事",
    "遗失声明",
    "遗失启事",
    "作废声明",
    "声明",
    "启事",
    "声明启事",
    "公告",
    "公告栏",
    "分类广告",
    "分类信息",
    "便民信息",
    "遗失公告",
    "挂失声明",
    "广而告之",
    "通告",
    "公示",
    "公示公告",
    "声明公告",
    "便民服务",
    "新婚志喜",
    "广告",
}
# Headlines of sections that hold only declarations: what is in them is one, read or not.
LOST_HEADLINES = {"遗失声明", "遗失启事", "作废声明", "挂失声明", "遗失公告"}
# A declaration beginning: 张三遗失…, 烟台某公司公章一枚遗失…, 兹有…; its closing words follow.
DECLARATION_START = re.compile(
    rf"(?:(?:{HEADING_WORDS})(?:\s*{COLON}\s*|\s+)?)?(?:兹有|(?![{PARENTHESES}])[^。!?\uff01\uff1f]{{1,80}}?(?:遗失|丢失))"
)
SENTENCE_BREAK = re.compile(r"(?<=[。!?\uff01\uff1f」”)\uff09])\s*")
# A sentence for whoever finds the document, after its declaration: part of the notice.
FINDER_TAIL = re.compile(
    r"(?=[^。!\uff01]{0,60}(?:拾到|拾获|捡到|联系电话|请联系|必有酬谢|必有重谢))"
    r"(?![^。!\uff01]*(?:遗失|丢失|作废))[^。!\uff01]{1,60}[。!\uff01]"
)
BULLET = re.compile(r"^[■□●○◆◇▲△★☆•·▪▶►\-—*]+\s*")
CARD_LINE = re.compile(r"(?:[\d\s-]+|.*\d+元.*|声明)")


@dataclass
class ParsedNotice:
    kind: str  # lost, wedding or other, as Notice.Kind
    text: str
    line: int
    page: str
    items: list = field(default_factory=list)  # LostItem
    wedding: Wedding | None = None
    problems: list = field(default_factory=list)
    headline: str = ""  # an other notice's: 减资公告 …
    announcer: str = ""
    credit_code: str = ""


def _declares(text):
    """Whether ``text`` begins with a whole declaration: who lost what, then its closing words."""
    start = DECLARATION_START.match(text)
    return bool(start and DECLARATION_END.search(text, start.end()))


def _split_title(title):
    """(announcer, headline) of a title: 烟台某公司|减资公告, but 遗产继承公告 whole."""
    announcer, headline = title["announcer"], title["headline"]
    if title.re is ANY_TITLE and announcer and not ORGANISATION_END.search(announcer):
        return "", announcer + headline
    return announcer, headline


def _titled(section):
    """Whether a section's headline is an announcement's title (then part of its text).

    A title naming a known kind (减资公告), or any other title when the section ends as an
    announcement does, with a date under a signature: not an article's 关于…的通知.
    """
    headline = section.headline
    if headline in NOTICE_HEADLINES:
        return False
    if ANNOUNCEMENT_TITLE.fullmatch(headline):
        return True
    paragraphs = section.paragraphs
    return bool(
        ANY_TITLE.fullmatch(headline)
        and len(headline) <= 40
        and not re.search("关于|的", headline)
        and paragraphs
        and DATE_LINE.fullmatch(paragraphs[-1].text)
        and len(paragraphs[-1].text) <= 60
    )


def _title(text):
    """The title an announcement opens with, when ``text`` is one."""
    return ANNOUNCEMENT_TITLE.fullmatch(text) or ANY_TITLE.fullmatch(text)


def _announces(text, known=False):
    """Whether ``text`` opens an announcement; ``known``: with a title naming its kind."""
    title = ANNOUNCEMENT_TITLE.fullmatch(text) if known else _title(text)
    return bool(title or TITLE_AT_START.fullmatch(text))


def _starts_notice(text):
    """Whether a paragraph (or what follows a sentence's end) opens a notice."""
    return (
        text.startswith("公告栏")
        or looks_like_wedding(text)
        or _announces(text)
        or bool(DECLARATION_START.match(text))
        or bool(re.fullmatch(rf"(?:{HEADING_WORDS})", text))
    )


def _opens_after_announcement(text):
    """Whether a paragraph after an announcement's lines opens another notice.

    The announcement may itself speak of what was lost (寻物启事, 公示催告): only a whole
    declaration, a title, the rate card or a wedding starts the next notice.
    """
    return (
        text.startswith("公告栏") or looks_like_wedding(text) or _announces(text) or _declares(text)
    )


def _ends_with_date(paragraphs):
    return bool(paragraphs) and bool(DATE_LINE.fullmatch(paragraphs[-1][1].text))


def notices_start(section):
    """Where notices begin in an article's section, ``(index, offset)``, or None.

    A notices block runs to the end of the section: the rate card (公告栏), a declaration with
    its closing words, an announcement's title or a wedding, as a paragraph of its own or run
    into the end of the article's last paragraph.
    """
    # Nothing after a heading inside the article (## 一、…): notices end a section.
    last_heading = max(
        (index for index, item in enumerate(section.body) if isinstance(item, Heading)), default=-1
    )
    paragraphs = [
        (index, item)
        for index, item in enumerate(section.body)
        if isinstance(item, Paragraph) and index > last_heading
    ]
    dated = _ends_with_date(paragraphs)

    def _opens_announcement(text):
        return bool(ANNOUNCEMENT_TITLE.fullmatch(text) or (dated and ANY_TITLE.fullmatch(text)))

    for position, (index, paragraph) in enumerate(paragraphs):
        following = functools.reduce(
            joined, (item.text for _, item in paragraphs[position : position + 3])
        )
        # Where the last closing words are: a declaration starting at an offset must end
        # before them (one search, not one per sentence).
        last_end = max((m.start() for m in DECLARATION_END.finditer(following)), default=-1)
        text = paragraph.text
        for offset in [0, *(m.end() for m in SENTENCE_BREAK.finditer(text))]:
            if offset >= len(text):
                continue
            start = DECLARATION_START.match(following, offset)
            if (
                text.startswith("公告栏", offset)
                or (start and last_end >= start.end())
                or (offset == 0 and len(paragraphs) > position + 1 and _opens_announcement(text))
            ):
                return index, offset
    return None


def is_notices(section):
    """Whether a section of the export holds notices: by its headline, or by every paragraph."""
    if section.headline in NOTICE_HEADLINES or _titled(section):
        return True
    paragraphs = [item.text for item in section.paragraphs]
    return bool(paragraphs) and all(map(looks_like_notice, paragraphs))


def looks_like_notice(text):
    return (
        looks_like_wedding(text) or text.startswith("公告栏") or bool(DECLARATION_END.search(text))
    )


@dataclass
class _Open:
    """A notice being gathered from the paragraphs it is printed in."""

    kind: str
    line: int
    page: str
    text: str = ""
    last_line: int = 0
    ended: bool = False  # with closing words that the next line may still go on from


def _card_paragraphs(paragraphs):
    """A rate card printed over several lines (公告栏 / phones / prices / 声明) joined into one."""
    result = []
    for paragraph in paragraphs:
        before = result[-1] if result else None
        if (
            before
            and before.text.startswith("公告栏")
            and CARD_LINE.fullmatch(paragraph.text)
            and not re.search(r"(?:^|\s)声明(?:\s|$)", before.text)
            and not DECLARATION_WORDS.search(before.text + paragraph.text)
        ):
            result[-1] = Paragraph(
                f"{before.text} {paragraph.text}", before.line, paragraph.last_line, before.page
            )
        else:
            result.append(paragraph)
    return result


class _Reader:
    """Cuts a notices section's paragraphs into notices, each read as soon as it is complete.

    A declaration runs to its closing words, across paragraphs and page markers if need be;
    an announcement from its title to the date under its signature; a wedding is a paragraph.
    """

    def __init__(self, section, export):
        self.section, self.export = section, export
        self.open = None  # the notice being gathered: _Open

    def read(self):
        body = list(self.section.paragraphs)
        if self.section.headline == "公告栏" and body and PHONE.match(body[0].text):
            # The rate card under a headline of its name: 公告栏 / 6631203 … 20元.
            first = body[0]
            body[0] = Paragraph(f"公告栏 {first.text}", first.line, first.last_line, first.page)
        if _titled(self.section):
            body.insert(0, Paragraph(self.section.headline, self.section.line))
        for paragraph in _card_paragraphs(body):
            self.paragraph(paragraph)
        self.close()

    def paragraph(self, paragraph):
        opened, text = self.open, paragraph.text
        if opened and opened.kind == "lost":
            # A declaration left open goes on in this paragraph, unless it had ended (with its
            # closing words, or a sentence) and this paragraph opens another notice.
            finished = opened.ended or opened.text[-1:] in "。.!?\uff01\uff1f"
            if not (finished and _starts_notice(text)):
                self.continue_declaration(text, paragraph)
                return
        elif opened and not _opens_after_announcement(text):
            self.add_line(text, paragraph)
            return
        elif opened and "\n" not in opened.text and _title(opened.text) and _declares(text):
            self.open = None  # 公示公告 over declarations: a heading, not an announcement
        self.close()
        self.start(text, paragraph)

    def continue_declaration(self, text, paragraph):
        opened = self.open
        if not opened.text:  # after a heading of its own: 遗失声明
            opened.text = text
        else:
            self.export.repairs.append(
                Repair(
                    "合并",
                    (opened.last_line, paragraph.line),
                    f"“{snippet(opened.text, end=True)}”接“{snippet(text)}”",
                )
            )
            # The export breaks lines anywhere, inside numbers too: nothing goes between.
            separator = "\n" if opened.text[-1] in "。!?\uff01\uff1f" else ""
            opened.text += separator + text
        opened.last_line = paragraph.last_line
        opened.ended = False
        self.start(self.cut(), paragraph)

    def start(self, text, paragraph):
        """Read ``text``, the start of one or more notices printed in ``paragraph``."""
        line, page = paragraph.line, paragraph.page or self.section.page
        while text := BULLET.sub("", text):
            if looks_like_wedding(text) and not _declares(text):
                wedding, problems = parse_wedding(text)
                self.export.notices.append(
                    ParsedNotice("wedding", text, line, page, [], wedding, problems)
                )
                return
            card, text = split_rate_card(text)
            if card:
                self.export.rate_cards.append((line, card))
            elif re.fullmatch(HEADING_WORDS, text):
                self.open = _Open("lost", line, page, "", paragraph.last_line)
                return
            elif _announces(text):
                self.open = _Open("other", line, page, text, paragraph.last_line)
                self.close_on_date()
                return
            else:
                # A declaration, or the start of one the line broke off: it runs to its
                # closing words. Text with no such words at all is kept as an other notice.
                self.open = _Open("lost", line, page, text, paragraph.last_line)
                text = self.cut()

    def cut(self):
        """Close the open declaration at its closing words; return what follows them."""
        opened = self.open
        start = DECLARATION_START.match(opened.text)
        end = DECLARATION_END.search(opened.text, start.end() if start else 0)
        if not end:
            return ""
        rest = opened.text[end.end() :].strip()
        if not end.group().endswith(("。", ".", "!", "\uff01")) and (
            not rest or any(words.startswith(rest) for words in ("作废", "声明作废"))
        ):
            # The closing words at the end of a line may go on on the next: 特此声明 / 作废。
            opened.ended = True
            return ""
        cut = end.end()
        if tail := FINDER_TAIL.match(opened.text, cut + len(opened.text[cut:]) - len(rest)):
            cut, rest = tail.end(), opened.text[tail.end() :].strip()  # …请联系138….
        opened.text = opened.text[:cut].strip()
        self.close()
        return rest

    def add_line(self, text, paragraph):
        """A line of an announcement: a continuation when the line before broke off."""
        opened = self.open
        last = opened.text.split("\n")[-1]
        if (
            len(last) >= 15
            and not ends_sentence(last)
            and not DATE_LINE.fullmatch(text)
            and not SIGNATURE.fullmatch(text)
            and not _title(last)
        ):
            opened.text += text
        else:
            opened.text += "\n" + text
        opened.last_line = paragraph.last_line
        self.close_on_date()

    def close_on_date(self):
        """An announcement ends with the date under its signature."""
        date = DATE_LINE.fullmatch(self.open.text.split("\n")[-1])
        if date:
            before = date["before"].strip()
            if (
                not before
                or SIGNATURE.fullmatch(before)
                or re.search(r"特此(?:公告|声明|通知|启事)[。.!\uff01]?[^。]*$", before)
            ):
                self.close()

    def close(self):
        opened, self.open = self.open, None
        if not opened or not opened.text.strip():
            return
        text, line, page = opened.text.strip(), opened.line, opened.page
        lost_section = self.section.headline in LOST_HEADLINES
        if opened.kind == "lost" and (DECLARATION_WORDS.search(text) or lost_section):
            text = DECLARATION_LABEL.sub("", text, count=1)
            declaration = parse_declaration(text)
            notice = ParsedNotice("lost", text, line, page, declaration.items)
            notice.problems = declaration.problems
        else:
            announcement = parse_announcement(text)
            notice = ParsedNotice("other", text, line, page, problems=announcement.problems)
            notice.headline = announcement.headline
            notice.announcer = announcement.announcer
            notice.credit_code = announcement.credit_code
        self.export.notices.append(notice)


def read_notices(sections, export):
    """The notices and rate cards of ``sections``, set on ``export`` with the repairs made."""
    export.notices, export.rate_cards = [], []
    for section in sections:
        if not section.body and not _announces(section.headline, known=True):
            export.problems.append(f"第{section.line}行:“{section.headline}”下没有内容")
            continue
        _Reader(section, export).read()
