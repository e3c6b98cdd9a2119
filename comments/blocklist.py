"""The moderators' block list: email addresses and IP networks whose posts are spam.

A blocked sender is not told: their comment is saved as spam, silently, like a
bot's (the rule ``blocked_sender`` in comments/moderation.py). An entry may expire.
A single IP address is a network of one (/32 or /128); from a comment, the admin
offers its address, its /24 (IPv4) or /64 (IPv6) network, and its email.
"""

import ipaddress

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from cms.addresses import parse_address

from .identity import mailbox_key
from .models import BlockedSender

NETWORK_PREFIX = {4: 24, 6: 64}


def is_blocked(email, ip_address, now=None):
    """True when the mailbox or the IP (in any blocked network) is on the list, in force.

    Both sides normalised: the email as the key of its mailbox (comments/identity.py: any
    spelling of a blocked mailbox is blocked), the IP with IPv4-mapped IPv6 as IPv4
    (cms/addresses.py). One query; the networks are matched here, so keep the list to
    what moderators add.
    """
    entries = BlockedSender.objects.active(now).filter(
        Q(kind=BlockedSender.Kind.EMAIL, value=mailbox_key(email))
        | Q(kind=BlockedSender.Kind.NETWORK)
    )
    address = parse_address(ip_address) if ip_address else None
    for kind, value in entries.values_list("kind", "value"):
        if kind == BlockedSender.Kind.EMAIL:
            return True
        if address is not None:
            network = ipaddress.ip_network(value, strict=False)
            if network.version == address.version and address in network:
                return True
    return False


def block_links(comment):
    """(label, admin URL) to block this comment's sender: the add form, filled in."""
    add = reverse("admin:comments_blockedsender_add")
    note = f"From comment {comment.pk} on “{comment.article}”."
    links = []
    if comment.email:
        links.append(("Block this email address", comment.email, "email", comment.email))
    if comment.ip_address:
        address = ipaddress.ip_address(comment.ip_address)
        network = ipaddress.ip_network(f"{address}/{NETWORK_PREFIX[address.version]}", strict=False)
        links.append(("Block this IP address", str(address), "network", str(address)))
        links.append(("Block its network", str(network), "network", str(network)))
    return [
        (label, shown, f"{add}?{urlencode({'kind': kind, 'value': value, 'note': note})}")
        for label, shown, kind, value in links
    ]
