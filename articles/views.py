from functools import partial

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from redis.exceptions import RedisError

from paper.data import filtered_list_response, json_error, json_response
from paper.http import seconds_until_allowed
from paper.pagination import FilteredListMixin
from paper.text import meta_description

from .data import article_data, news_article
from .filters import ArticleFilter
from .forms import TextSuggestionForm, sender_digest
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
        # Recognised text may be corrected on the page itself; the form carries no CSRF token
        # (the page is cached for everyone): static/js/suggestion-form.js fetches the reader's.
        "suggestion_form": (
            TextSuggestionForm(article=article, prefilled=False)
            if article.is_recognised_text
            else None
        ),
        "per_hour": settings.TEXT_SUGGESTIONS_PER_HOUR,
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


@never_cache  # the form carries the reader's CSRF token; the article's own page stays cached
@require_http_methods(["GET", "POST"])
def article_suggest(request, pk):
    """A reader's correction of an article's recognised text, for editors to review.

    Only recognised (OCR) text takes suggestions; a sent one is saved as pending and the
    reader is sent on to the thanks (POST, redirect, GET). A filled-in honeypot is thanked
    the same way and nothing is saved.
    """
    article = get_object_or_404(
        Article.objects.published().for_list().filter(ocr_confidence__isnull=False), pk=pk
    )
    form, status = TextSuggestionForm(article=article), 200
    if request.method == "POST":
        if limited := suggestions_limited(request):
            return limited
        form = TextSuggestionForm(request.POST, article=article)
        if form.is_valid():
            if not form.is_bot():
                form.save(sender=sender_digest(request))
            return redirect(f"{request.path}?sent=1")
        status = 400
    context = {
        "article": article,
        "form": form,
        "sent": request.method == "GET" and "sent" in request.GET,
        "per_hour": settings.TEXT_SUGGESTIONS_PER_HOUR,
    }
    return render(request, "articles/article_suggest.html", context, status=status)


@never_cache  # each reader's own token: never kept by the page cache, a CDN or a browser
@require_GET
def article_suggest_token(request, pk):
    """The reader's CSRF token for the correction form on an article's (cached) page, and the
    text the form starts from (fetched when a reader opens it, not sent to every reader).

    ``get_token`` also has the CSRF cookie set on this response, so that the form, sent with
    the token in its hidden field, passes the check like the form on its own page.
    """
    article = get_object_or_404(
        Article.objects.published().filter(ocr_confidence__isnull=False), pk=pk
    )
    return json_response(
        {"csrf_token": get_token(request), "fields": TextSuggestionForm.text_to_correct(article)}
    )


def suggestions_limited(request):
    """429 once an address has sent its suggestions for the hour (None while it may send)."""
    limit = settings.TEXT_SUGGESTIONS_PER_HOUR
    try:
        retry_after = seconds_until_allowed(request, "text-suggestion", f"{limit}/h")
    except RedisError:
        # No count, no limit: refuse suggestions for now rather than let a flood through.
        # (paper.views.service_unavailable says the same, but paper.views knows the notices
        # app, which this one may not import.)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    if retry_after is None:
        return None
    return too_many_suggestions(request, limit, retry_after)


@never_cache
def too_many_suggestions(request, limit, retry_after):
    """429: nothing was saved; the reader may send again in ``retry_after`` seconds."""
    context = {"limit": limit, "retry_after_minutes": -(-retry_after // 60)}
    response = render(request, "articles/suggestions_limited.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
