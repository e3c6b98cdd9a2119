"""Readers' reports about comments (comments/reports.py files them)."""

from django.db import models
from django.utils import timezone


class Report(models.Model):
    """A reader's report about a comment: why, and from which address."""

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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_ip"], name="one_report_per_comment_and_address"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} (comment {self.comment_id})"
