import django_filters

from paper.filters import date_range, search_words

from .models import DocumentType, Notice, NoticeKind


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label="类型", empty_label="全部")
    date_from, date_to = date_range()
    holder = django_filters.CharFilter(method="filter_holder", label="持有人", max_length=100)
    doc_type = django_filters.ModelChoiceFilter(
        method="filter_document_type",
        queryset=DocumentType.objects.all(),
        label="证件类型",
        empty_label="全部",
    )
    number = django_filters.CharFilter(method="filter_number", label="证件号码", max_length=100)
    q = search_words()

    class Meta:
        model = Notice
        fields = []

    def filter_holder(self, queryset, name, value):
        return queryset.with_holder(value)

    def filter_document_type(self, queryset, name, value):
        return queryset.with_document_type(value)

    def filter_number(self, queryset, name, value):
        return queryset.with_number(value)
