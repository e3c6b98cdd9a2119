"""The moderators' block list (comments/blocklist.py matches senders against it)."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..identity import mailbox_key


def canonical_network(value):
    """An IP address or network in its canonical text (an address is a network of one); an
    IPv4-mapped IPv6 network (``::ffff:10.9.8.7``) is the IPv4 network it carries.
    ValueError if it is neither."""
    network = ipaddress.ip_network(value.strip().strip("[]"), strict=False)
    mapped = ipaddress.ip_network("::ffff:0:0/96")
    if network.version == 6 and network.subnet_of(mapped):
        address = network.network_address.ipv4_mapped
        network = ipaddress.ip_network(f"{address}/{max(network.prefixlen - 96, 0)}", strict=False)
    return str(network)


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
        help_text="An email address, or an IP address or network such as 203.0.113.0/24. "
        "Stored normalised: every spelling of one mailbox is blocked.",
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
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="one_block_per_sender")
        ]
        verbose_name = "blocked sender"

    def __str__(self):
        return self.value

    def clean(self):
        """Normalise the value: an email as the key of its mailbox (comments/identity.py), a
        network in its canonical form, so that matching is one lookup of equal values."""
        value = (self.value or "").strip()
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValidationError({"value": "Enter a valid email address."}) from error
            self.value = mailbox_key(value)
        elif self.kind == self.Kind.NETWORK:
            try:
                self.value = canonical_network(value)
            except ValueError as error:
                raise ValidationError(
                    {"value": "Enter an IP address or a network such as 203.0.113.0/24."}
                ) from error
