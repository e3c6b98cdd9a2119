"""The monthly moderation report: what arrived in a month and what became of it.

The month's comments are those written in it (the site's time zone), staff replies left
out; each is counted under the status it has now, so a report on last month grows no new
comments but may still see late decisions. The median time to a decision is taken over
the month's comments a moderator decided, from posting to the (latest) decision.
"""

import re
import statistics
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone

from ..models import Comment, RejectionReason

MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_start(year, month):
    return timezone.make_aware(datetime(year, month, 1))


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def monthly_figures(year, month):
    """The report's figures for one month: received, each status, rejections by reason,
    and the median time from posting to a moderator's decision (a timedelta, or None)."""
    received = Comment.objects.filter(
        created_at__gte=month_start(year, month),
        created_at__lt=month_start(*next_month(year, month)),
        is_staff_reply=False,
    ).order_by()
    by_status = dict(received.values_list("status").annotate(count=Count("pk")))
    by_reason = dict(
        received.filter(status=Comment.Status.REMOVED)
        .values_list("rejection_reason")
        .annotate(count=Count("pk"))
    )
    waits = [
        decided - written
        for written, decided in received.filter(moderated_by__isnull=False).values_list(
            "created_at", "moderated_at"
        )
        if decided is not None
    ]
    return {
        "received": sum(by_status.values()),
        "approved": by_status.get(Comment.Status.APPROVED, 0),
        "approved_at_once": received.filter(
            status=Comment.Status.APPROVED, moderated_by__isnull=True
        ).count(),
        "pending": by_status.get(Comment.Status.PENDING, 0),
        "spam": by_status.get(Comment.Status.SPAM, 0),
        "rejected": by_status.get(Comment.Status.REMOVED, 0),
        "rejected_by_reason": [
            (label, by_reason.get(reason, 0)) for reason, label in RejectionReason.choices
        ]
        + ([("No reason given", by_reason[""])] if by_reason.get("") else []),
        "decided": len(waits),
        "median_wait": statistics.median(waits) if waits else None,
    }


def duration(delta):
    """A wait as people say it: "2 h 05 min", "14 min", "40 s"."""
    if delta is None:
        return "–"
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


class ReportView:
    """The report's admin view (a mixin of CommentAdmin)."""

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.localtime()
        year, month = now.year, now.month
        found = MONTH.fullmatch(request.GET.get("month", ""))
        if found and 1 <= int(found[2]) <= 12 and 2000 <= int(found[1]) <= 2100:
            year, month = int(found[1]), int(found[2])
        figures = monthly_figures(year, month)
        start = month_start(year, month)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Moderation report: {start:%B %Y}",
            "figures": figures,
            "median_wait": duration(figures["median_wait"]),
            "previous": "{}-{:02d}".format(*previous_month(year, month)),
            "next": "{}-{:02d}".format(*next_month(year, month))
            if (year, month) < (now.year, now.month)
            else None,
        }
        return TemplateResponse(request, "admin/comments/comment/report.html", context)
