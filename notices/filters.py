import django_filters

from paper.filters import date_range, search_words, shown_text

from .models import DocumentType, Notice, NoticeKind


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label="类型", empty_label="全部")
    date_from, date_to = date_range()
    holder = shown_text("items__holder", label="持有人", max_length=100)
    doc_type = django_filters.ModelChoiceFilter(
        field_name="items__document_type",
        queryset=DocumentType.objects.all(),
        distinct=True,
        label="证件类型",
        empty_label="全部",
    )
    number = django_filters.CharFilter(method="filter_number", label="证件号码", max_length=100)
    q = search_words()

    class Meta:
        model = Notice
        fields = []

    def filter_number(self, queryset, name, value):
        return queryset.with_number(value)
