"""Paging the archive's lists at thirty years' size.

A list with a search word (``?q=``) is answered by the search engine's plans, newest first as
on ``/search/`` (paper.search.newest), not by sorting every match; a list whose exact count
would mean counting hundreds of thousands of rows says how many there are about (约). A deep
page of a list is found by its first row's key (the list's date and id) and read as a key range,
not by OFFSET over the joined rows it skips. Both are Django Paginators, so views, templates and
the JSON lists use them as they use Django's own.
"""

import json

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils.functional import cached_property
from psycopg.errors import QueryCanceled

from .search import MAX_RESULT_PAGES, SearchQuery, newest

# Up to this many rows a list is counted exactly; past it the planner's estimate is shown.
EXACT_COUNT_UP_TO = 10_000
# …and counting them may take this long; a count that would take longer is estimated too.
COUNT_BUDGET_MS = 40
# From this row on, a page is read as a key range (see ArchivePaginator.page).
KEYED_FROM = 1_000
# The order of every printed item's list (PrintedItem.Meta.ordering): the key of a deep page.
KEY_ORDER = ("-pub_date", "id")


class ArchivePaginator(Paginator):
    """Django's Paginator, with the count of a long list estimated, and said to be."""

    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor != "postgresql":
            return queryset.count()
        counted = _count_within(queryset.order_by()[: EXACT_COUNT_UP_TO + 1], COUNT_BUDGET_MS)
        if counted is not None and counted <= EXACT_COUNT_UP_TO:
            return counted
        self.estimated = True
        plan = json.loads(queryset.order_by().explain(format="json"))
        return max(counted or 0, round(plan[0]["Plan"]["Plan Rows"]))

    def page(self, number):
        """Django's page; from KEYED_FROM rows down, the rows from the page's first key on.

        OFFSET would build every skipped row with its issue and page (page 2,000 of the article
        list joins 40,000 rows to show 20). The first row's key is found over the list's key
        columns alone, and the page is the key range from it.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ordering = tuple(self.object_list.query.order_by or self.object_list.model._meta.ordering)
        if bottom < KEYED_FROM or ordering != KEY_ORDER or connection.vendor != "postgresql":
            return super().page(number)
        keys = self.object_list.values_list("pub_date", "pk")[bottom : bottom + 1]
        if not keys:
            raise EmptyPage("没有这一页")
        date, pk = keys[0]
        in_range = self.object_list.filter(Q(pub_date__lt=date) | Q(pub_date=date, pk__gte=pk))
        return self._get_page(list(in_range[: self.per_page]), number, self)


def _count_within(queryset, milliseconds):
    """``queryset.count()``, or None if PostgreSQL takes longer than ``milliseconds`` for it.

    A rare value of a text filter (a one-character name) has no index to count it by: every row
    would be read for a number the page can give as an estimate.
    """
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [milliseconds])
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
