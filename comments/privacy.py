"""The readers' own data: export, erasure and the clearing of old IP addresses.

The management commands (export_commenter_data, erase_commenter_data,
clear_commenter_ips) and the admin's actions (comments/admin/privacy.py) all call
these functions.
A request names an email address; every spelling of its mailbox is the same person's
(comments/identity.py: ``"ada"@example.org``, ``Ada@EXAMPLE.org``, Gmail's dots...).
The log names how many comments were touched and their ids, never the email
address asked about: the log must not become another copy of personal data.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article

from .identity import mailbox_key
from .markup import render_comment
from .models import Comment, Commenter, OutgoingEmail, Report, Subscription

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "Anonymous"
REMOVED_TEXT = "This comment was removed at its author's request."


def comments_of(email):
    """Every comment posted with any spelling of ``email``'s mailbox, oldest first (one
    indexed lookup of Comment.mailbox)."""
    key = mailbox_key(email)
    if not key:
        return Comment.objects.none()
    return Comment.objects.filter(mailbox=key).order_by("created_at", "pk")


def reports_by(email):
    """The reports whose reporter left any spelling of ``email``'s mailbox. Few reports carry
    an email, so they are matched here rather than through a column of their own."""
    key = mailbox_key(email)
    ids = [
        pk
        for pk, given in Report.objects.exclude(email="").values_list("pk", "email")
        if key and mailbox_key(given) == key
    ]
    return Report.objects.filter(pk__in=ids)


def export_commenter_data(email):
    """Everything stored about the comments posted with ``email``, as a JSON-ready dict."""
    comments = comments_of(email).select_related("article", "article_version")
    return {
        "email": email.strip(),
        "exported_at": timezone.now(),
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.slug,
                "article_url": settings.SITE_URL + comment.article.get_absolute_url(),
                "article_version": comment.article_version.number
                if comment.article_version
                else None,
                "in_reply_to": comment.parent_id,
                "name": comment.name,
                "email": comment.email,
                "website": comment.website,
                "comment": comment.body,
                "status": comment.status,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "created_at": comment.created_at,
                "moderated_at": comment.moderated_at,
            }
            for comment in comments
        ],
        "email_subscriptions": [
            {
                "kind": subscription.kind,
                "article": subscription.article.slug,
                "comment": subscription.comment_id,
                "created_at": subscription.created_at,
                "confirmed_at": subscription.confirmed_at,
            }
            for subscription in Subscription.objects.of(email).select_related("article")
        ],
        "reports_made": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "note": report.note,
                "ip_address": report.reporter_ip,
                "created_at": report.created_at,
            }
            for report in reports_by(email)
        ],
        # What moderators decided about the address, and their notes (comments/commenters.py).
        "moderators_standing_and_notes": [
            {"standing": each.standing, "notes": each.notes, "updated_at": each.updated_at}
            for each in Commenter.objects.filter(email=mailbox_key(email))
        ],
        "emails_sent_to_you": [
            {
                "subject": message.subject,
                "status": message.status,
                "created_at": message.created_at,
                "sent_at": message.sent_at,
            }
            for message in _emails_to(email)
        ],
    }


def _emails_to(email):
    """The site's own copies of the emails sent (or queued) to ``email``'s mailbox, alone:
    sent to its key (how subscriptions store it), or, before keys, to its lower case."""
    spellings = {mailbox_key(email), (email or "").strip().lower()} - {""}
    sent_to = Q(pk__in=[])
    for spelling in spellings:
        sent_to |= Q(recipients=[spelling])
    return OutgoingEmail.objects.filter(sent_to)


def export_commenter_data_json(email):
    """export_commenter_data() as indented JSON text."""
    return json.dumps(
        export_commenter_data(email), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )


def _expire_cached_threads(article_ids):
    Article.objects.filter(pk__in=article_ids).expire_pages()


def erase_commenter_data(email, *, remove_text=False, requested_by=""):
    """Anonymise every comment posted with ``email``; return how many were changed.

    The name becomes "Anonymous"; the email, website, IP address and user agent
    are cleared. The text stays (replies may quote it) unless ``remove_text``,
    which replaces it with a short note. Their email subscriptions, the site's copies of
    emails to them and the moderators' standing and notes of the address are deleted;
    reports they made lose their email and IP address. All in one transaction: either
    everything is erased or nothing is.
    """
    changes = {
        "name": ANONYMOUS_NAME,
        "email": "",
        "mailbox": None,
        "website": "",
        "ip_address": None,
        "user_agent": "",
        "avatar_colour": 0,
        "posting_key": None,  # an HMAC of, among others, the mailbox
    }
    if remove_text:
        # The reasons go too: a crisis reason quotes the text.
        changes.update(body=REMOVED_TEXT, body_html=render_comment(REMOVED_TEXT), hold_reasons=[])
    with transaction.atomic():
        comments = comments_of(email).select_for_update()
        ids = list(comments.values_list("pk", flat=True))
        article_ids = set(comments.values_list("article_id", flat=True))
        count = Comment.objects.filter(pk__in=ids).update(**changes)
        # No more email to them, no copy of what was sent, no name on their reports.
        Subscription.objects.of(email).delete()
        _emails_to(email).delete()
        reports_by(email).update(email="", reporter_ip=None, reporter_network=None)
        Commenter.objects.filter(email=mailbox_key(email)).delete()  # standing and notes
        _expire_cached_threads(article_ids)
    logger.info(
        "Privacy request%s: erased the personal data of %d comment(s) %s (text %s).",
        f" by {requested_by}" if requested_by else "",
        count,
        ids,
        "removed" if remove_text else "kept",
    )
    return count


def clear_old_ip_addresses(days=None, now=None):
    """Clear the IP address and user agent of comments older than ``days``; return the count.

    ``days`` defaults to settings.COMMENTS_KEEP_IP_DAYS: long enough to deal
    with abuse, short enough not to keep them for ever.
    """
    days = settings.COMMENTS_KEEP_IP_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    count = (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent="") | Q(posting_key__isnull=False))
        # The posting key (comments/resubmission.py) is an HMAC of, among others, the address.
        .update(ip_address=None, user_agent="", posting_key=None)
    )
    # Reporters' addresses go after the same time; so do the copies of sent emails.
    Report.objects.filter(created_at__lt=cutoff, reporter_ip__isnull=False).update(
        reporter_ip=None, reporter_network=None
    )
    OutgoingEmail.objects.filter(created_at__lt=cutoff, status=OutgoingEmail.Status.SENT).delete()
    # A subscription nobody confirmed while its link worked never will be.
    confirm_cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_CONFIRM_LINK_DAYS)
    Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=confirm_cutoff).delete()
    logger.info(
        "Cleared the IP address and user agent of %d comment(s) older than %d days.", count, days
    )
    return count
