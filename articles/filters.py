import django_filters
from django import forms

from .models import Article


class ArticleFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="pub_date",
        lookup_expr="gte",
        label="起始日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="pub_date",
        lookup_expr="lte",
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    page_code = django_filters.CharFilter(
        field_name="page__code", lookup_expr="iexact", label="版号", max_length=3
    )
    page_name = django_filters.CharFilter(
        field_name="page__name", lookup_expr="exact", label="版名", max_length=40
    )
    source = django_filters.CharFilter(
        field_name="source", lookup_expr="icontains", label="来源", max_length=50
    )
    author = django_filters.CharFilter(
        field_name="byline", lookup_expr="icontains", label="作者", max_length=50
    )
    column = django_filters.CharFilter(
        field_name="column", lookup_expr="icontains", label="栏目", max_length=50
    )
    q = django_filters.CharFilter(method="search", label="关键词", max_length=200)

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)
