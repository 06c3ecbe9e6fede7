"""Reading a day's page export: from text lines to pages, articles and notices, repaired.

Pure functions, no database. Every result carries the line numbers it came from, so that the report
and the error messages can send an editor to the right line of the file.

The export is plain text: ``# `` and ``## `` lines are headlines, a ``## `` line numbered 一、…九、
is a section heading inside its article, other lines are paragraphs. A line such as
``=== A03 公告 ===`` says that what follows is on page A03, named 公告; without such lines
everything is on the page given to the import.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import classifieds
from .classifieds import CLAUSE_PUNCTUATION, CLOSING, COLON, OPENING, PARENTHESES

# Control characters other than the tab: never in a page export, and PostgreSQL refuses NUL.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
HEADLINE = re.compile(r"(?P<level>#+)(?:\s+(?P<text>.*))?")
PAGE_MARKER = re.compile(r"={3,}\s*(?P<code>[^\s=]+?)版?(?:\s+(?P<name>[^=]*?))?\s*=*")
PAGE_CODE = re.compile(r"[A-Z][0-9]{2}")
NUMBERED_SECTION = re.compile(
    rf"(?:[一二三四五六七八九十百]+、|{OPENING}[一二三四五六七八九十百]+{CLOSING}|\d{{1,2}}、)"
)
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

# How a paragraph may end when its sentence is complete; a closing quote needs one of these
# before it, a closing bracket does not (captions and asides end with one).
SENTENCE_END = "。!?\uff01\uff1f…;\uff1b:\uff1a"
CLOSING_QUOTES = "”’\"'」』》"
CLOSING_BRACKETS = ")\uff09】]"
DATE_LINE = re.compile(rf"{OPENING}\d{{4}}年\d{{1,2}}月\d{{1,2}}日{CLOSING}")
BYLINE = re.compile(
    rf"{OPENING}\s*(?P<name>[^{PARENTHESES}\d{CLAUSE_PUNCTUATION}]{{2,30}}?)\s*{CLOSING}"
)
# A byline in parentheses after a source or a dateline: 本报讯(记者 王晓 通讯员 李明).
# Not a numbered item such as (二十七), which opens a paragraph of a document.
PARENTHESISED_BYLINE = (
    rf"{OPENING}(?![\d一二三四五六七八九十百零]+{CLOSING})"
    rf"(?P<byline>[^{PARENTHESES}]{{1,60}}){CLOSING}"
)
DATELINE = re.compile(
    r"(?P<dateline>(?P<agency>新华社|中新社|本报|[\u4e00-\u9fff]{2,6}?(?:社|报|网|台))"
    r"[\u4e00-\u9fff]{1,10}?\d{1,2}月\d{1,2}日(?:电|讯))"
    rf"(?:\s*{PARENTHESISED_BYLINE})?(?:\s|{COLON})*(?P<rest>.*)",
    re.S,
)
SOURCE = re.compile(
    r"(?P<source>本报讯|据[\u4e00-\u9fff]{1,8}?(?:社|报|网|台|新闻|客户端)(?:电|报道|消息)"
    r"|[\u4e00-\u9fff]{1,6}?(?:社|网)电)"
    rf"(?:\s*{PARENTHESISED_BYLINE}|(?=\s|{COLON}|\d|$))(?:\s|{COLON})*(?P<rest>.*)",
    re.S,
)
# Shorter paragraphs may well repeat (a dateline, a slogan); longer ones repeated are damage.
MIN_DUPLICATE_LENGTH = 15
HEADLINE_MAX_LENGTH = 200
PAGE_NAME_MAX_LENGTH = 40


class ExportError(ValueError):
    """The export cannot be imported; ``line`` is where, when there is a line to point to."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Paragraph:
    text: str
    line: int
    last_line: int = 0  # the last source line, once continuations are joined

    def __post_init__(self):
        self.last_line = self.last_line or self.line


@dataclass
class Heading:
    """A section heading inside an article (## 一、总体要求)."""

    text: str
    line: int


@dataclass
class Repair:
    """A change made to the export's text: paragraphs joined, or a duplicate dropped."""

    action: str  # 合并 or 删除
    lines: tuple
    detail: str

    def __str__(self):
        where = "+".join(f"第{line}行" for line in self.lines)
        return f"{where} {self.action}:{self.detail}"


@dataclass
class ParsedPage:
    code: str
    name: str = ""
    line: int | None = None


@dataclass
class ParsedArticle:
    headline: str
    line: int
    page: str
    body: list = field(default_factory=list)  # Paragraph and Heading
    source: str = ""
    dateline: str = ""
    byline: str = ""
    repairs: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def paragraphs(self):
        return [item for item in self.body if isinstance(item, Paragraph)]

    def body_text(self):
        """The body as the Article model keeps it: a paragraph a line, ``## `` for headings."""
        return "\n\n".join(
            f"## {item.text}" if isinstance(item, Heading) else item.text for item in self.body
        )


@dataclass
class ParsedNotice:
    kind: str  # lost, wedding or other, as Notice.Kind
    text: str
    line: int
    page: str
    items: list = field(default_factory=list)  # classifieds.LostItem
    wedding: classifieds.Wedding | None = None
    problems: list = field(default_factory=list)


@dataclass
class ParsedExport:
    pages: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    rate_cards: list = field(default_factory=list)  # (line, classifieds.RateCard)
    repairs: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # what belongs to no article or notice


@dataclass
class _Section:
    headline: str
    line: int
    page: str
    body: list = field(default_factory=list)

    @property
    def is_notices(self):
        if self.headline in NOTICE_HEADLINES:
            return True
        paragraphs = [item.text for item in self.body if isinstance(item, Paragraph)]
        return bool(paragraphs) and all(map(_looks_like_notice, paragraphs))


def _looks_like_notice(text):
    return (
        classifieds.looks_like_wedding(text)
        or text.startswith("公告栏")
        or bool(classifieds.DECLARATION_END.search(text))
    )


def ends_sentence(text):
    """Whether a paragraph ends where a sentence ends; if not, the export broke it."""
    text = text.rstrip()
    if not text or text[-1] in SENTENCE_END or text[-1] in CLOSING_BRACKETS:
        return True
    core = text.rstrip(CLOSING_QUOTES)
    return core != text and (not core or core[-1] in SENTENCE_END)


def _joined(first, second):
    space = " " if first[-1:].isascii() and first[-1:].isalnum() and second[:1].isalnum() else ""
    return first + space + second


def _snippet(text, length=8, end=False):
    if len(text) <= length:
        return text
    return "…" + text[-length:] if end else text[:length] + "…"


def read_export(path):
    """The text of the export file at ``path``; ExportError when it is missing or not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ExportError("文件不存在") from None
    except IsADirectoryError:
        raise ExportError("这是一个目录,不是文件") from None
    except OSError as error:
        raise ExportError(f"无法读取文件:{error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExportError("文件不是 UTF-8 编码,请另存为 UTF-8 后再导入", line) from None


# --- From lines to sections --------------------------------------------------------------------


def _page_marker(text, line):
    match = PAGE_MARKER.fullmatch(text)
    if not match:
        raise ExportError(f"版面标记“{text}”缺少版号,应写作 === A01 要闻 ===", line)
    code, name = match["code"], (match["name"] or "").strip()
    if not PAGE_CODE.fullmatch(code):
        raise ExportError(f"版面标记中的版号“{code}”无效,应为一个大写字母加两位数字,例如 A01", line)
    if len(name) > PAGE_NAME_MAX_LENGTH:
        raise ExportError(f"版名超过{PAGE_NAME_MAX_LENGTH}字", line)
    return code, name


def _sections(lines, default_page):
    pages = {}  # code → ParsedPage, in order of appearance
    current = default_page.code
    sections = []
    for number, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if CONTROL.search(line):
            raise ExportError("这一行含有控制字符(文件可能已损坏)", number)
        text = line.strip()
        if not text:
            continue
        if text.startswith("==="):
            code, name = _page_marker(text, number)
            page = pages.setdefault(code, ParsedPage(code, name, number))
            if name and page.name and name != page.name:
                where = f"在第{page.line}行" if page.line else "在 --page 选项中"
                raise ExportError(
                    f"版面 {code} {where}名为“{page.name}”,这里又名为“{name}”", number
                )
            page.name = page.name or name
            current = code
            continue
        headline = HEADLINE.fullmatch(text)
        if headline:
            level, title = len(headline["level"]), (headline["text"] or "").strip()
            if level > 2:
                raise ExportError("只认得 # 和 ## 两级标题", number)
            if not title:
                raise ExportError("标题是空的", number)
            if len(title) > HEADLINE_MAX_LENGTH:
                raise ExportError(f"标题超过{HEADLINE_MAX_LENGTH}字", number)
            in_article = sections and not sections[-1].is_notices
            if level == 2 and in_article and NUMBERED_SECTION.match(title):
                sections[-1].body.append(Heading(title, number))
                continue
            if current == default_page.code and current not in pages:
                pages[current] = default_page
            sections.append(_Section(title, number, current))
            continue
        if not sections:
            raise ExportError(f"正文出现在第一个标题之前:“{_snippet(text, 20)}”", number)
        sections[-1].body.append(Paragraph(text, number))
    if not sections:
        raise ExportError("文件中没有标题(# 或 ## 开头的行),没有可以导入的内容")
    return list(pages.values()), sections


# --- Articles ----------------------------------------------------------------------------------


def _index(body, item):
    return next(i for i, other in enumerate(body) if other is item)


def _remove(body, item):
    del body[_index(body, item)]


def _take_datelines(article):
    """A paragraph that is only a dateline (新华社北京10月21日电) goes to the dateline field."""
    for item in article.paragraphs:
        match = DATELINE.fullmatch(item.text)
        if match and not match["rest"] and not article.dateline:
            article.dateline = match["dateline"]
            article.byline = article.byline or (match["byline"] or "").strip()
            if match["agency"] != "本报":
                article.source = article.source or match["agency"]
            _remove(article.body, item)


def _continues(article, item):
    """Whether ``item`` continues a sentence the paragraph before it left unfinished."""
    index = _index(article.body, item)
    before = article.body[index - 1] if index else None
    return isinstance(before, Paragraph) and not ends_sentence(before.text)


def _drop_duplicates(articles, repairs):
    """A paragraph printed twice is kept where it completes a sentence and dropped elsewhere."""
    places = {}
    for article in articles:
        for item in article.paragraphs:
            key = re.sub(r"\s+", "", item.text)
            if len(key) >= MIN_DUPLICATE_LENGTH:
                places.setdefault(key, []).append((article, item))
    for copies in places.values():
        if len(copies) < 2:
            continue
        completing = [(article, item) for article, item in copies if _continues(article, item)]
        kept = completing or copies[:1]
        kept_items = [item for _, item in kept]
        for article, item in copies:
            if any(item is other for other in kept_items):
                continue
            keeper_article, keeper = kept[0]
            if len(completing) == 1:
                before = keeper_article.body[_index(keeper_article.body, keeper) - 1]
                reason = (
                    f"与第{keeper.line}行重复,在此处打断上下文;"
                    f"第{keeper.line}行的同一段接续第{before.last_line}行的句子,保留在那里"
                )
            else:
                reason = f"与第{keeper.line}行重复,保留第{keeper.line}行"
                for flagged in {id(article): article, id(keeper_article): keeper_article}.values():
                    flagged.problems.append(
                        f"第{keeper.line}行与第{item.line}行内容相同,无法判断哪一处错位,"
                        f"已删除第{item.line}行,请核对"
                    )
            repair = Repair("删除", (item.line,), f"重复段落“{_snippet(item.text, 12)}”{reason}")
            _remove(article.body, item)
            article.repairs.append(repair)
            repairs.append(repair)


def _take_closing_byline(article):
    """A name in parentheses closing the article, (孙文琦), is its byline."""
    if article.body and isinstance(article.body[-1], Paragraph):
        match = BYLINE.fullmatch(article.body[-1].text)
        if match:
            article.byline = " ".join(filter(None, [article.byline, match["name"].strip()]))
            article.body.pop()


def _join_broken_paragraphs(article, repairs):
    """A paragraph that stops mid-sentence is joined to the paragraph that continues it."""
    body = []
    for item in article.body:
        before = body[-1] if body else None
        if (
            isinstance(item, Paragraph)
            and isinstance(before, Paragraph)
            and not ends_sentence(before.text)
        ):
            repair = Repair(
                "合并",
                (before.last_line, item.line),
                f"“{_snippet(before.text, end=True)}”接“{_snippet(item.text)}”",
            )
            article.repairs.append(repair)
            repairs.append(repair)
            body[-1] = Paragraph(_joined(before.text, item.text), before.line, item.last_line)
        else:
            body.append(item)
    article.body = body


def _take_source(article):
    """本报讯, 据新华社电 or a dateline opening the first paragraph go to their fields."""
    paragraphs = [item for item in article.paragraphs if not DATE_LINE.fullmatch(item.text)]
    if not paragraphs:
        return
    first = paragraphs[0]
    dateline = None if article.dateline else DATELINE.fullmatch(first.text)
    source = None if article.source else SOURCE.fullmatch(first.text)
    if dateline:
        article.dateline = dateline["dateline"]
        article.source = article.source or (
            "本报讯" if dateline["agency"] == "本报" else dateline["agency"]
        )
        byline, rest = dateline["byline"], dateline["rest"]
    elif source:
        article.source = source["source"]
        byline, rest = source["byline"], source["rest"]
    else:
        return
    if byline:
        article.byline = " ".join(filter(None, [byline.strip(), article.byline]))
    if rest.strip():
        first.text = rest.strip()
    else:
        _remove(article.body, first)


def _check_sentences(article):
    for index, item in enumerate(article.body):
        if isinstance(item, Paragraph) and not ends_sentence(item.text):
            after = "其后是小标题" if index + 1 < len(article.body) else "文章到此结束"
            article.problems.append(
                f"第{item.last_line}行:段落在句子中间结束(“{_snippet(item.text, end=True)}”),"
                f"{after},未能接续"
            )
    if not article.paragraphs:
        article.problems.append(f"第{article.line}行:标题下没有正文")


def _articles(sections, repairs):
    articles = [
        ParsedArticle(headline=s.headline, line=s.line, page=s.page, body=list(s.body))
        for s in sections
    ]
    for article in articles:
        _take_datelines(article)
    _drop_duplicates(articles, repairs)
    for article in articles:
        _take_closing_byline(article)
        _join_broken_paragraphs(article, repairs)
        _take_source(article)
        _check_sentences(article)
    return articles


# --- Notices -----------------------------------------------------------------------------------


def _unfinished_declaration(text):
    return (
        not classifieds.looks_like_wedding(text)
        and classifieds.DECLARATION_WORDS.search(text)
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
            and not classifieds.looks_like_wedding(text)
            and not text.startswith("公告栏")
        ):
            repairs.append(
                Repair(
                    "合并",
                    (before.last_line, item.line),
                    f"“{_snippet(before.text, end=True)}”接“{_snippet(text)}”",
                )
            )
            paragraphs[-1] = Paragraph(_joined(before.text, text), before.line, item.line)
        else:
            paragraphs.append(Paragraph(text, item.line))
    return paragraphs


def _notices(section, export):
    for paragraph in _notice_paragraphs(section, export.repairs):
        text, line, page = paragraph.text, paragraph.line, section.page
        if classifieds.looks_like_wedding(text):
            wedding, problems = classifieds.parse_wedding(text)
            export.notices.append(ParsedNotice("wedding", text, line, page, [], wedding, problems))
            continue
        card, text = classifieds.split_rate_card(text)
        if card:
            export.rate_cards.append((line, card))
        if not text:
            continue
        if classifieds.DECLARATION_WORDS.search(text):
            for chunk in classifieds.split_declarations(text):
                declaration = classifieds.parse_declaration(chunk)
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


# --- The whole export --------------------------------------------------------------------------


def parse_export(text, page="A01", page_name=""):
    """The pages, articles and notices of a page export, with the repairs made and the problems.

    ``page`` is the page of whatever comes before the first page marker. Raises ExportError for a
    line that cannot be read at all.
    """
    pages, sections = _sections(text.split("\n"), ParsedPage(page, page_name))
    export = ParsedExport(pages=pages)
    export.articles = _articles([s for s in sections if not s.is_notices], export.repairs)
    for section in sections:
        if section.is_notices:
            _notices(section, export)
    export.repairs.sort(key=lambda repair: repair.lines)
    return export
