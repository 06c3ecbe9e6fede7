import django_filters

from paper.filters import date_range, search_words, shown_text

from .models import Article


class ArticleFilter(django_filters.FilterSet):
    date_from, date_to = date_range()
    page_code = django_filters.CharFilter(
        field_name="page__code", lookup_expr="iexact", label="版号", max_length=3
    )
    page_name = django_filters.CharFilter(
        field_name="page__name", lookup_expr="exact", label="版名", max_length=40
    )
    source = shown_text("source", label="来源", max_length=50)
    author = shown_text("byline", label="作者", max_length=50)
    column = shown_text("column", label="栏目", max_length=50)
    q = search_words()

    class Meta:
        model = Article
        fields = []
