"""The articles' part of an import (paper.importing): reading them, writing them, reporting them.

Replacing an issue updates its articles in place, matched by headline, so that links to them keep
working.
"""

from collections import Counter

from django.urls import reverse

from paper.importing.parsing import snippet
from paper.importing.parts import ImportPart
from paper.importing.writing import at_line, fit_to_fields, review_note, status_for

from .models import Article, ArticleZone
from .parsing import read_articles

# The longest a recognised headline may be kept; longer, it is cut and the editor told.
HEADLINE_LENGTH = Article._meta.get_field("headline").max_length


class ArticlePart(ImportPart):
    """Every section that no other part claims is an article; ``## 一、…`` are its headings."""

    numbered_headings = True
    takes_the_rest = True

    def read(self, sections, export):
        export.articles = read_articles(sections, export.repairs)

    def write(self, issue, pages, export, result, *, publish):
        result.articles = write_articles(issue, pages, export.articles, publish)

    def write_recognised(self, page, export, result):
        write_recognised_articles(page, export.articles, result)

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


def write_recognised_articles(page, parsed_articles, result):
    """The articles read off ``page``'s scan, as drafts 待核对 on it (see paper.ocr.drafts).

    An earlier reading's articles that nobody has touched are replaced; an article already on
    the page (entered, reviewed or published) with the same headline is kept and not written
    again.
    """
    result.replaced += (
        result.earlier_drafts(Article.objects).delete()[1].get(Article._meta.label, 0)
    )
    kept = result.kept(Article.objects)
    order = max((article.order for article in kept), default=0)
    for parsed in parsed_articles:
        reading = result.article_reading(parsed.line)
        story = result.story(parsed.line)
        headline, problems = _recognised_headline(parsed, story)
        same = result.same(kept, reading, headline, lambda article: article.headline)
        if same is not None:
            result.record(same, reading, created=False)
            continue
        order += 1
        captions = [f"图片说明(未放入正文):{text}" for text in (story.captions if story else [])]
        bylines = [story.byline] if story and story.byline else []
        source, body = parsed.source, parsed.body_text()
        if not source and story and story.source and body.startswith(story.source):
            # Read off a scan, 据新华社电 runs into the text: the engine gives no space.
            source, body = story.source, body.removeprefix(story.source).lstrip(" :\uff1a")
        article = Article(
            issue=page.issue,
            page=page,
            order=order,
            kicker=story.kicker if story else "",
            headline=headline,
            subheadline=story.subheadline if story else "",
            source=source,
            dateline=parsed.dateline,
            byline=" ".join(filter(None, [*bylines, parsed.byline])),
            body=body,
            **reading.fields([*problems, *parsed.problems], parsed.repairs, captions),
        )
        fit_to_fields(article, ("kicker", "subheadline", "source", "dateline", "byline"))
        article.save()
        ArticleZone.objects.bulk_create(
            ArticleZone(article=article, **zone) for zone in reading.zones
        )
        result.record(article, reading)


def _recognised_headline(parsed, story):
    """The headline of a recognised article, and what the editor must know of it."""
    headline = parsed.headline.strip()
    if not headline:
        opening = parsed.paragraphs[0].text if parsed.paragraphs else ""
        return (
            f"(无标题){snippet(opening, 20)}",
            ["版面上没有找到这篇文章的标题(也可能是从别的版面转来的文字),标题暂取正文开头"],
        )
    if len(headline) > HEADLINE_LENGTH:
        return headline[:HEADLINE_LENGTH], [f"识别出的标题超过{HEADLINE_LENGTH}字,已截断"]
    return headline, []


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
