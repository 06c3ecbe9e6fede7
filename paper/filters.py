"""The filters every list of printed items shares, for the apps' FilterSets to declare.

Functions rather than a base FilterSet: each list keeps its filters in the order its form
shows them (a notice's 类型 before the dates).
"""

import django_filters
from django import forms
from django.db import connection

from .search import WALK_FROM, SearchQuery, TokenStatistics
from .text import LONG_NUMBER


class PublicTextFilter(django_filters.CharFilter):
    """``icontains`` on a text field, which never compares the digits a resident ID's mask hides.

    The search columns hold IDs masked; a plain text field holds them as typed (a holder's name
    that came in with the number). So a value with digits does not match a field that holds a
    long number: no substring of a hidden birth date can be tried against it.

    ``searched``: the field is part of the model's search text (an article's byline). A rare
    value is then first looked up in the search index: a two-character name has no trigram for
    the field's own index, and reading every row for it takes seconds on a million (a common
    one, 王, is found soonest by reading the newest rows).
    """

    def __init__(self, *args, searched=False, **kwargs):
        kwargs.setdefault("lookup_expr", "icontains")
        self.searched = searched
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and any(char.isdigit() for char in value):
            qs = qs.exclude(**{f"{self.field_name}__regex": LONG_NUMBER})
        if value and self.searched and connection.vendor == "postgresql":
            query = SearchQuery.parse(value)
            stats = TokenStatistics.for_model(qs.model)
            if query and stats and stats.upper_fraction(query) < WALK_FROM:
                qs = query.filter(qs, stats)
        return qs


def date_range(field_name="pub_date"):
    """起始日期 and 截止日期, both inclusive: ``date_from, date_to = date_range()``."""
    return tuple(
        django_filters.DateFilter(
            field_name=field_name,
            lookup_expr=lookup,
            label=label,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        for lookup, label in (("gte", "起始日期"), ("lte", "截止日期"))
    )


def search_words():
    """关键词: the archive's search (paper.search) within the list."""
    return django_filters.CharFilter(method=_search, label="关键词", max_length=200)


def _search(queryset, name, value):
    return queryset.search(value)
