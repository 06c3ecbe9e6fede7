"""What every request needs that no single view should know about."""

import logging

from django.db import InterfaceError, OperationalError
from django.urls import reverse

from .text import mask_resident_ids
from .views import service_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A page that cannot reach the database answers 503 in the site's look, not 500.

    Nothing else is needed to recover: Django drops a connection that failed at the end of
    the request, and the next request opens a new one once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return service_unavailable(request)
        return None


# The kinds of response a reader can read: pages, feeds, sitemaps, data.
TEXT_TYPES = {
    "text/html",
    "text/plain",
    "text/xml",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/json",
    "application/ld+json",
}


class ResidentIdMaskMiddleware:
    """No public page, feed or document shows a resident ID number whole, whatever put it there.

    Models and views show what they publish masked (``paper.text.mask_resident_ids``); this is
    the net under them, with the same rule, for what they did not think of: a number a reader
    typed and a form shows back, an error page, a field nobody expected to hold one. The admin
    is for staff, who see numbers as printed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or request.path.startswith(reverse("admin:index")):
            return response
        content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
        if content_type not in TEXT_TYPES:
            return response
        text = response.content.decode(response.charset, errors="surrogateescape")
        masked = mask_resident_ids(text)
        if masked != text:
            response.content = masked.encode(response.charset, errors="surrogateescape")
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
