"""Readers report a comment to the moderators.

A report names a reason and, optionally, a note and the reporter's email (for a
moderator's reply). One report per comment from one IP address; at most
COMMENTS_REPORT_RATE_LIMIT reports from one address per COMMENTS_REPORT_RATE_PERIOD.
After COMMENTS_HIDE_AFTER_REPORTS reports from different addresses since a moderator
last decided on it, a published comment is held until a moderator decides again.
Reporters are shown to moderators only, never to other readers.
"""

import logging
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


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
        app_label = "comments"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_ip"], name="one_report_per_comment_and_address"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} (comment {self.comment_id})"


class ReportForm(forms.ModelForm):
    """What a reader fills in to report a comment: a reason, and optionally a note and email."""

    class Meta:
        model = Report
        fields = ["reason", "note", "email"]
        labels = {
            "reason": "Why should a moderator look at this comment?",
            "note": "Anything a moderator should know (optional)",
            "email": "Your email, if you would like a reply (optional, never published)",
        }
        help_texts = {"email": ""}  # the label says it all to the reader
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
        }
        error_messages = {
            "reason": {"required": "Please choose a reason: nothing was reported yet."},
            "email": {"invalid": "Please enter a valid email address, or leave it empty."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices  # no empty "------" choice


def rate_limit_exceeded(ip_address):
    """Count a report from this address; True once it exceeds the limit for the period.

    When the cache does not answer, the limit is skipped (and logged): a reader's
    report matters more than the limit, and one report per comment and address
    still holds in the database.
    """
    if not settings.COMMENTS_REPORT_RATE_LIMIT:
        return False
    period = settings.COMMENTS_REPORT_RATE_PERIOD
    key = f"comments:report-rate:{ip_address}:{int(time.time() // period)}"
    try:
        cache.add(key, 0, timeout=period * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period * 2)
            count = 1
    except Exception:
        logger.warning("Report rate limit skipped: the cache did not answer", exc_info=True)
        return False
    return count > settings.COMMENTS_REPORT_RATE_LIMIT


def file_report(comment, *, reason, note="", email="", reporter_ip=None):
    """Save a report; hold the comment once enough different addresses reported it.

    Returns the Report, or None when this address has reported this comment already
    (the first report stands; nothing changes).
    """
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment, reason=reason, note=note, email=email, reporter_ip=reporter_ip
            )
    except IntegrityError:
        return None
    if comment.status == comment.Status.APPROVED and _reporters_since_last_decision(comment) >= (
        settings.COMMENTS_HIDE_AFTER_REPORTS
    ):
        hold_for_moderator(comment)
    return report


def _reporters_since_last_decision(comment):
    reports = Report.objects.filter(comment=comment)
    if comment.moderated_by_id and comment.moderated_at:
        # A moderator who published it after earlier reports has heard those.
        reports = reports.filter(created_at__gt=comment.moderated_at)
    return reports.values("reporter_ip").distinct().count()


def hold_for_moderator(comment):
    """Take a reported comment off the page until a moderator decides, and tell them."""
    from .moderation import notify_moderators

    comment.status = comment.Status.PENDING
    comment.save()
    logger.info("Comment %s held after reports from several addresses", comment.pk)
    notify_moderators(comment, reason="it was reported by several readers")


def report_summary(comment):
    """ "3: spam (2), abuse (1)" for the admin, from the comment's reports."""
    reasons = dict(Report.Reason.choices)
    counts = {}
    for report in comment.reports.all():
        counts[report.reason] = counts.get(report.reason, 0) + 1
    if not counts:
        return ""
    parts = ", ".join(
        f"{label.lower()} ({counts[key]})" for key, label in reasons.items() if key in counts
    )
    return f"{sum(counts.values())}: {parts}"
