"""Facts about a request that depend on how the site is deployed."""

import ipaddress

from django.conf import settings


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
