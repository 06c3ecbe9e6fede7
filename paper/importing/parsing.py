"""Reading a day's page export: from text lines to pages and sections, each read by its part.

Pure functions, no database. Every result carries the line numbers it came from, so that the report
and the error messages can send an editor to the right line of the file. What a section holds is
read by the part that claims it (paper.importing.parts): articles by ``articles.parsing``,
notices, weddings and the rate card by ``notices.parsing``.

The export is plain text: ``# `` and ``## `` lines are headlines, a ``## `` line numbered 一、…九、
is a section heading inside its article, other lines are paragraphs. A line such as
``=== A03 公告 ===`` says that what follows is on page A03, named 公告; without such lines
everything is on the page given to the import.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from .parts import part_for, registered_parts

# Exports mix half-width and full-width punctuation (, and \uff0c); patterns accept both.
COMMA = "[,\uff0c]"
COLONS = ":\uff1a"
COLON = f"[{COLONS}]"
SEMICOLON = "[;\uff1b]"
OPENING = "[(\uff08]"
CLOSING = "[)\uff09]"
PARENTHESES = "()\uff08\uff09"
CLAUSE_PUNCTUATION = ",\uff0c。;\uff1b:\uff1a"

# Control characters other than the tab: never in a page export, and PostgreSQL refuses NUL.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
HEADLINE = re.compile(r"(?P<level>#+)(?:\s+(?P<text>.*))?")
PAGE_MARKER = re.compile(r"={3,}\s*(?P<code>[^\s=]+?)版?(?:\s+(?P<name>[^=]*?))?\s*=*")
PAGE_CODE = re.compile(r"[A-Z][0-9]{2}")
NUMBERED_SECTION = re.compile(
    rf"(?:[一二三四五六七八九十百]+、|{OPENING}[一二三四五六七八九十百]+{CLOSING}|\d{{1,2}}、)"
)
# How a paragraph may end when its sentence is complete; a closing quote needs one of these
# before it, a closing bracket does not (captions and asides end with one).
SENTENCE_END = "。!?\uff01\uff1f…;\uff1b:\uff1a"
CLOSING_QUOTES = "”’\"'」』》"
CLOSING_BRACKETS = ")\uff09】]"
HEADLINE_MAX_LENGTH = 200
LINE_MAX_LENGTH = 50_000
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
    page: str = ""  # the page it is printed on, when a page marker came after its headline

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
class Section:
    """A headline and the paragraphs and headings under it, on one page of the export."""

    headline: str
    line: int
    page: str
    body: list = field(default_factory=list)  # Paragraph and Heading
    part: object = None  # the part it was split off for (see split_sections), if any

    @property
    def paragraphs(self):
        return [item for item in self.body if isinstance(item, Paragraph)]


@dataclass
class ParsedExport:
    """The export read: its pages, and what each registered part read (see parts.ImportPart).

    The parts set their own attributes: ``articles``; ``notices`` and ``rate_cards``.
    """

    pages: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # what belongs to no article or notice


def ends_sentence(text):
    """Whether a paragraph ends where a sentence ends; if not, the export broke it."""
    text = text.rstrip()
    if not text or text[-1] in SENTENCE_END or text[-1] in CLOSING_BRACKETS:
        return True
    core = text.rstrip(CLOSING_QUOTES)
    return core != text and (not core or core[-1] in SENTENCE_END)


def joined(first, second):
    """Two pieces of a paragraph the export broke apart, joined again."""
    space = " " if first[-1:].isascii() and first[-1:].isalnum() and second[:1].isalnum() else ""
    return first + space + second


def snippet(text, length=8, end=False):
    """The start (or the ``end``) of ``text``, to name a paragraph in a repair or a problem."""
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


def _sections(lines, default_page, parts):
    pages = {}  # code → ParsedPage, in order of appearance
    current = default_page.code
    sections = []
    for number, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if CONTROL.search(line):
            raise ExportError("这一行含有控制字符(文件可能已损坏)", number)
        if len(line) > LINE_MAX_LENGTH:
            raise ExportError(
                f"这一行有{len(line)}字,超过{LINE_MAX_LENGTH}字(一整版也不过如此),文件可能已损坏",
                number,
            )
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
            if level == 2 and sections and NUMBERED_SECTION.match(title):
                owner = part_for(sections[-1], parts)
                if owner and owner.numbered_headings:
                    sections[-1].body.append(Heading(title, number))
                    continue
            if current == default_page.code and current not in pages:
                pages[current] = default_page
            sections.append(Section(title, number, current))
            continue
        if not sections:
            raise ExportError(f"正文出现在第一个标题之前:“{snippet(text, 20)}”", number)
        sections[-1].body.append(Paragraph(text, number, page=current))
    if not sections:
        raise ExportError("文件中没有标题(# 或 ## 开头的行),没有可以导入的内容")
    return list(pages.values()), sections


def split_sections(sections, parts, repairs):
    """Sections with another part's content at their end cut in two, each part getting its own.

    A notices block printed after an article's last paragraph, with no headline of its own (or
    run into that paragraph), belongs to the notices, not to the article's body.
    """
    result = []
    for section in sections:
        owner = part_for(section, parts)
        starts = [
            (start, part)
            for part in parts
            if part is not owner and (start := part.starts_in(section)) is not None
        ]
        if not starts:
            result.append(section)
            continue
        (index, offset), part = min(starts, key=lambda found: found[0])
        paragraph = section.body[index]
        head = section.body[:index]
        if paragraph.text[:offset].strip():
            head.append(
                Paragraph(paragraph.text[:offset].rstrip(), paragraph.line, page=paragraph.page)
            )
        tail = [
            Paragraph(paragraph.text[offset:].lstrip(), paragraph.line, page=paragraph.page),
            *section.body[index + 1 :],
        ]
        if not head:
            result.append(Section(section.headline, section.line, section.page, tail, part))
            continue
        section.body = head
        result.append(section)
        result.append(Section("", paragraph.line, paragraph.page or section.page, tail, part))
        repairs.append(
            Repair(
                "分出",
                (paragraph.line,),
                f"“{snippet(tail[0].text)}”起不属于《{section.headline}》,另行识别",
            )
        )
    return result


# --- The whole export --------------------------------------------------------------------------


def parse_export(text, page="A01", page_name=""):
    """The pages of a page export and what the registered parts read in it, with the repairs.

    ``page`` is the page of whatever comes before the first page marker. Raises ExportError for a
    line that cannot be read at all.
    """
    parts = registered_parts()
    pages, sections = _sections(text.split("\n"), ParsedPage(page, page_name), parts)
    return read_sections(pages, sections, parts)


def read_sections(pages, sections, parts=None):
    """A ParsedExport of ``sections`` on ``pages``: each section read by the part it belongs to.

    What ``parse_export`` does once the text is cut into sections; the OCR's layout
    (paper.ocr.layout) makes its sections from recognised lines and reads them here too.
    """
    parts = registered_parts() if parts is None else parts
    export = ParsedExport(pages=list(pages))
    sections = split_sections(sections, parts, export.repairs)
    claimed = [(section, part_for(section, parts)) for section in sections]
    for part in parts:
        part.read([section for section, owner in claimed if owner is part], export)
    export.repairs.sort(key=lambda repair: repair.lines)
    return export
