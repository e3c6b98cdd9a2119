"""The address a request comes from, also behind the load balancer."""

import contextlib
import ipaddress

from django.conf import settings


def client_address(request):
    """The reader's IP address: the rate limits and the moderators' IP column use it.

    Behind a proxy (BEHIND_PROXY) every request comes from the proxy, so the
    address is the last one in X-Forwarded-For: the one our own proxy added.
    Addresses before it were sent by the client and could be anything.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        # No header, or not an address: keep the proxy's own.
        with contextlib.suppress(ValueError):
            address = str(ipaddress.ip_address(forwarded))
    return address or None
