"""The edition as data: the pieces of the JSON views and schema.org data both apps share."""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import JsonResponse
from django.utils import timezone

from .pagination import paginator_for
from .text import masked_query


def datetime_data(value):
    """A timestamp in Beijing time, ISO 8601: 2024-10-22T08:00:00+08:00."""
    return timezone.localtime(value).isoformat()


def issue_data(issue, request):
    return {
        "date": issue.date.isoformat(),
        "number": issue.number,
        "url": request.build_absolute_uri(issue.get_absolute_url()),
    }


def page_data(page, request):
    return {
        "code": page.code,
        "name": page.name,
        "url": request.build_absolute_uri(page.get_absolute_url()),
    }


def recognition_data(item):
    """Whether an item's text was read off a scan by OCR, and how sure the reading was.

    ``{"recognised_text": true, "ocr_confidence": 0.93}``; ``false`` and ``null`` for text that
    was typeset, not recognised.
    """
    return {
        "recognised_text": item.is_recognised_text,
        "ocr_confidence": round(item.ocr_confidence, 3) if item.is_recognised_text else None,
    }


def paginated_data(request, page_obj, item_data):
    """A page of a filtered list: counts, links to the neighbouring pages, the items."""

    def link(number):
        query = masked_query(request.GET)
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": page_obj.paginator.count,
        "count_estimated": page_obj.paginator.estimated,
        # A rare phrase of common characters is searched back to this day only (else null):
        # ``date_to`` set to the day before it searches the earlier years.
        "searched_from": _isoformat(page_obj.paginator.searched_from),
        "page": page_obj.number,
        "num_pages": page_obj.paginator.num_pages,
        "previous": link(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "next": link(page_obj.next_page_number()) if page_obj.has_next() else None,
        "results": [item_data(item, request) for item in page_obj],
    }


def _isoformat(day):
    return day.isoformat() if day else None


def publisher():
    """The paper as schema.org's publisher."""
    return {"@type": "NewsMediaOrganization", "name": settings.PAPER_NAME}


def printed_in(issue, page):
    """Where something was printed: the issue of the paper (a PublicationIssue) and the page."""
    data = {
        "@type": "PublicationIssue",
        "datePublished": issue.date.isoformat(),
        "isPartOf": {"@type": "Periodical", "name": settings.PAPER_NAME},
    }
    if issue.number:
        data["issueNumber"] = str(issue.number)
    return {"isPartOf": data, "pageStart": page.code}


def json_response(data, status=200):
    """JSON as UTF-8 text (Chinese stays readable), dates and decimals as strings."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def json_error(status, message, code, field="__all__"):
    """An error in the shape Django gives form errors: {"errors": {field: [{message, code}]}}."""
    return json_response({"errors": {field: [{"message": message, "code": code}]}}, status)


def filtered_list_response(request, filterset, per_page, item_data):
    """A filtered list page as JSON: 400 naming the bad parameters, 404 past the last page."""
    if not filterset.is_valid():
        return json_response({"errors": filterset.errors.get_json_data()}, status=400)
    paginator = paginator_for(filterset, per_page)
    number = request.GET.get("page") or 1
    try:
        page_obj = paginator.page(paginator.num_pages if number == "last" else number)
    except InvalidPage as error:
        return json_error(404, str(error), "invalid", field="page")
    return json_response(paginated_data(request, page_obj, item_data))
