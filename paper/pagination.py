"""Paging the archive's lists at thirty years' size.

A list with a search word (``?q=``) is answered by the search engine's plans, newest first as
on ``/search/`` (paper.search.newest), not by sorting every match; a list whose exact count
would mean counting hundreds of thousands of rows says how many there are about (约). A page
of a list is found by its keys (the list's date and id) over an index, and only its own rows
are read whole. Both are Django Paginators, so views, templates and the JSON lists use them as
they use Django's own.
"""

import json

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import OperationalError, connection
from django.utils.functional import cached_property
from psycopg.errors import QueryCanceled

from .search import MAX_RESULT_PAGES, SearchQuery, earlier_until, local_settings, newest

# Up to this many rows a list is counted exactly; past it the planner's estimate is shown.
EXACT_COUNT_UP_TO = 10_000
# …and counting them may take this long; a count that would take longer is estimated too. A
# count an index serves takes a few ms; 作者 王 at 1M ran into 40 ms on every request, a third
# of the page's 100 ms.
COUNT_BUDGET_MS = 25
# A list the planner expects to be this long is not counted at all: counting the first 10,001
# rows of 新华社's 300,000 articles took longer than the budget, spent on every request.
COUNT_IF_PLANNED_UP_TO = 10 * EXACT_COUNT_UP_TO
# The order of every printed item's list (PrintedItem.Meta.ordering): a page's keys.
KEY_ORDER = ("-pub_date", "id")


class ArchivePaginator(Paginator):
    """Django's Paginator, with the count of a long list estimated, and said to be."""

    estimated = False
    # Where a search stopped short of the archive's first day (paper.search.Results).
    searched_from = None

    @property
    def earlier_until(self):
        return earlier_until(self.searched_from)

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor != "postgresql" or queryset.query.is_empty():
            return queryset.count()
        plan = json.loads(queryset.order_by().explain(format="json"))
        planned = round(plan[0]["Plan"]["Plan Rows"])
        counted = None
        if planned <= COUNT_IF_PLANNED_UP_TO:
            counted = _count_within(queryset.order_by()[: EXACT_COUNT_UP_TO + 1], COUNT_BUDGET_MS)
            if counted is not None and counted <= EXACT_COUNT_UP_TO:
                return counted
        self.estimated = True
        return max(counted or 0, planned)

    def page(self, number):
        """Django's page, read as the rows whose keys are the page's (one query).

        The keys (the list's date and id) are skipped and taken over an index that holds what
        the lists filter by (``article_published_list``): without reading a row, page 2,000
        skips 40,000 index entries rather than 40,000 rows joined to their issues and pages, and
        a list by a common 作者 checks bylines in the index. Then only the page's rows are read.
        """
        ordering = tuple(self.object_list.query.order_by or self.object_list.model._meta.ordering)
        if ordering != KEY_ORDER:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page]
        rows = list(self.object_list.filter(pk__in=keys))
        if not rows and number > 1:
            raise EmptyPage("没有这一页")
        return self._get_page(rows, number, self)


def _count_within(queryset, milliseconds):
    """``queryset.count()``, or None if PostgreSQL takes longer than ``milliseconds`` for it.

    A rare value of a text filter (a one-character name) has no index to count it by: every row
    would be read for a number the page can give as an estimate.
    """
    try:
        with local_settings(statement_timeout=f"{milliseconds}ms"):
            return queryset.count()
    except OperationalError as error:
        if not isinstance(error.__cause__, QueryCanceled):
            raise
        return None


class SearchPaginator(ArchivePaginator):
    """The pages of a list's matches for ``query``, each found by the search engine's plan.

    The count is the engine's (an estimate where its plan does not collect every match); it is
    corrected by what a page shows, so that the page links are never wrong about the next one.
    """

    def __init__(self, object_list, per_page, query, date_from=None, date_to=None):
        super().__init__(object_list, per_page)
        self.query, self.date_from, self.date_to = query, date_from, date_to
        self._count = None

    @property
    def count(self):
        if self._count is None:
            self.page(1)
        return self._count

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage("页码小于 1")
        if number > MAX_RESULT_PAGES:
            raise EmptyPage(f"搜索结果最多显示 {MAX_RESULT_PAGES} 页,请缩小范围")
        start = (number - 1) * self.per_page
        results = newest(
            self.object_list, self.query, start + self.per_page + 1, self.date_from, self.date_to
        )
        objects = results.objects[start : start + self.per_page]
        if not objects and number > 1:
            raise EmptyPage("没有这一页")
        more = len(results.objects) > start + self.per_page
        shown = start + len(objects)
        self._count = max(results.count, shown + 1) if more else shown
        self.estimated = results.estimated and more
        self.searched_from = results.searched_from
        return Page(objects, number, self)


def paginator_for(filterset, per_page):
    """The paginator of a valid django-filter FilterSet's list: a search, or the list."""
    data = filterset.form.cleaned_data
    query = SearchQuery.parse(data.get("q") or "")
    if not query:
        return ArchivePaginator(filterset.qs, per_page)
    # The list's other filters, without the search word: the engine applies that itself.
    queryset = filterset.queryset.all()
    for name, value in data.items():
        if name != "q":
            queryset = filterset.filters[name].filter(queryset, value)
    return SearchPaginator(queryset, per_page, query, data.get("date_from"), data.get("date_to"))


class FilteredListMixin:
    """For a FilterView: its pages from ``paginator_for()`` (searches, estimated counts)."""

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.filterset.is_bound and self.filterset.is_valid():
            return paginator_for(self.filterset, per_page)
        return ArchivePaginator(queryset, per_page, **kwargs)
