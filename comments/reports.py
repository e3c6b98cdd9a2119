"""Readers report a comment to the moderators.

A report names a reason and, optionally, a note and the reporter's email (for a
moderator's reply). One report per comment from one IP address; at most
COMMENTS_REPORT_RATE_LIMIT reports from one address per COMMENTS_REPORT_RATE_PERIOD.
After COMMENTS_HIDE_AFTER_REPORTS reports from different addresses since a moderator
last decided on it, a published comment is held until a moderator decides again.
Reporters are shown to moderators only, never to other readers.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from cms.rate_limits import limit_exceeded

from .models import Report
from .notifications import notify_moderators

logger = logging.getLogger(__name__)


def rate_limit_exceeded(ip_address):
    """Count a report from this address; True once it exceeds COMMENTS_REPORT_RATE_LIMIT in
    COMMENTS_REPORT_RATE_PERIOD. When the cache does not answer the limit is skipped (and
    logged, cms/rate_limits.py): one report per comment and address still holds in the
    database."""
    return limit_exceeded(
        "report rate",
        ip_address,
        limit=settings.COMMENTS_REPORT_RATE_LIMIT,
        period=settings.COMMENTS_REPORT_RATE_PERIOD,
    )


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
    if comment.status == comment.Status.APPROVED:
        reporters = _reporters_since_last_decision(comment)
        if reporters >= settings.COMMENTS_HIDE_AFTER_REPORTS:
            hold_for_moderator(comment, reporters)
    return report


def _reporters_since_last_decision(comment):
    reports = Report.objects.filter(comment=comment)
    if comment.moderated_by_id and comment.moderated_at:
        # A moderator who published it after earlier reports has heard those.
        reports = reports.filter(created_at__gt=comment.moderated_at)
    return reports.values("reporter_ip").distinct().count()


def hold_for_moderator(comment, reporters):
    """Take a comment ``reporters`` readers reported off the page until a moderator
    decides, with the reason "reported" (comments/moderation.py), and tell them."""
    comment.hold_reasons = [
        *(each for each in comment.hold_reasons if each.get("code") != "reported"),
        {"code": "reported", "detail": f"reported by {reporters} readers"},
    ]
    comment.hold()
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
