"""Readers' reports about comments (comments/reports.py files them)."""

from django.db import models
from django.utils import timezone


class Report(models.Model):
    """A reader's report about a comment: why, from which address, and how much it counts."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        MISINFORMATION = "misinformation", "Medical misinformation"
        PERSONAL_INFORMATION = "personal", "Someone's personal information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    email = models.EmailField(
        max_length=254, blank=True, help_text="Given by the reporter, for a reply; optional."
    )
    reporter_ip = models.GenericIPAddressField(null=True, blank=True)
    # The reporter's /24 (IPv4) or /64 (IPv6): one reader may hold many addresses of one
    # network, so reports are limited and weighed per network (comments/reports.py). Null
    # once erased: erased reports never clash in the one-per-network constraint.
    reporter_network = models.CharField(max_length=50, null=True, blank=True, editable=False)  # noqa: DJ001
    # How much the report counts towards hiding the comment: more from a reader the site
    # knows (a confirmed address, approved comments) than from a new address.
    weight = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_network"], name="one_report_per_comment_and_network"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} (comment {self.comment_id})"
