"""The articles' part of an import (paper.importing): reading them, writing them, reporting them.

Replacing an issue updates its articles in place, matched by headline, so that links to them keep
working.
"""

from collections import Counter

from django.urls import reverse

from paper.importing.parts import ImportPart
from paper.importing.writing import at_line, review_note, status_for

from .models import Article
from .parsing import read_articles


class ArticlePart(ImportPart):
    """Every section that no other part claims is an article; ``## 一、…`` are its headings."""

    numbered_headings = True
    takes_the_rest = True

    def read(self, sections, export):
        export.articles = read_articles(sections, export.repairs)

    def write(self, issue, pages, export, result, *, publish):
        result.articles = write_articles(issue, pages, export.articles, publish)

    def report(self, export, result):
        return [
            f"文章 {len(result.articles)} 篇:",
            *(_article_line(parsed, article) for parsed, article in result.articles),
        ]

    def review(self, export, result):
        return [
            f"  《{article.headline}》(第{parsed.line}行):{problem}"
            for parsed, article in result.articles
            for problem in parsed.problems
        ]

    def review_url(self, result):
        if any(article.needs_review for _, article in result.articles):
            return reverse("admin:articles_article_changelist")
        return None


def write_articles(issue, pages, parsed_articles, publish):
    """The issue's articles as read, each (ParsedArticle, Article); the ones left over deleted."""
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
        article.review_note = review_note(parsed.problems, parsed.repairs)
        article.status = status_for(publish, article.needs_review)
        with at_line(parsed.line):
            article.save()
        written.append((parsed, article))
    for leftovers in old.values():
        for article in leftovers:
            article.delete()
    return written


def _article_line(parsed, article):
    facts = [
        f"{label} {value}"
        for label, value in (
            ("来源", article.source),
            ("电头", article.dateline),
            ("作者", article.byline),
        )
        if value
    ]
    facts.append(f"正文 {len(parsed.paragraphs)} 段")
    flag = " [待核对]" if article.needs_review else ""
    return f"  第{parsed.line}行 {article.page.code} 《{article.headline}》 {','.join(facts)}{flag}"
