"""One example of every public page type, for the checks that read whole pages.

The HTML validator (tests/test_html.py) and axe-core (tests/browser/test_accessibility.py)
run over the same pages: the sample issue with its page images and zones, plus the notices
the sample lacks (a wedding, a corrected notice), the lists, searches and the error pages.
"""

import contextlib
from functools import partial
from urllib.parse import urlsplit

from django.test import RequestFactory
from django.urls import Resolver404, resolve

from articles import views as article_views
from articles.models import Article
from notices.models import Notice
from paper import views
from paper.models import Page
from tests.conftest import load_sample_issue_with_pages
from tests.factories import make_wedding_notice

# Named public URLs that answer with something other than an HTML page.
NOT_HTML = {
    "paper:page-pdf",
    "paper:healthz",
    "paper:livez",
    "articles:article-list-json",
    "articles:article-detail-json",
    "articles:article-suggest-token",
    "notices:notice-list-json",
    "notices:notice-detail-json",
    "feeds:articles",
    "feeds:articles-page-name",
    "feeds:notices",
    "feeds:notices-kind",
    "sitemap",
    "sitemap-section",
    "robots",
    "favicon",
}

# Error pages readers can meet, each rendered by its view from a request for /.
ERROR_PAGES = {
    "server-error": views.server_error,
    "csrf-failure": views.csrf_failure,
    "service-unavailable": views.service_unavailable,
    "query-timed-out": partial(views.service_unavailable, timed_out=True),
    "lookups-limited": partial(views.resident_id_lookups_limited, limit=10, retry_after=60),
    "suggestions-limited": partial(article_views.too_many_suggestions, limit=10, retry_after=600),
}


def render_error_page(name):
    return ERROR_PAGES[name](RequestFactory().get("/"))


def load_public_pages():
    """Fill the archive and return the path of each page type, by a name for it."""
    load_sample_issue_with_pages()
    notices_page = Page.objects.get(issue__date="2024-10-22", code="A03")
    receipt = Notice.objects.get(items__holder="毕丽静")
    wedding = make_wedding_notice(page=notices_page)
    corrected = Notice.objects.exclude(pk=receipt.pk).filter(kind=Notice.Kind.LOST).first()
    corrected.text = corrected.text.replace("声明作废", "特此声明作废")
    corrected.correction_note = "补全文字"
    corrected.save()
    article = Article.objects.filter(page__code="A01").order_by("order", "id").first()
    # Text read off a scan (OCR), which says so, and which readers may correct.
    recognised = Article.objects.filter(page__code="A02").order_by("order", "id").first()
    recognised.ocr_confidence = 0.93
    recognised.save()
    recognised_notice = Notice.objects.exclude(pk__in=[receipt.pk, corrected.pk]).first()
    recognised_notice.ocr_confidence = 0.88
    recognised_notice.save()
    return {
        "home": "/",
        "issue-calendar": "/issues/",
        "issue-calendar-no-paper-that-day": "/issues/?date=2024-10-23",
        "issue": "/issues/2024-10-22/",
        "page-with-image": "/issues/2024-10-22/A01/",
        "page-of-notices": "/issues/2024-10-22/A03/",
        "article": article.get_absolute_url(),
        "article-recognised": recognised.get_absolute_url(),
        "article-suggest": f"{recognised.get_absolute_url()}suggest/",
        "article-suggest-sent": f"{recognised.get_absolute_url()}suggest/?sent=1",
        "article-list": "/articles/",
        "article-list-filtered": "/articles/?page_name=要闻&q=产业工人",
        "notice": receipt.get_absolute_url(),
        "notice-wedding": wedding.get_absolute_url(),
        "notice-corrected": corrected.get_absolute_url(),
        "notice-recognised": recognised_notice.get_absolute_url(),
        "notice-proof-recognised": recognised_notice.get_proof_url(),
        "notice-proof": receipt.get_proof_url(),
        "notice-list": "/notices/",
        "notice-list-by-holder": "/notices/?holder=毕丽静",
        "rates": "/notices/rates/",
        "search-form": "/search/",
        "search": "/search/?q=毕丽静",
        "search-by-number": "/search/?q=0001715",
        "search-nothing-found": "/search/?q=没有这个词",
        "not-found": "/issues/1999-01-01/",
    }


def view_names(paths):
    """The URL names the paths reach (those that resolve)."""
    names = set()
    for path in paths:
        with contextlib.suppress(Resolver404):
            names.add(resolve(urlsplit(path).path).view_name)
    return names
