"""Sitemap sections for the edition: every published issue and page.

The sections are listed by ``/sitemap.xml``, a sitemap index; each section is cut into
files of ``limit`` URLs (``/sitemap-pages.xml?p=2``), so that thirty years of a daily stay
within what crawlers accept. Items are in id order: a URL stays in the same file as the
archive grows, and new ones are added to the last file.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Issue, Page

# URLs per sitemap file. The protocol allows 50,000; smaller files are quicker to build
# on request (bench/sitemap.py measures them).
SITEMAP_LIMIT = 10_000


class IssueSitemap(Sitemap):
    limit = SITEMAP_LIMIT

    def items(self):
        return Issue.objects.published().order_by("pk")

    def lastmod(self, issue):
        return issue.updated

    def get_latest_lastmod(self):
        # Django's default reads every item; one aggregate answers the same question.
        return self.items().aggregate(latest=Max("updated"))["latest"]


class PageSitemap(Sitemap):
    limit = SITEMAP_LIMIT

    def items(self):
        return Page.objects.published().select_related("issue").order_by("pk")

    def lastmod(self, page):
        return page.issue.updated

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("issue__updated"))["latest"]


class PrintedItemSitemap(Sitemap):
    """Every published item of ``model`` (a PrintedItem), by its permalink."""

    model = None
    limit = SITEMAP_LIMIT

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated"))["latest"]
