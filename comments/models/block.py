"""The moderators' block list (comments/blocklist.py matches senders against it)."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
