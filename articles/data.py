"""An article as data: the JSON of ``/articles/<id>.json`` and the schema.org data of its page."""

import re

from paper.data import (
    datetime_data,
    issue_data,
    page_data,
    printed_in,
    publisher,
    recognition_data,
)

# 据新华社电 → 新华社, 本报讯 → 本报: the agency or paper a source line names.
SOURCE_WORDING = re.compile(r"^据|[电讯]$")


def article_data(article, request, *, with_body=True):
    """Every field a reader sees, for machines; lists leave the body out."""
    data = {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "date": article.pub_date.isoformat(),
        "issue": issue_data(article.issue, request),
        "page": page_data(article.page, request),
        "order": article.order,
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "source": article.source,
        "byline": article.byline,
        "authors": article.authors(),
        "dateline": article.dateline,
        "column": article.column,
        "lead": article.lead(),
        "updated": datetime_data(article.updated),
        **recognition_data(article),
    }
    if with_body:
        data["body"] = [
            {"type": "heading" if is_heading else "paragraph", "text": text}
            for is_heading, text in article.paragraphs()
        ]
    return data


def news_article(article, url):
    """The article as a schema.org NewsArticle, for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline,
        "datePublished": article.pub_date.isoformat(),
        "dateModified": datetime_data(article.updated),
        "author": authors(article),
        "publisher": publisher(),
        "inLanguage": "zh-CN",
        **printed_in(article.issue, article.page),
    }
    optional = {
        "alternativeHeadline": article.subheadline,
        "description": article.lead(),
        "articleSection": article.page.name,
        "keywords": article.column,
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def authors(article):
    """The people of the byline, else the agency of the source line, else the paper."""
    if names := article.authors():
        return [{"@type": "Person", "name": name} for name in names]
    agency = SOURCE_WORDING.sub("", article.source)
    if not agency or agency == "本报":
        return [publisher()]
    return [{"@type": "Organization", "name": agency}]
