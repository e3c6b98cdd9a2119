"""The address a request comes from, also behind any chain of proxies.

Every proxy in front of the app (a load balancer, Varnish) appends the address it was
connected from to ``X-Forwarded-For``; Varnish does so by itself, before our VCL runs.
So the header reads, left to right, from the reader towards us:

    X-Forwarded-For: <anything the client sent>, <reader>, <balancer>
    REMOTE_ADDR:     <Varnish>

Only the entries our own proxies appended can be believed. Walking from the right,
each entry is the address the proxy to its right was connected from: while that is a
trusted proxy (TRUSTED_PROXIES), the walk goes on; the first address that is not one
is the reader. Entries further left were sent by the reader and could be anything.

Addresses are normalised the one way everything compares them (rate limits, the
block list, reports): an IPv4-mapped IPv6 address (``::ffff:10.9.8.7``) is the IPv4
address it carries, and an entry that is not an address is never the reader's: the
walk stops there and the last trusted proxy is taken, which is still one address per
way in, never one a client chose.
"""

import functools
import ipaddress

from django.conf import settings


def parse_address(value):
    """``value`` as an ``ipaddress`` address, IPv4-mapped IPv6 as IPv4; None if it is not one.

    Accepts what proxies write: surrounding spaces, an IPv6 address in brackets, a
    zone (``fe80::1%eth0``) dropped.
    """
    text = (value or "").strip().strip("[]").split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def normalise_address(value):
    """The canonical text of an IP address (IPv4-mapped IPv6 as IPv4), or None."""
    address = parse_address(value)
    return str(address) if address is not None else None


def trusted_proxy_networks(entries=None):
    """TRUSTED_PROXIES (or ``entries``) as networks; an address is a network of one."""
    entries = settings.TRUSTED_PROXIES if entries is None else entries
    return _networks(tuple(entries))


@functools.lru_cache(maxsize=8)
def _networks(entries):
    # Parsed once per process (per value, so a test's own setting is read too).
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _is_trusted(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def client_address(request):
    """The reader's IP address, normalised: the rate limits, reports, the block list and the
    moderators' IP column use it. None when the request has no address at all.

    Without BEHIND_PROXY, the connection's own address. With it, the right-most
    ``X-Forwarded-For`` entry that is not a trusted proxy, read only when the connection
    itself comes from a trusted proxy (see the module's docstring).
    """
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None or not settings.BEHIND_PROXY:
        return str(peer) if peer is not None else None
    networks = trusted_proxy_networks()
    address = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed(hops):
        if not _is_trusted(address, networks):
            break  # the one who connected to a trusted proxy: the reader
        if not entry.strip():
            continue  # an empty header, or ", ," between entries
        forwarded = parse_address(entry)
        if forwarded is None:
            break  # not an address: keep the trusted proxy that passed it on
        address = forwarded
    return str(address)
