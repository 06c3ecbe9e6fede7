"""The page cache: one copy of each public page for every worker, dropped when content changes.

Django's cache middleware keeps whole responses under keys made from the URL and the headers
they vary on; a page cannot be found again from the rows it shows. So every saved or deleted
row of the archive's apps (an issue, a page, an article, a notice, an item, a correction …)
starts a new *generation* of the cache: the middleware's key prefix carries the generation
number, kept in the cache itself (Redis in production), and the copies of the generation before
are never read again and expire on their own. An edit is seen on the next request, by every
worker and server alike.

One generation for the whole archive is coarse: an edit to one notice drops the cached home
page of every reader. It is also always right, whatever a page shows, and an archive is read far
more often than it is edited.
"""

import contextvars

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.middleware import cache as cache_middleware

GENERATION_KEY = "pages-generation"
# The generation a request was answered in, read once at its start, so that a page rendered
# from rows an edit has since replaced is not stored under the edit's new generation.
_request_generation = contextvars.ContextVar("page_cache_generation", default=None)


def generation(cache=None):
    """The current generation of the page cache (0 before the first change)."""
    cache = cache or caches["default"]
    try:
        return cache.get(GENERATION_KEY) or 0
    except Exception:  # noqa: BLE001 (any backend's failure): serve uncached, never fail
        return None


def purge():
    """Start a new generation: no cached page from before is served again."""
    cache = caches["default"]
    try:
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            cache.incr(GENERATION_KEY)
    except ValueError:
        pass  # DummyCache: nothing is kept, nothing to drop


def purge_on_commit(**kwargs):
    """A signal receiver: purge once the change is in the database for every reader to see."""
    transaction.on_commit(purge)


def connect(app_labels):
    """Purge on every save and delete of the models of ``app_labels``.

    A model that no public page shows says so with ``purges_page_cache = False`` (a reader's
    suggestion: thousands of them must not empty the cache for everyone).
    """
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label in app_labels and getattr(model, "purges_page_cache", True):
            post_save.connect(purge_on_commit, sender=model, dispatch_uid=f"purge-save-{model}")
            post_delete.connect(purge_on_commit, sender=model, dispatch_uid=f"purge-delete-{model}")


class GenerationKeyPrefix:
    """The cache middleware's key prefix with the request's generation: settings' prefix.N."""

    @property
    def key_prefix(self):
        current = _request_generation.get()
        if current is None:
            current = generation(self.cache)
        return f"{self._key_prefix}.{current}"

    @key_prefix.setter
    def key_prefix(self, value):
        self._key_prefix = value


class UpdateCacheMiddleware(GenerationKeyPrefix, cache_middleware.UpdateCacheMiddleware):
    def _should_update_cache(self, request, response):
        # A generation that could not be read (the cache is down) stores nothing.
        return super()._should_update_cache(request, response) and (
            _request_generation.get() is not None
        )


class FetchFromCacheMiddleware(GenerationKeyPrefix, cache_middleware.FetchFromCacheMiddleware):
    def process_request(self, request):
        _request_generation.set(generation(self.cache))
        if _request_generation.get() is None:
            request._cache_update_cache = False
            return None
        return super().process_request(request)
