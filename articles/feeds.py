"""Atom feeds of the newest articles, for the whole paper and for each page name (版名)."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode

from paper.models import Page
from paper.text import xml_safe

from .models import Article

FEED_LENGTH = 50


class ArticleAtomFeed(Atom1Feed):
    """Atom with each entry's full text as ``<content type="html">`` beside its lead."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = ArticleAtomFeed

    def title(self):
        return f"{settings.PAPER_NAME} · 最新文章"

    def subtitle(self):
        return f"{settings.PAPER_NAME}数字档案最新刊登的{FEED_LENGTH}篇文章"

    def link(self):
        return reverse("articles:article-list")

    def author_name(self):
        return settings.PAPER_NAME

    def items(self):
        return Article.objects.published().for_list()[:FEED_LENGTH]

    # Atom titles are plain text (the XML writer escapes them); summaries and content are
    # HTML, so what editors typed is escaped before it goes in.
    def item_title(self, article):
        return xml_safe(article.headline)

    def item_description(self, article):
        return escape(xml_safe(article.lead()))

    def item_extra_kwargs(self, article):
        content = render_to_string("articles/article_feed_content.html", {"article": article})
        return {"content": xml_safe(content)}

    def item_pubdate(self, article):
        # The paper comes out in the morning of its date, in the paper's time zone.
        return timezone.make_aware(datetime.datetime.combine(article.pub_date, datetime.time()))

    def item_updateddate(self, article):
        return article.updated

    def item_author_name(self, article):
        return xml_safe(article.byline or article.source or settings.PAPER_NAME)

    def item_categories(self, article):
        return [xml_safe(name) for name in (article.page.name, article.column) if name]


class PageNameArticlesFeed(LatestArticlesFeed):
    """The newest articles on pages of one name, such as 要闻: ``/feeds/articles/要闻/``."""

    def get_object(self, request, page_name):
        if not Page.objects.published().filter(name=page_name).exists():
            raise Http404("没有这个版名")
        return page_name

    def title(self, page_name):
        return f"{settings.PAPER_NAME} · {xml_safe(page_name)}"

    def subtitle(self, page_name):
        return f"{settings.PAPER_NAME}“{xml_safe(page_name)}”版最新刊登的{FEED_LENGTH}篇文章"

    def link(self, page_name):
        return f"{reverse('articles:article-list')}?{urlencode({'page_name': page_name})}"

    def items(self, page_name):
        return Article.objects.published().for_list().filter(page__name=page_name)[:FEED_LENGTH]
