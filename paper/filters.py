"""The filters every list of printed items shares, for the apps' FilterSets to declare.

Functions rather than a base FilterSet: each list keeps its filters in the order its form
shows them (a notice's 类型 before the dates).
"""

import django_filters
from django import forms


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
