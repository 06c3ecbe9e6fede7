"""The edition as data: the pieces of the JSON and schema.org data that both apps share."""

from django.conf import settings
from django.utils import timezone


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


def paginated_data(request, page_obj, item_data):
    """A page of a filtered list: counts, links to the neighbouring pages, the items."""

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": page_obj.paginator.count,
        "page": page_obj.number,
        "num_pages": page_obj.paginator.num_pages,
        "previous": link(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "next": link(page_obj.next_page_number()) if page_obj.has_next() else None,
        "results": [item_data(item, request) for item in page_obj],
    }


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
