import django_filters
from django import forms

from paper.filters import date_range, search_words
from paper.forms import ListSelect

from .models import DocumentAlias, DocumentType, Notice, NoticeKind


class NoticeFilterForm(forms.Form):
    def clean(self):
        """A word that is another name of a document type (居民身份证) stands for that type.

        The word becomes the 证件类型 filter, unless one is chosen: the list then shows the
        notices of 身份证 however their wording names it. One query, only when words are given.
        """
        cleaned_data = super().clean()
        words = (cleaned_data.get("q") or "").split()
        if not words or cleaned_data.get("doc_type"):
            return cleaned_data
        alias = (
            DocumentAlias.objects.filter(name__in=words)
            .select_related("document_type")
            .order_by("name")
            .first()
        )
        if alias:
            cleaned_data["doc_type"] = alias.document_type
            cleaned_data["q"] = " ".join(word for word in words if word != alias.name)
        return cleaned_data


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=NoticeKind.choices, label="类型", empty_label="全部", widget=ListSelect
    )
    date_from, date_to = date_range()
    holder = django_filters.CharFilter(method="filter_holder", label="持有人", max_length=100)
    doc_type = django_filters.ModelChoiceFilter(
        method="filter_document_type",
        queryset=DocumentType.objects.all(),
        label="证件类型",
        empty_label="全部",
        widget=ListSelect,
    )
    number = django_filters.CharFilter(method="filter_number", label="证件号码", max_length=100)
    q = search_words()

    class Meta:
        model = Notice
        fields = []
        form = NoticeFilterForm

    def filter_holder(self, queryset, name, value):
        return queryset.with_holder(value)

    def filter_document_type(self, queryset, name, value):
        return queryset.with_document_type(value)

    def filter_number(self, queryset, name, value):
        return queryset.with_number(value)
