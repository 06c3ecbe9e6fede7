"""Logs without resident ID numbers: Django's and gunicorn's, access log included.

A search for a resident ID sends it in the URL (``/search/?q=…``), and the browser then sends
that URL again as the Referer of the next page; both would otherwise be logged in full.
"""

import contextlib
import logging
import re
from urllib.parse import quote, unquote_plus

from gunicorn import glogging

from .text import find_resident_ids, mask_resident_ids


def _decoded(text):
    """``text`` as a reader typed it: raw UTF-8 bytes and (repeated) percent-encoding undone."""
    if "\\x" in text:
        # A request line gunicorn refused is logged as a repr: its raw bytes as \x93.
        with contextlib.suppress(UnicodeError):
            text = text.encode("latin-1").decode("unicode_escape")
    with contextlib.suppress(UnicodeError):
        # gunicorn gives the request line and headers as Latin-1 decoded bytes.
        text = text.encode("latin-1").decode("utf-8")
    for _ in range(3):  # %2520 is a %20 encoded once more
        decoded = unquote_plus(text)
        if decoded == text:
            break
        text = decoded
    return text


# What stays as it is when a decoded token is encoded again: the mask and URL punctuation.
_SAFE = "*/?&=:;,#[]@!$'()~-._\""


def _mask_token(match):
    token = match.group()
    decoded = _decoded(token)
    if decoded == token or not find_resident_ids(decoded):
        return token
    # Encoded again so that the token stays one token and a line stays a line.
    return quote(mask_resident_ids(decoded), safe=_SAFE)


def mask_log_text(text):
    """``text`` with each resident ID masked, looked for however a URL may have encoded it.

    IDs written out are masked in place; a token (a URL, a query) that holds one once decoded
    is replaced by its masked form, encoded again. Everything else stays as it was.
    """
    return re.sub(r"\S+", _mask_token, mask_resident_ids(text))


class MaskResidentIds(logging.Filter):
    """Masks resident IDs in every record's message (in LOGGING and gunicorn's loggers)."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_log_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger, its access and error logs filtered (``logger_class`` in gunicorn.conf)."""

    mask = MaskResidentIds()

    def setup(self, cfg):
        super().setup(cfg)
        # Filters on the loggers themselves, which every handler gunicorn sets up goes through.
        self.access_log.addFilter(self.mask)
        self.error_log.addFilter(self.mask)
