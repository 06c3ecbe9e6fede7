"""Reading the articles of a page export: headline, source, dateline, byline and body, repaired.

Pure functions over the sections that ``paper.importing.parsing`` reads from the export: no
database. A paragraph the export broke is joined again, one printed twice is dropped where it
breaks the text, and what cannot be repaired is a problem for an editor, with its line.
"""

import re
from dataclasses import dataclass, field

from paper.importing.parsing import (
    CLAUSE_PUNCTUATION,
    CLOSING,
    COLON,
    OPENING,
    PARENTHESES,
    Heading,
    Paragraph,
    Repair,
    ends_sentence,
    joined,
    snippet,
)

DATE_LINE = re.compile(rf"{OPENING}\d{{4}}年\d{{1,2}}月\d{{1,2}}日{CLOSING}")
BYLINE = re.compile(
    rf"{OPENING}\s*(?P<name>[^{PARENTHESES}\d{CLAUSE_PUNCTUATION}]{{2,30}}?)\s*{CLOSING}"
)
CLOSING_BYLINE = re.compile(rf"(?P<text>.*[。!?\uff01\uff1f”])\s*{BYLINE.pattern}", re.S)
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
            repair = Repair("删除", (item.line,), f"重复段落“{snippet(item.text, 12)}”{reason}")
            _remove(article.body, item)
            article.repairs.append(repair)
            repairs.append(repair)


def _take_closing_byline(article):
    """A name in parentheses closing the article, (孙文琦), is its byline.

    It may be a paragraph of its own or close the last sentence: …胜利闭幕。(孙文琦).
    """
    if not article.body or not isinstance(article.body[-1], Paragraph):
        return
    last = article.body[-1]
    match = BYLINE.fullmatch(last.text) or CLOSING_BYLINE.fullmatch(last.text)
    if match:
        article.byline = " ".join(filter(None, [article.byline, match["name"].strip()]))
        if match.re is BYLINE:
            article.body.pop()
        else:
            last.text = match["text"]


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
                f"“{snippet(before.text, end=True)}”接“{snippet(item.text)}”",
            )
            article.repairs.append(repair)
            repairs.append(repair)
            body[-1] = Paragraph(joined(before.text, item.text), before.line, item.last_line)
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
                f"第{item.last_line}行:段落在句子中间结束(“{snippet(item.text, end=True)}”),"
                f"{after},未能接续"
            )
    if not article.paragraphs:
        article.problems.append(f"第{article.line}行:标题下没有正文")


def read_articles(sections, repairs):
    """The articles of ``sections``, repaired; ``repairs`` gets each repair made."""
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
