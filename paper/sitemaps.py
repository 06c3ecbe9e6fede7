"""Sitemap sections for the edition: every published issue and page.

The sections are listed by ``/sitemap.xml``, a sitemap index; each section is cut into
files (``/sitemap-pages.xml?p=2``), so that thirty years of a daily stay within what crawlers
accept. File p holds the published items whose id lies in the p-th range of ``limit`` ids from
the lowest (KeyRanges): a URL stays in the same file as the archive grows, new ones go to the
last file, and no file is found by counting and skipping a million rows (OFFSET).
"""

import math

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, Min, OuterRef
from django.utils.functional import cached_property

from .links import path_pattern
from .models import Issue, Page

# URLs per sitemap file. The protocol allows 50,000; a file is built on request, and 1,000 take
# about 40 ms (bench/lists.py): a million articles are 1,000 files, of the 50,000 an index may list.
SITEMAP_LIMIT = 1_000


def newest_value(items, field):
    """The newest ``field`` of ``items``: down an index on it to the first visible row.

    ``MAX()`` over a join with the issues reads every published row (0.3 s on a million
    articles); ``ORDER BY … DESC LIMIT 1`` stops at the first.
    """
    return items.order_by(f"-{field}").values_list(field, flat=True).first()


class KeyRanges:
    """A sitemap's files by ranges of ids, in place of Django's Paginator (COUNT and OFFSET).

    A file may hold fewer than ``limit`` URLs where ids were deleted or are unpublished, and
    every published item is in exactly one file.
    """

    def __init__(self, items, limit):
        self.items, self.limit = items, limit

    @cached_property
    def bounds(self):
        # The lowest and highest id of any row, published or not: one step down the key each.
        ids = self.items.model._base_manager.aggregate(low=Min("pk"), top=Max("pk"))
        return (ids["low"] or 1) - 1, ids["top"] or 0

    @cached_property
    def num_pages(self):
        base, top = self.bounds
        return max(1, math.ceil((top - base) / self.limit))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码不是整数") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("没有这一页")
        return number

    def page(self, number):
        number = self.validate_number(number)
        low = self.bounds[0] + (number - 1) * self.limit
        return KeyRange(self.items.filter(pk__gt=low, pk__lte=low + self.limit))


class KeyRange:
    def __init__(self, object_list):
        self.object_list = object_list


class KeyRangeSitemap(Sitemap):
    """A Sitemap of a model's rows in files by id range (see KeyRanges).

    ``items()`` gives value rows, not model instances, and ``entries()`` turns them into paths
    from a URL pattern reversed once: a file of 1,000 pages built 1,000 pages and issues and
    reversed 1,000 URLs (0.3 s).
    """

    limit = SITEMAP_LIMIT

    @property
    def paginator(self):
        return KeyRanges(self.items(), self.limit)

    def entries(self, rows):
        """(path, lastmod) for each of the file's rows."""
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        # Django's, for the two fields the archive sets (location and lastmod).
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        rows = self.paginator.page(page).object_list
        urls = [
            {"location": base + path, "lastmod": lastmod} for path, lastmod in self.entries(rows)
        ]
        self.latest_lastmod = max((url["lastmod"] for url in urls), default=None)
        return urls


class IssueSitemap(KeyRangeSitemap):
    def items(self):
        return Issue.objects.published().order_by("pk").values_list("date", "updated")

    def entries(self, rows):
        pattern = path_pattern("paper:issue-detail", "date")
        return [(pattern.format(date=date.isoformat()), updated) for date, updated in rows]

    def get_latest_lastmod(self):
        # Django's default reads every item; the newest one answers the same question.
        return newest_value(self.items(), "updated")


class PageSitemap(KeyRangeSitemap):
    def items(self):
        return (
            Page.objects.published()
            .order_by("pk")
            .values_list("issue__date", "code", "issue__updated")
        )

    def entries(self, rows):
        pattern = path_pattern("paper:page-detail", "date", "code")
        return [
            (pattern.format(date=date.isoformat(), code=code), updated)
            for date, code, updated in rows
        ]

    def get_latest_lastmod(self):
        # A page's lastmod is its issue's: the newest published issue that has pages. Down the
        # join from the pages, the same question read every page of the archive (0.1 s).
        issues = Issue.objects.published().filter(Exists(Page.objects.filter(issue=OuterRef("pk"))))
        return newest_value(issues, "updated")


class PrintedItemSitemap(KeyRangeSitemap):
    """Every published item of ``model`` (a PrintedItem), by its permalink."""

    model = None
    url_name = None  # the permalink's, with a ``pk`` argument

    def items(self):
        # Only what a URL shows: not the bodies of 2,000 articles.
        return self.model.objects.published().order_by("pk").values_list("pk", "updated")

    def entries(self, rows):
        pattern = path_pattern(self.url_name, "pk")
        return [(pattern.format(pk=pk), updated) for pk, updated in rows]

    def get_latest_lastmod(self):
        return newest_value(self.items(), "updated")
