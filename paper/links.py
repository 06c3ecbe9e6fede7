"""The paths of the archive's objects, from URL patterns reversed once.

A page of an issue links a hundred articles and notices, and each ``reverse()`` costs about
80 µs (the URL resolver's per-request state is looked up several times): a quarter of the
issue page's time. The paths are made from a pattern reversed with marker values, kept per
URL name, script prefix and URLconf, so they are what ``reverse()`` gives.
"""

import datetime
import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# For each URL argument the archive's objects use, a value no real object has; it passes the
# argument's converter and needs no quoting, and neither do real values (ids, dates, A05).
MARKERS = {"pk": 999_999_999_999, "date": datetime.date(1111, 11, 11), "code": "Z99"}


def path_to(url_name, **kwargs):
    """``reverse(url_name, kwargs=kwargs)`` for arguments among MARKERS."""
    return path_pattern(url_name, *kwargs).format(**{n: _text(v) for n, v in kwargs.items()})


def path_pattern(url_name, *names):
    """The path of ``url_name`` with a ``{name}`` slot for each argument (str.format)."""
    return _pattern(url_name, names, get_script_prefix(), get_urlconf())


def _text(value):
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@functools.lru_cache(maxsize=256)
def _pattern(url_name, names, prefix, urlconf):
    path = reverse(
        url_name, urlconf=urlconf or settings.ROOT_URLCONF, kwargs={n: MARKERS[n] for n in names}
    )
    for name in names:
        path = path.replace(_text(MARKERS[name]), "{" + name + "}")
    return path
