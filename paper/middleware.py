"""What every request needs that no single view should know about."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.middleware import http
from django.urls import reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe
from psycopg.errors import QueryCanceled
from redis.exceptions import RedisError

from .http import seconds_until_allowed
from .text import find_resident_ids, mask_resident_ids
from .views import resident_id_lookups_limited, service_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A page that cannot reach the database answers 503 in the site's look, not 500.

    Nothing else is needed to recover: Django drops a connection that failed at the end of
    the request, and the next request opens a new one once the database is back.

    A query PostgreSQL cancelled for running past the statement timeout (settings:
    DB_STATEMENT_TIMEOUT_MS) is also an OperationalError, but the database is up and the
    connection still good: that page says the query took too long, and the log says so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception.__cause__, QueryCanceled):  # Django's OperationalError
            logger.warning("Query timed out for %s: %s", request.path, exception)
            return service_unavailable(request, timed_out=True)
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return service_unavailable(request)
        return None


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's conditional GET, for HEAD as well: the same ETag, Last-Modified and 304 as GET.

    Django's own leaves HEAD alone, taking its body to be empty already; it is not yet at this
    point (the WSGI server drops it, and the test client), so the ETag is the one a GET of the
    same URL gets. Without this a HEAD had an ETag only when a GET's cached copy answered it.
    """

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response


def is_admin(request):
    """Whether the request is for the admin, where staff see numbers as printed."""
    return request.path.startswith(reverse("admin:index"))


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
        if response.streaming or is_admin(request):
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


def is_resident_id_lookup(request):
    """Whether a public request asks for anything by a full resident ID in its query string.

    Any value of any parameter on any public page counts, so that a list added later is
    covered without being named here; the admin, for editors who logged in, does not.
    """
    if not request.GET or is_admin(request):
        return False
    return any(find_resident_ids(value) for _, values in request.GET.lists() for value in values)


class ResidentIdLookupLimitMiddleware:
    """Lookups by a full resident ID stay possible, but only so many a minute per address.

    A holder or an official checks that a notice ran; nobody walks through the numbers. The
    count is django-ratelimit's, in the shared cache (settings: RESIDENT_ID_LOOKUPS_PER_MINUTE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_resident_id_lookup(request):
            limit = settings.RESIDENT_ID_LOOKUPS_PER_MINUTE
            try:
                retry_after = seconds_until_allowed(request, "resident-id-lookup", f"{limit}/m")
            except RedisError as error:
                # Without a count there is no limit: refuse these lookups, serve everything else.
                logger.error("Rate-limit cache unavailable: %s", error)
                return service_unavailable(request)
            if retry_after is not None:
                return resident_id_lookups_limited(request, limit, retry_after)
        return self.get_response(request)
