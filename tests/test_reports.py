"""Readers report a comment: the link and form, one report per reader, the rate limit,
holding a comment after reports from several addresses, and what moderators see."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment, Report

from .caches import closed_port, plain_redis_cache, production_cache


def report(comment, ip="198.51.100.1", client=None, **data):
    data.setdefault("reason", "misinformation")
    return (client or Client()).post(f"/comments/{comment.pk}/report/", data, REMOTE_ADDR=ip)


def test_each_published_comment_has_a_report_link_to_a_form_without_javascript(
    client, article, make_comment
):
    comment = make_comment(article, body="Drink bleach.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/report/"' in page
    form = client.get(f"/comments/{comment.pk}/report/").content.decode()
    assert "Drink bleach." in form and '<form method="post"' in form
    for label in ("Spam", "Abusive", "Medical misinformation", "personal information", "else"):
        assert label in form
    assert "<script" not in form


def test_a_report_is_saved_with_its_reason_and_thanks_the_reader(article, make_comment):
    comment = make_comment(article)
    response = report(comment, note="Contradicts the article", email="r@example.org")
    assert response.status_code == 200
    assert "Thank you: a moderator will look at this comment." in response.content.decode()
    saved = Report.objects.get()
    assert (saved.reason, saved.note, saved.reporter_ip) == (
        "misinformation",
        "Contradicts the article",
        "198.51.100.1",
    )


def test_a_report_without_a_reason_changes_nothing_and_says_so(article, make_comment):
    comment = make_comment(article)
    response = report(comment, reason="", note="My note stays")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please choose a reason: nothing was reported yet." in page
    assert "My note stays" in page
    assert not Report.objects.exists()
    assert report(comment, reason="not-a-reason").status_code == 200
    assert not Report.objects.exists()


def test_the_same_reader_reporting_twice_changes_nothing_and_says_so_politely(
    article, make_comment
):
    comment = make_comment(article)
    report(comment)
    again = report(comment, reason="spam")
    assert "reported from your network already" in again.content.decode()
    assert list(Report.objects.values_list("reason", flat=True)) == ["misinformation"]


def test_reports_from_several_networks_hide_the_comment_for_a_moderator(
    client, article, make_comment, settings, run_mail_queue
):
    settings.COMMENTS_HIDE_REPORT_WEIGHT = 2
    settings.COMMENTS_MODERATORS = ["moira@example.org"]
    comment = make_comment(article, body="A dubious claim.")
    report(comment, ip="198.51.100.1")
    report(comment, ip="198.51.100.1", reason="spam")  # the same reader: still one
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    report(comment, ip="203.0.113.7")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    page = client.get(article.get_absolute_url()).content.decode()
    assert "A dubious claim." not in page
    assert "hidden while a moderator looks at readers’ reports" in page
    run_mail_queue()
    [notice] = mail.outbox
    assert "reported by several readers" in notice.body


def test_a_comment_a_moderator_approved_after_reports_is_never_hidden_again(
    article, make_comment, settings, moderator, run_mail_queue
):
    settings.COMMENTS_HIDE_REPORT_WEIGHT = 2
    settings.COMMENTS_MODERATORS = ["moira@example.org"]
    comment = make_comment(article)
    report(comment, ip="198.51.100.1")
    report(comment, ip="198.51.101.2")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    comment.approve(by=moderator)
    for number in range(3, 7):  # fresh networks, as in the attack
        report(comment, ip=f"198.51.{100 + number}.3")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.hidden_after_reports_at is None
    assert Report.objects.filter(comment=comment).count() == 6  # flagged all the same
    run_mail_queue()
    assert ["reported it again after your approval" in each.body for each in mail.outbox] == [
        False,
        True,
    ]


def test_reports_are_rate_limited_per_network(article, make_comment, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = 2
    comments = [make_comment(article) for _ in range(3)]
    # Three addresses of one /24: one reporter's network.
    statuses = [
        report(each, ip=f"198.51.100.{n}").status_code for n, each in enumerate(comments, 1)
    ]
    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2
    assert report(comments[2], ip="203.0.113.9").status_code == 200


@pytest.mark.parametrize("make_cache", [production_cache, plain_redis_cache])
def test_the_rate_limit_fails_open_when_the_cache_is_down(
    make_cache, article, make_comment, monkeypatch, settings, caplog
):
    """With the production cache (django-redis ignoring a Redis that does not answer), the
    report's own counter once got None and the report was a 500."""
    comment = make_comment(article)
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {**settings.CACHES, "default": make_cache(monkeypatch, location)}
    response = report(comment)
    assert response.status_code == 200
    assert "Thank you: a moderator will look at this comment." in response.content.decode()
    assert Report.objects.count() == 1
    assert "the report rate limit is not applied to this request" in caplog.text


def test_pending_comments_and_unknown_ids_cannot_be_reported(article, make_comment):
    pending = make_comment(article, status=Comment.Status.PENDING)
    assert report(pending).status_code == 404
    assert Client().get("/comments/999999/report/").status_code == 404


def test_readers_never_see_who_reported(client, article, make_comment):
    comment = make_comment(article)
    report(comment, email="reporter@example.org", note="Secret note")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "reporter@example.org" not in page and "Secret note" not in page
    assert "198.51.100.1" not in page


@pytest.mark.parametrize("reported_only", [True, False])
def test_moderators_filter_reported_comments_and_see_count_and_reasons(
    moderator_client, article, make_comment, reported_only, django_assert_max_num_queries
):
    reported = make_comment(article, body="Reported one", status=Comment.Status.PENDING)
    make_comment(article, body="Quiet one", status=Comment.Status.PENDING)
    for ip, reason in [("198.51.100.1", "spam"), ("198.51.100.2", "spam"), ("::1", "abuse")]:
        Report.objects.create(comment=reported, reason=reason, reporter_ip=ip)
    url = "/admin/comments/comment/" + ("?reported=yes" if reported_only else "")
    with django_assert_max_num_queries(12):
        page = moderator_client.get(url).content.decode()
    assert "Reported one" in page
    assert ("Quiet one" in page) is not reported_only
    assert '<td class="field-report_count">3</td>' in page
    change = moderator_client.get(f"/admin/comments/comment/{reported.pk}/change/")
    assert "3: spam or advertising (2), abusive or hateful (1)" in change.content.decode()
