"""Reports that cannot silence a reader (issue 24, item 2): reporters grouped by network
and weighed, a hidden comment's approved replies kept on the page."""

from django.core import signing
from django.test import Client
from django.utils import timezone

from comments.models import Comment, Report, Subscription
from comments.readers import (
    CONFIRMED_COOKIE,
    CONFIRMED_COOKIE_SALT,
    OWN_COMMENTS_COOKIE,
    OWN_COMMENTS_SALT,
)


def report(comment, ip, client=None):
    return (client or Client()).post(
        f"/comments/{comment.pk}/report/", {"reason": "abuse"}, REMOTE_ADDR=ip
    )


def page_of(article):
    return Client().get(article.get_absolute_url()).content.decode()


def test_three_addresses_of_one_network_do_not_hide_a_comment_or_its_replies(article, make_comment):
    comment = make_comment(article, body="Published words.")
    reply = make_comment(article, parent=comment, body="A first reply.")
    make_comment(article, parent=reply, body="A second reply.")
    for ip in ("127.0.16.1", "127.0.16.2", "127.0.16.3"):
        report(comment, ip)
    for ip in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"):
        report(comment, ip)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # One report per comment and network: two networks, two reports.
    assert Report.objects.count() == 2
    page = page_of(article)
    assert "Published words." in page and "A first reply." in page and "A second reply." in page


def test_a_hidden_comment_keeps_its_approved_replies_on_the_page(article, make_comment, settings):
    settings.COMMENTS_HIDE_REPORT_WEIGHT = 3
    comment = make_comment(article, body="Reported words.", name="Rita Reported")
    reply = make_comment(article, parent=comment, body="A first reply.")
    make_comment(article, parent=reply, body="A second reply.")
    for ip in ("198.51.100.1", "203.0.113.1", "192.0.2.1"):
        report(comment, ip)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and comment.hidden_after_reports_at
    page = page_of(article)
    assert "Reported words." not in page and "Rita Reported" not in page
    assert "hidden while a moderator looks at readers’ reports" in page
    assert "A first reply." in page and "A second reply." in page
    assert "2 Responses" in page  # the hidden comment is not counted; its replies are


def test_readers_the_site_knows_weigh_more_than_new_addresses(article, make_comment):
    comment = make_comment(article, body="Reported words.")
    # Two new networks: weight 2 of the 6 needed.
    report(comment, "198.51.100.1")
    report(comment, "203.0.113.1")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # A reader whose own comment was approved weighs 3 ...
    own = make_comment(article, body="My own approved comment.")
    regular = Client()
    regular.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([own.pk], salt=OWN_COMMENTS_SALT)
    report(comment, "192.0.2.1", client=regular)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED  # 5 of 6
    # ... and so does one whose browser confirmed an address by email.
    Subscription.objects.create(
        email="kim@example.org",
        kind=Subscription.Kind.ARTICLE,
        article=article,
        confirmed_at=timezone.now(),
    )
    confirmed = Client()
    confirmed.cookies[CONFIRMED_COOKIE] = signing.dumps(
        "kim@example.org", salt=CONFIRMED_COOKIE_SALT
    )
    report(comment, "100.64.0.1", client=confirmed)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert sorted(Report.objects.values_list("weight", flat=True)) == [1, 1, 3, 3]
