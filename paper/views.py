"""The pages that compose the edition with both apps: home, calendar, issue, page."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.static import serve

from articles.models import Article
from notices.models import Notice, prefetch_titles

from . import context_processors
from .forms import DateJumpForm, SearchForm
from .models import Issue, Page
from .search import SearchQuery, marked_snippet, search_sources
from .text import chinese_date, mask_resident_ids, meta_description


def pages_with_contents(issue):
    """The issue's pages in order, each with ``published_articles`` and ``published_notices``.

    With what the page cards show of them (paper/templatetags/listing.py): an issue's hundred
    articles without their bodies, the notices with what their title lines read.
    """
    articles = Article.objects.published().only(
        "page", "order", "kicker", "headline", "source", "ocr_confidence"
    )
    notices = (
        Notice.objects.published()
        .with_titles()
        .only(
            *("page", "order", "kind", "text", "headline", "announcer", "ocr_confidence"),
            *("wedding__notice", "wedding__groom", "wedding__bride"),
        )
    )
    return issue.pages.prefetch_related(
        Prefetch(
            "articles", queryset=articles.order_by("order", "id"), to_attr="published_articles"
        ),
        Prefetch("notices", queryset=notices.order_by("order", "id"), to_attr="published_notices"),
    )


def issue_description(issue, pages):
    """The issue's date and headlines, page by page (its pages' names if it has no articles)."""
    headlines = [article.headline for page in pages for article in page.published_articles]
    contents = headlines or [f"{page.code} {page.name}" for page in pages]
    return meta_description(
        f"{settings.PAPER_NAME} {chinese_date(issue.date)},{len(pages)}个版面:" + ";".join(contents)
    )


@cache_control(max_age=60)  # the newest issue appears here within a minute of publishing
def home(request):
    issue = Issue.objects.published().order_by("-date").first()
    pages = list(pages_with_contents(issue)) if issue else []
    context = {
        "issue": issue,
        "pages": pages,
        "description": issue_description(issue, pages)
        if issue
        else f"{settings.PAPER_NAME}数字档案:收录本报历年各期版面、文章与公告。",
        "previous_issue": issue.get_previous_published() if issue else None,
        "notices": Notice.objects.published()
        .for_list()
        .with_titles()
        .order_by("-pub_date", "-id")[:5],
    }
    return render(request, "paper/home.html", context)


def issue_archive(request):
    issues = Issue.objects.published()
    date_error = ""
    if "date" in request.GET:
        form = DateJumpForm(request.GET)
        if form.is_valid():
            issue = issues.filter(date=form.cleaned_data["date"]).first()
            if issue:
                return redirect(issue)
            date_error = f"{form.cleaned_data['date']:%Y年%m月%d日}没有报纸。"
        else:
            date_error = form.errors["date"][0]
    years = [d.year for d in issues.dates("date", "year", order="DESC")]
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404("年份无效") from None
    if years and year not in years:
        raise Http404("这一年没有报纸")
    context = {
        "description": meta_description(
            f"{settings.PAPER_NAME}往期报纸:{years[-1]}年至{years[0]}年的每一期,"
            "按年份和月份浏览,或按日期查找某一天的报纸。"
            if years
            else f"{settings.PAPER_NAME}往期报纸,按年份和月份浏览。"
        ),
        "years": years,
        "year": year,
        "months": issues.calendar(year) if years else [],
        "date_value": request.GET.get("date", "")[:10],
        "date_error": date_error,
    }
    return render(request, "paper/issue_archive.html", context)


def issue_detail(request, date):
    issue = get_object_or_404(Issue.objects.published(), date=date)
    pages = list(pages_with_contents(issue))
    context = {
        "issue": issue,
        "pages": pages,
        "description": issue_description(issue, pages),
        "previous_issue": issue.get_previous_published(),
        "next_issue": issue.get_next_published(),
    }
    return render(request, "paper/issue_detail.html", context)


def page_detail(request, date, code):
    page = get_object_or_404(
        Page.objects.published().select_related("issue"), issue__date=date, code=code
    )
    pages = list(page.issue.pages.all())
    position = [p.pk for p in pages].index(page.pk)
    articles = list(page.articles.published().prefetch_related("zones").order_by("order", "id"))
    notices = list(
        page.notices.published().with_titles().prefetch_related("zones").order_by("order", "id")
    )
    contents = [article.headline for article in articles]
    contents += [notice.list_title() for notice in notices]
    context = {
        "issue": page.issue,
        "page": page,
        "pages": pages,
        "articles": articles,
        "notices": notices,
        "description": meta_description(
            f"{settings.PAPER_NAME} {chinese_date(page.issue.date)} {page.code}版 {page.name}:"
            + ";".join(contents)
        ),
        "previous_page": pages[position - 1] if position > 0 else None,
        "next_page": pages[position + 1] if position + 1 < len(pages) else None,
    }
    return render(request, "paper/page_detail.html", context)


SEARCH_PAGE_SIZE = 20


def search(request):
    """One search over articles and notices, newest first, each match shown in context."""
    form = SearchForm(request.GET)
    context = {
        "form": form,
        "query": "",
        "description": f"在{settings.PAPER_NAME}数字档案中搜索文章和公告:"
        "标题、正文、人名、证件号码,最新的在前。",
    }
    query = SearchQuery.parse(form.cleaned_data["q"]) if form.is_valid() else None
    if query:
        data = form.cleaned_data
        sources = {
            "articles": Article.objects.published().for_list(),
            "notices": Notice.objects.published().for_list(),
        }
        if data["kind"]:
            sources = {data["kind"]: sources[data["kind"]]}
        found = search_sources(
            sources,
            query,
            page=data["page"] or 1,
            per_page=SEARCH_PAGE_SIZE,
            date_from=data["date_from"],
            date_to=data["date_to"],
            order=data["sort"] or "newest",
        )
        prefetch_titles([document for kind, document in found["documents"] if kind == "notices"])
        results = []
        for kind, document in found["documents"]:
            _, text = document.search_display()
            results.append(
                {
                    "kind": kind,
                    "document": document,
                    "title": document.list_title(),
                    "snippet": marked_snippet(text, query),
                }
            )
        context.update(
            description=meta_description(
                f"在{settings.PAPER_NAME}数字档案中搜索“{data['q']}”:文章和公告,最新的在前。"
            ),
            query=mask_resident_ids(data["q"]),
            page=data["page"] or 1,
            counts=found["counts"],
            has_next=found["has_next"],
            searched_from=found["searched_from"],
            earlier_until=found["earlier_until"],
            results=results,
        )
    return render(request, "paper/search.html", context)


def page_pdf(request, date, code):
    """The page as printed, ID numbers covered, under a name that says which paper, day and page.

    Readers get the public copy (Page.public_file); the original is for staff, in the admin.
    """
    page = get_object_or_404(
        Page.objects.published().select_related("issue"), issue__date=date, code=code
    )
    if not page.has_public_pdf:
        raise Http404("这一版没有 PDF")
    try:
        file = page.public_file.open("rb")
    except FileNotFoundError:
        raise Http404("这一版的 PDF 不在存储中") from None
    response = FileResponse(file, content_type="application/pdf")
    response["Content-Disposition"] = page.pdf_content_disposition()
    return response


@cache_control(max_age=86400)
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever a page links: the icon in static/
    under its hashed name, so that the redirect may be kept for a day and the icon for a year."""
    return redirect(static("favicon.ico"))


def media(request, path):
    """The media folder, where nothing in front of Django serves it: development and tests."""
    if not settings.SERVE_MEDIA:
        raise Http404("media files are served by the web server")
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:
        # A name the file system refuses (too long, say) names no file either.
        raise Http404("no such media file") from None


def error_page(template_name, status, **context):
    """An error page in the site's look that needs neither the database nor the request."""
    html = render_to_string(template_name, {**context_processors.paper(request=None), **context})
    return HttpResponse(html, status=status)


def server_error(request):
    return error_page("500.html", status=500)


@never_cache
def service_unavailable(request, timed_out=False):
    """503: the database cannot be reached or, ``timed_out``, a query ran past its time limit."""
    response = error_page("503.html", status=503, timed_out=timed_out)
    response["Retry-After"] = "30"
    return response


@never_cache
def csrf_failure(request, reason=""):
    """403 for a form sent without its CSRF token (settings: CSRF_FAILURE_VIEW), in the site's look.

    A reader meets it when cookies are blocked or a form was sent from elsewhere; what they
    typed was not saved, and opening the form again gives them a token that works.
    """
    return error_page("403_csrf.html", status=403)


@never_cache
def resident_id_lookups_limited(request, limit, retry_after):
    """429 for one address's lookup by a full resident ID beyond the rate (paper.middleware)."""
    response = error_page("429.html", status=429, limit=limit, retry_after=retry_after)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
def livez(request):
    """200 ``ok`` while the process serves requests; touches nothing else (liveness probe)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request):
    """200 ``ok`` when the database answers, 503 otherwise: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
