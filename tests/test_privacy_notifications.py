"""Subscriptions, reports and the copies of emails are part of a commenter's data:
exported with it, erased with it, and kept no longer than /privacy/ says."""

from datetime import timedelta

from django.utils import timezone

from comments.mail import queue_email
from comments.models import OutgoingEmail, Report, Subscription
from comments.privacy import clear_old_ip_addresses, erase_commenter_data, export_commenter_data


def _data_of_ada(article, make_comment):
    comment = make_comment(article, email="ada@example.org")
    other = make_comment(article, email="bob@example.org")
    Subscription.objects.create(
        email="ada@example.org", kind="replies", article=article, comment=comment
    )
    Subscription.objects.create(email="bob@example.org", kind="article", article=article)
    Report.objects.create(
        comment=other, reason="spam", email="Ada@example.org", reporter_ip="198.51.100.4"
    )
    queue_email(kind="confirmation", recipients=["ada@example.org"], subject="Confirm", body="B")
    queue_email(kind="confirmation", recipients=["bob@example.org"], subject="Bob's", body="B")
    return comment


def test_export_has_subscriptions_reports_and_emails(article, make_comment):
    comment = _data_of_ada(article, make_comment)
    data = export_commenter_data("ADA@example.org")
    [subscription] = data["email_subscriptions"]
    assert (subscription["kind"], subscription["comment"]) == ("replies", comment.pk)
    [report] = data["reports_made"]
    assert (report["reason"], report["ip_address"]) == ("spam", "198.51.100.4")
    assert [email["subject"] for email in data["emails_sent_to_you"]] == ["Confirm"]


def test_erasure_ends_subscriptions_and_anonymises_reports(article, make_comment):
    _data_of_ada(article, make_comment)
    erase_commenter_data("ada@example.org")
    assert list(Subscription.objects.values_list("email", flat=True)) == ["bob@example.org"]
    report = Report.objects.get()
    assert (report.email, report.reporter_ip, report.reason) == ("", None, "spam")
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Bob's"]


def test_old_reporter_addresses_and_sent_emails_are_cleared_with_the_ips(
    article, make_comment, settings
):
    _data_of_ada(article, make_comment)
    OutgoingEmail.objects.filter(subject="Confirm").update(status="sent")
    later = timezone.now() + timedelta(days=settings.COMMENTS_KEEP_IP_DAYS + 1)
    clear_old_ip_addresses(now=later)
    assert Report.objects.get().reporter_ip is None
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Bob's"]
    assert not Subscription.objects.exists()  # never confirmed while the links worked


def test_the_privacy_page_explains_emails_reports_and_how_long(client, settings):
    page = client.get("/privacy/").content.decode()
    for words in (
        "Emails about replies",
        "confirm",
        "unsubscribe",
        "Reports",
        f"{settings.COMMENTS_KEEP_IP_DAYS} days",
        f"within {settings.COMMENTS_CONFIRM_LINK_DAYS} days is deleted",
    ):
        assert words in page
