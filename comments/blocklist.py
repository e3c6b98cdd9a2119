"""The moderators' block list: email addresses and IP networks whose posts are spam.

A blocked sender is not told: their comment is saved as spam, silently, like a
bot's (the rule ``blocked_sender`` in comments/moderation.py). An entry may expire.
A single IP address is a network of one (/32 or /128); from a comment, the admin
offers its address, its /24 (IPv4) or /64 (IPv6) network, and its email.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

NETWORK_PREFIX = {4: 24, 6: 64}


class BlockedSenderQuerySet(models.QuerySet):
    def active(self, now=None):
        """Entries in force: without an expiry, or expiring later than ``now``."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now()))


class BlockedSender(models.Model):
    """An email address or an IP network that may not comment (its posts become spam)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        NETWORK = "network", "IP address or network"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=254,
        help_text="An email address, or an IP address or network such as 203.0.113.0/24.",
    )
    note = models.TextField(blank=True, help_text="Why: for the other moderators.")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to block until the entry is deleted."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = BlockedSenderQuerySet.as_manager()

    class Meta:
        app_label = "comments"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="one_block_per_sender")
        ]
        verbose_name = "blocked sender"

    def __str__(self):
        return self.value

    def clean(self):
        """Normalise the value: email in lower case, a network in its canonical form."""
        value = (self.value or "").strip()
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValidationError({"value": "Enter a valid email address."}) from error
            self.value = value.lower()
        elif self.kind == self.Kind.NETWORK:
            try:
                self.value = str(ipaddress.ip_network(value, strict=False))
            except ValueError as error:
                raise ValidationError(
                    {"value": "Enter an IP address or a network such as 203.0.113.0/24."}
                ) from error


def is_blocked(email, ip_address, now=None):
    """True when the address or the IP (in any blocked network) is on the list, in force.

    One query; the networks are matched here, so keep the list to what moderators add.
    """
    entries = BlockedSender.objects.active(now).filter(
        Q(kind=BlockedSender.Kind.EMAIL, value=(email or "").strip().lower())
        | Q(kind=BlockedSender.Kind.NETWORK)
    )
    address = None
    if ip_address:
        try:
            address = ipaddress.ip_address(ip_address)
        except ValueError:
            address = None
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
