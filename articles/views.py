from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from .data import news_article
from .filters import ArticleFilter
from .models import Article


class ArticleListView(FilterView):
    filterset_class = ArticleFilter
    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_list()


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.published().for_list(), pk=pk)
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    context = {
        "article": article,
        "canonical_url": canonical_url,
        "structured_data": news_article(article, canonical_url),
        "previous_article": article.get_previous_on_page(),
        "next_article": article.get_next_on_page(),
    }
    return render(request, "articles/article_detail.html", context)
