"""The lines of the headline and notice lists, made in Python.

An issue or the home page lists a hundred headlines and notices; as a template loop with an
include per line, the template language's variable lookups were most of the page's time (the way
the admin builds its change list rows with ``items_for_result``, not a template per cell).
The markup is the one the includes had; the tests read it as a reader would.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from paper.text import chinese_date

register = template.Library()

RECOGNISED_MARK = mark_safe(
    '<span class="recognised-mark" title="电脑从扫描图识别的文字,可能有误">识别文本</span>'
)
NOTICE_SNIPPET_LENGTH = 60


def recognised_mark(item):
    """识别文本 after an item whose text was read off a scan."""
    return RECOGNISED_MARK if item.is_recognised_text else ""


@register.simple_tag
def headline_list(articles):
    """A page's headline list, or 本版没有文章 (a page card, a page's own page)."""
    if not articles:
        return mark_safe('<p class="empty">本版没有文章。</p>')
    return format_html('<ul class="headline-list">\n{}\n</ul>', headline_items(articles))


@register.simple_tag
def notice_list(notices, show_date=False):
    """A list of notices (a page, the home page, the notice list); nothing when there are none."""
    if not notices:
        return ""
    return format_html('<ul class="notice-list">\n{}\n</ul>', notice_items(notices, show_date))


def headline_items(articles):
    """The ``<li>`` of each article in a headline list: kicker, headline, marks, source."""
    return format_html_join(
        "\n",
        '<li>{}<a href="{}">{}</a>{}{}</li>',
        (
            (
                format_html('<span class="headline-kicker">{}</span> ', article.kicker)
                if article.kicker
                else "",
                article.get_absolute_url(),
                article.headline,
                format_html(" {}", RECOGNISED_MARK) if article.is_recognised_text else "",
                format_html(' <span class="headline-source">{}</span>', article.source)
                if article.source
                else "",
            )
            for article in articles
        ),
    )


@register.simple_tag
def article_items(articles):
    """The ``<li>`` of each article in the article list: headline, where it ran, source, byline."""
    return format_html_join(
        "\n",
        '<li class="article-item"><h2 class="article-item-title"><a href="{}">{}</a>{}</h2>'
        '<p class="article-item-meta"><a href="{}">{}</a> · <a href="{}">{} {}</a>{}{}</p></li>',
        (
            (
                article.get_absolute_url(),
                article.headline,
                recognised_mark(article),
                article.issue.get_absolute_url(),
                chinese_date(article.pub_date),
                article.page.get_absolute_url(),
                article.page.code,
                article.page.name,
                format_html(" · {}", article.source) if article.source else "",
                format_html(" · {}", article.byline) if article.byline else "",
            )
            for article in articles
        ),
    )


def notice_items(notices, show_date=False):
    """The ``<li>`` of each notice in a notice list: its title line, the start of its wording,
    and where it ran when the list spans issues."""
    return format_html_join(
        "\n",
        '<li class="notice-item"><a class="notice-item-link" href="{}">'
        '<span class="notice-title">{}{}</span>'
        '<span class="notice-snippet">{}</span></a>{}</li>',
        (
            (
                notice.get_absolute_url(),
                notice.list_title(),
                recognised_mark(notice),
                Truncator(notice.public_text()).chars(NOTICE_SNIPPET_LENGTH),
                format_html(
                    ' <span class="notice-date">{} {}版</span>',
                    chinese_date(notice.pub_date),
                    notice.page.code,
                )
                if show_date
                else "",
            )
            for notice in notices
        ),
    )


@register.simple_tag
def search_result_items(results):
    """The ``<li>`` of each search result (paper.views.search): what it is, where it ran, its
    title line and the snippet with the matches marked."""
    return format_html_join(
        "\n",
        '<li class="search-result"><p class="search-result-meta">'
        '<span class="notice-kind">{}</span> <a href="{}">{}</a>'
        ' · <a href="{}">{} {}</a>{}</p>'
        '<h2 class="search-result-title"><a href="{}">{}</a>{}</h2>'
        '<p class="search-snippet">{}</p></li>',
        (
            (
                "文章" if result["kind"] == "articles" else document.get_kind_display(),
                document.issue.get_absolute_url(),
                chinese_date(document.pub_date),
                document.page.get_absolute_url(),
                document.page.code,
                document.page.name,
                format_html(" · 公告编号 {}", document.reference)
                if result["kind"] == "notices"
                else "",
                document.get_absolute_url(),
                result["title"],
                recognised_mark(document),
                result["snippet"],
            )
            for result in results
            for document in [result["document"]]
        ),
    )


@register.simple_tag
def page_cards(pages):
    """The ``<li>`` of each page of an issue (an issue's page and the home page): its thumbnail,
    code and name, the headlines and the notices printed on it.

    The pages come from ``paper.views.pages_with_contents``.
    """
    return format_html_join("\n", "{}", ((page_card(page),) for page in pages))


def page_card(page):
    url = page.get_absolute_url()
    thumbnail = ""
    if page.has_public_image:
        thumbnail = format_html(
            '<a class="page-thumbnail" href="{}" tabindex="-1" aria-hidden="true">'
            '<img src="{}" width="300" height="{}" alt="" loading="lazy"></a>',
            url,
            page.thumbnail.url,
            page.thumbnail_height,
        )
    articles, notices = page.published_articles, page.published_notices
    return format_html(
        '<li class="page-card{}">{}<div class="page-card-body">'
        '<h3 class="page-card-title"><a href="{}"><span class="page-code">{}</span> {}</a></h3>'
        "{}{}</div></li>",
        " has-thumbnail" if page.has_public_image else "",
        thumbnail,
        url,
        page.code,
        page.name,
        headline_list(articles) if articles or not notices else "",
        notice_list(notices),
    )
