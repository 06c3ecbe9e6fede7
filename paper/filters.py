"""The filters every list of printed items shares, for the apps' FilterSets to declare.

Functions rather than a base FilterSet: each list keeps its filters in the order its form
shows them (a notice's 类型 before the dates).
"""

from functools import partial

import django_filters
from django import forms

from .text import mask_resident_ids


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


def shown_text(field_name, **kwargs):
    """A filter on what readers see of ``field_name``: it contains the value, case ignored,
    once resident IDs are masked, so that no filter compares the digits the mask hides.

    ``field_name`` is a field of the list's model or of a related one (``items__holder``).
    """
    return django_filters.CharFilter(method=partial(_shown_contains, field_name), **kwargs)


def _shown_contains(field_name, queryset, name, value):
    relation, _, field = field_name.rpartition("__")
    model = queryset.model._meta.get_field(relation).related_model if relation else queryset.model
    matching = model._default_manager.filter(**{f"{field}__icontains": value})
    # Only a value with digits can hold an ID; those few are checked as readers see them.
    with_digits = matching.filter(**{f"{field}__regex": "[0-9\uff10-\uff19]"})
    hidden = [
        pk
        for pk, text in with_digits.values_list("pk", field)
        if value.casefold() not in mask_resident_ids(text).casefold()
    ]
    matching = matching.exclude(pk__in=hidden)
    if relation:
        return queryset.filter(**{f"{relation}__in": matching}).distinct()
    return queryset.filter(pk__in=matching)
