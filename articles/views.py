from functools import partial

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from paper.data import filtered_list_response, json_error, json_response
from paper.pagination import FilteredListMixin
from paper.text import meta_description

from .data import article_data, news_article
from .filters import ArticleFilter
from .models import Article


class ArticleListView(FilteredListMixin, FilterView):
    filterset_class = ArticleFilter
    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_list()

    def get_context_data(self, **kwargs):
        description = (
            f"检索{settings.PAPER_NAME}历年刊登的文章:按日期、版面、来源、栏目、作者和关键词查找。"
        )
        return super().get_context_data(**kwargs, description=description)


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.published().for_list(), pk=pk)
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    previous_article, next_article = article.neighbours_on_page()
    context = {
        "article": article,
        "canonical_url": canonical_url,
        "description": meta_description(article.lead() or article.headline),
        "structured_data": news_article(article, canonical_url),
        "previous_article": previous_article,
        "next_article": next_article,
    }
    return render(request, "articles/article_detail.html", context)


def article_list_json(request):
    """``/articles.json``: the list with the same filters and pages, as data."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.published().for_list())
    item_data = partial(article_data, with_body=False)
    return filtered_list_response(request, filterset, ArticleListView.paginate_by, item_data)


def article_detail_json(request, pk):
    article = Article.objects.published().for_list().filter(pk=pk).first()
    if article is None:
        return json_error(404, "没有这篇文章,或者尚未发布。", "not_found")
    return json_response(article_data(article, request))
