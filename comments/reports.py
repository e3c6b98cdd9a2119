"""Readers report a comment to the moderators, and reports that no one can use to silence
a reader.

A report names a reason and, optionally, a note and the reporter's email (for a
moderator's reply). Reporters are grouped by network: the /24 of an IPv4 address, the
/64 of an IPv6 one, since one person easily holds many addresses of one network.

- Limits: one report per comment from one network; at most COMMENTS_REPORT_RATE_LIMIT
  reports from one network per COMMENTS_REPORT_RATE_PERIOD (cms/rate_limits.py).
- Weight: a report from a reader the site knows (this browser confirmed an address by
  email, or posted comments a moderator approved) counts WEIGHT_KNOWN; from a new
  address, WEIGHT_NEW. Each network counts once, with its heaviest report.
- Hiding: once the reports since a moderator last decided weigh
  COMMENTS_HIDE_REPORT_WEIGHT, a published comment is hidden until a moderator decides
  (Comment.hide_after_reports): readers see a placeholder, and its approved replies
  stay on the page.
- A moderator's approval after reports settles it: later reports only tell the
  moderators again (once the weight passes the threshold), and never hide it.

Reporters are shown to moderators only, never to other readers.
"""

import ipaddress
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from cms.addresses import parse_address
from cms.rate_limits import limit_exceeded

from .models import Comment, Report
from .notifications import notify_moderators
from .subscriptions import is_trusted_address

logger = logging.getLogger(__name__)

WEIGHT_NEW = 1
WEIGHT_KNOWN = 3
NETWORK_PREFIX = {4: 24, 6: 64}


def reporter_network(ip_address):
    """The /24 (IPv4) or /64 (IPv6) network of an address, as text; None without one."""
    address = parse_address(ip_address)
    if address is None:
        return None
    prefix = NETWORK_PREFIX[address.version]
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def reporter_weight(reader):
    """How much a report from this Reader (comments/readers.py) counts: WEIGHT_KNOWN when
    their browser confirmed an address by email, or posted a comment now approved; else
    WEIGHT_NEW. At most one query."""
    confirmed = reader.confirmed_email
    if confirmed and is_trusted_address(confirmed, confirmed):
        return WEIGHT_KNOWN
    if (
        reader.own_comment_ids
        and Comment.objects.approved().filter(pk__in=list(reader.own_comment_ids)).exists()
    ):
        return WEIGHT_KNOWN
    return WEIGHT_NEW


def rate_limit_exceeded(ip_address):
    """Count a report from this address's network; True once it exceeds
    COMMENTS_REPORT_RATE_LIMIT in COMMENTS_REPORT_RATE_PERIOD. When the cache does not
    answer the limit is skipped (and logged, cms/rate_limits.py): one report per comment
    and network still holds in the database."""
    return limit_exceeded(
        "report rate",
        reporter_network(ip_address) or ip_address,
        limit=settings.COMMENTS_REPORT_RATE_LIMIT,
        period=settings.COMMENTS_REPORT_RATE_PERIOD,
    )


def file_report(comment, *, reason, note="", email="", reporter_ip=None, weight=WEIGHT_NEW):
    """Save a report; hide the comment once the reports weigh enough (see the module).

    Returns the Report, or None when this network has reported this comment already
    (the first report stands; nothing changes).
    """
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reason=reason,
                note=note,
                email=email,
                reporter_ip=reporter_ip,
                reporter_network=reporter_network(reporter_ip),
                weight=weight,
            )
    except IntegrityError:
        return None
    if comment.status != comment.Status.APPROVED or comment.hidden_after_reports_at:
        return report
    threshold = settings.COMMENTS_HIDE_REPORT_WEIGHT
    weight_now = reports_weight(comment)
    if weight_now < threshold:
        return report
    if approved_after_reports(comment):
        # Settled by a moderator: tell them once more when the threshold is passed again.
        if weight_now - report.weight < threshold:
            notify_moderators(comment, reason="readers reported it again after your approval")
        return report
    hide_for_moderator(comment)
    return report


def _since_last_decision(comment):
    reports = Report.objects.filter(comment=comment)
    if comment.moderated_by_id and comment.moderated_at:
        # A moderator who published it after earlier reports has heard those.
        reports = reports.filter(created_at__gt=comment.moderated_at)
    return reports


def reports_weight(comment):
    """The weight of the reports on ``comment`` since a moderator last decided: each network
    once, with its heaviest report. One query."""
    heaviest = {}
    for network, weight in _since_last_decision(comment).values_list("reporter_network", "weight"):
        heaviest[network] = max(weight, heaviest.get(network, 0))
    return sum(heaviest.values())


def approved_after_reports(comment):
    """True when a moderator published ``comment`` after it was reported: it is then never
    hidden by reports again."""
    if not (comment.moderated_by_id and comment.moderated_at):
        return False
    return Report.objects.filter(comment=comment, created_at__lte=comment.moderated_at).exists()


def hide_for_moderator(comment):
    """Take a reported comment off the page until a moderator decides, and tell them."""
    # The reason moderators see in the queue (comments/moderation.py's codes).
    comment.hold_reasons = [
        *(each for each in comment.hold_reasons if each.get("code") != "reported"),
        {"code": "reported", "detail": f"reports of weight {reports_weight(comment)}"},
    ]
    comment.hide_after_reports()
    logger.info("Comment %s hidden after readers' reports", comment.pk)
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
