"""Facts about a request that depend on how the site is deployed."""

import ipaddress

from django.conf import settings
from django_ratelimit.core import get_usage

# The length of a rate's period ("20/m", "10/h") in seconds.
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request):
    """The reader's address: the last X-Forwarded-For entry behind our proxy, else the peer's.

    Entries before the last one come from the client and could be forged; the last one is the
    address the proxy itself saw (README: Deploying).
    """
    if settings.TRUST_X_FORWARDED_FOR:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def seconds_until_allowed(request, group, rate):
    """Count this request against ``rate`` ("20/m") for the reader's address: None while the
    address is within it, else the seconds until it may try again.

    The count is django-ratelimit's, in the shared cache; redis' RedisError when it cannot be
    kept, for the caller to refuse what it limits rather than let it through.
    """
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    if not usage or not usage["should_limit"]:
        return None
    # The window's last second is time_left from now and still counts; time_left is -1 when
    # the count could not be read back (a key that had just expired).
    return usage["time_left"] + 1 if usage["time_left"] >= 0 else RATE_PERIODS[rate[-1]]
