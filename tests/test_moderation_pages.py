"""Issue 22's pages around the queue: a comment's page (its text first, then the decision),
the monthly moderation report, and dates shown one way in the admin and on the site."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, OutgoingEmail

CHANGELIST = "/admin/comments/comment/"

pytestmark = pytest.mark.django_db


def test_the_comments_page_puts_the_text_first_then_the_decision_with_the_sites_dates(
    moderator_client, article, make_comment
):
    comment = make_comment(
        article,
        status=Comment.Status.PENDING,
        body="The words a moderator reads first.",
        ip_address="203.0.113.9",
        created_at=timezone.make_aware(datetime(2026, 11, 3, 14, 5)),
    )

    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    text = page.content.decode()

    assert text.index("The words a moderator reads first.") < text.index("moderation-heading")
    assert text.index("moderation-heading") < text.index("On the article")
    assert ">IP address:</label>" in text
    assert ">3 November 2026 at 14:05 UTC</time>" in text


def test_the_monthly_report_counts_decisions_by_reason_and_the_median_wait(
    moderator_client, moderator, article, make_comment
):
    start = timezone.make_aware(datetime(2026, 10, 1, 9, 0))

    def comment_in_october(day, status, wait_minutes=None, reason=""):
        comment = make_comment(
            article, status=Comment.Status.PENDING, created_at=start + timedelta(days=day)
        )
        if wait_minutes is not None:
            Comment.objects.filter(pk=comment.pk).update(
                status=status,
                rejection_reason=reason,
                moderated_by=moderator,
                moderated_at=comment.created_at + timedelta(minutes=wait_minutes),
            )
        return comment

    comment_in_october(1, Comment.Status.APPROVED, 10)
    comment_in_october(2, Comment.Status.APPROVED, 30)
    comment_in_october(3, Comment.Status.REMOVED, 50, "misinformation")
    comment_in_october(4, Comment.Status.REMOVED, 70, "misinformation")
    comment_in_october(5, Comment.Status.SPAM, 90)
    comment_in_october(6, Comment.Status.PENDING)
    make_comment(article, created_at=start - timedelta(days=3))  # September: not counted

    response = moderator_client.get(reverse("admin:comments_comment_report"), {"month": "2026-10"})

    figures = response.context["figures"]
    assert figures["received"] == 6
    assert (figures["approved"], figures["rejected"], figures["spam"], figures["pending"]) == (
        2,
        2,
        1,
        1,
    )
    assert ("Misinformation (please cite a source)", 2) in figures["rejected_by_reason"]
    assert ("Abuse", 0) in figures["rejected_by_reason"]
    assert figures["median_wait"] == timedelta(minutes=50)
    text = response.content.decode()
    assert "Moderation report: October 2026" in text
    assert '<th scope="row">Median time to a decision</th><td>50 min' in text


def test_the_admin_shows_dates_as_the_article_page_does(admin_client, article, make_comment):
    written = timezone.make_aware(datetime(2026, 11, 3, 14, 5))
    comment = make_comment(article, created_at=written, name="Dated Reader")
    OutgoingEmail.objects.create(
        kind=OutgoingEmail.Kind.REJECTION, recipients=["a@example.org"], subject="Dated", body=".",
        created_at=written,
    )  # fmt: skip

    article_page = Client().get(article.get_absolute_url()).content.decode()
    emails = admin_client.get("/admin/comments/outgoingemail/").content.decode()
    queue = admin_client.get(CHANGELIST, {"status": "all"}).content.decode()

    shown = "3 November 2026 at 14:05 UTC"
    assert shown in article_page and shown in emails and shown in queue
    assert comment.name in article_page


def test_urgent_comments_lead_the_pending_queue_and_all_keeps_the_date_order(
    moderator_client, article, make_comment
):
    now = timezone.now()
    older = make_comment(
        article,
        status=Comment.Status.PENDING,
        body="I do not want to be here any more.",
        urgent=True,
        created_at=now - timedelta(hours=3),
    )
    newer = make_comment(article, status=Comment.Status.PENDING, body="A question.", created_at=now)
    pending = moderator_client.get(CHANGELIST).content.decode()
    assert pending.index(f"/{older.pk}/change/") < pending.index(f"/{newer.pk}/change/")
    everything = moderator_client.get(CHANGELIST + "?status=all").content.decode()
    assert everything.index(f"/{newer.pk}/change/") < everything.index(f"/{older.pk}/change/")
