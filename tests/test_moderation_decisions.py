"""Issue 22's queue, used through its URLs as a moderator uses it: decisions with reasons,
Undo, the rejection email, the markers and filter of why a comment is held, the order,
an empty queue, the comment's page and the monthly report."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, OutgoingEmail

CHANGELIST = "/admin/comments/comment/"

pytestmark = pytest.mark.django_db


def moderate(comment, action):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, action])


def the_message(response):
    """The message this response added (the test client follows no redirect, so earlier
    ones are still waiting)."""
    return str(list(get_messages(response.wsgi_request))[-1])


def undo_fields(message):
    """The fields the message's Undo form posts."""
    assert 'class="button undo-button">Undo</button>' in message
    return {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">', message
        )
    }


def record(comment):
    comment.refresh_from_db()
    return (comment.status, comment.moderated_by_id, comment.moderated_at, comment.rejection_reason)


def history(comment):
    return list(
        LogEntry.objects.filter(object_id=str(comment.pk))
        .order_by("pk")
        .values_list("change_message", flat=True)
    )


@pytest.fixture
def purged(settings, monkeypatch):
    """The surrogate keys purged from the shared cache (the network call left out)."""
    from cms import caching

    settings.HTTP_CACHE_NODES = ["http://127.0.0.1:6081"]
    keys = []
    monkeypatch.setattr(caching, "purge", lambda *purged_keys: keys.extend(purged_keys))
    return keys


def test_undo_of_an_approval_restores_exactly_the_state_before_and_purges_both_ways(
    moderator_client, editor, article, make_comment, purged, django_capture_on_commit_callbacks
):
    earlier = timezone.now() - timedelta(days=2)
    comment = make_comment(article, status=Comment.Status.PENDING)
    # Sent back to pending by another moderator two days ago: that record must come back.
    Comment.objects.filter(pk=comment.pk).update(moderated_by=editor, moderated_at=earlier)
    before = record(comment)
    key = f"article-{article.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        decided = moderator_client.post(moderate(comment, "approve"))
    assert record(comment)[0] == Comment.Status.APPROVED and key in purged
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        undone = moderator_client.post(
            reverse("admin:comments_comment_undo"), undo_fields(the_message(decided))
        )

    assert undone.status_code == 302 and undone["Location"] == CHANGELIST
    assert record(comment) == before == (Comment.Status.PENDING, editor.pk, earlier, "")
    assert key in purged
    assert "Undone: the comment by" in the_message(undone)
    assert history(comment) == ["Approved (one click).", "Decision undone: pending again."]


def test_undo_of_a_rejection_republishes_the_comment_with_its_first_approval(
    moderator_client, editor, article, make_comment, purged, django_capture_on_commit_callbacks
):
    comment = make_comment(article)
    comment.approve(by=editor)
    before = record(comment)

    with django_capture_on_commit_callbacks(execute=True):
        decided = moderator_client.post(moderate(comment, "reject"), {"reason": "abuse"})
    assert record(comment)[0::3] == (Comment.Status.REMOVED, "abuse")
    assert f"article-{article.pk}" in purged
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:comments_comment_undo"), undo_fields(the_message(decided))
        )

    assert record(comment) == before
    assert f"article-{article.pk}" in purged
    assert comment in Comment.objects.approved()


def test_undo_leaves_alone_a_comment_another_moderator_decided_since(
    moderator_client, editor, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    decided = moderator_client.post(moderate(comment, "spam"))
    comment.refresh_from_db()
    comment.approve(by=editor)

    undone = moderator_client.post(
        reverse("admin:comments_comment_undo"), undo_fields(the_message(decided))
    )

    assert record(comment)[:2] == (Comment.Status.APPROVED, editor.pk)
    assert "changed since and stay as they are now" in the_message(undone)


def test_undo_of_a_bulk_action_restores_every_comment(moderator_client, article, make_comment):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(3)]
    before = [record(comment) for comment in comments]

    decided = moderator_client.post(
        CHANGELIST,
        {"action": "mark_selected_spam", "_selected_action": [each.pk for each in comments]},
    )
    assert {record(comment)[0] for comment in comments} == {Comment.Status.SPAM}
    moderator_client.post(reverse("admin:comments_comment_undo"), undo_fields(the_message(decided)))

    assert [record(comment) for comment in comments] == before


def test_a_bulk_action_on_a_full_page_keeps_its_message_and_undo(
    moderator_client, article, make_comment
):
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
            body="Buy now.",
            body_html="<p>Buy now.</p>",
        )
        for number in range(50)
    )

    decided = moderator_client.post(
        CHANGELIST,
        {"action": "mark_selected_spam", "_selected_action": [each.pk for each in comments]},
        follow=True,
    )

    # The message (in a cookie of at most 2 KB) arrived, with its Undo.
    page = decided.content.decode()
    assert "50 comments marked as spam." in page
    undo = re.search(r'name="undo" value="([^"]+)"', page)[1]
    moderator_client.post(reverse("admin:comments_comment_undo"), {"undo": undo})
    assert Comment.objects.pending().count() == 50


def test_a_status_changed_in_the_comments_form_offers_undo_too(
    moderator_client, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING, name="Form Reader")
    before = record(comment)
    response = moderator_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {"name": "Form Reader", "body": comment.body, "website": "", "status": "spam"},
    )
    decided = [str(each) for each in get_messages(response.wsgi_request)]
    assert record(comment)[0] == Comment.Status.SPAM
    [with_undo] = [each for each in decided if "undo-button" in each]
    assert with_undo.startswith("The comment by Form Reader is now spam.")

    moderator_client.post(reverse("admin:comments_comment_undo"), undo_fields(with_undo))

    assert record(comment) == before


def test_a_forged_undo_changes_nothing(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.SPAM)

    response = moderator_client.post(
        reverse("admin:comments_comment_undo"), {"undo": "forged:token"}
    )

    assert response.status_code == 302
    assert "That Undo has expired" in the_message(response)
    assert record(comment)[0] == Comment.Status.SPAM


def test_reject_without_a_reason_is_refused_and_changes_nothing(
    moderator_client, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(moderate(comment, "reject"), {"reason": "because"})

    assert "Choose why the comment is rejected" in the_message(response)
    assert record(comment)[0] == Comment.Status.PENDING


def test_reject_from_a_row_records_the_reason_in_history_and_emails_the_author(
    moderator_client, moderator, article, make_comment, run_mail_queue, settings
):
    comment = make_comment(
        article,
        status=Comment.Status.PENDING,
        name="Rae",
        email="rae.private@example.org",
        body="Ketamine cures depression in one dose, everyone knows it.",
    )

    # A row of the queue names its fields after the comment (every row shares one form),
    # and the form carries the queue's filters.
    response = moderator_client.post(
        moderate(comment, "reject"),
        {
            "_changelist_filters": "status=pending",
            f"reason-{comment.pk}": "misinformation",
            f"notify-{comment.pk}": "on",
            "reason-999999": "spam",
        },
    )
    run_mail_queue()

    assert response["Location"] == f"{CHANGELIST}?status=pending"
    assert record(comment) == (
        Comment.Status.REMOVED,
        moderator.pk,
        comment.moderated_at,
        "misinformation",
    )
    assert history(comment) == [
        "Rejected: Misinformation (please cite a source). Its author is emailed the reason."
    ]
    [message] = mail.outbox
    assert message.to == ["rae.private@example.org"]
    assert (
        message.subject == f"[{settings.SITE_NAME}] Your comment on “{article}” was not published"
    )
    assert "Hello Rae," in message.body
    assert "Please cite a source" in message.body
    assert "Ketamine cures depression in one dose, everyone knows it." in message.body
    assert f"{settings.SITE_URL}{article.get_absolute_url()}" in message.body
    assert OutgoingEmail.objects.get().kind == OutgoingEmail.Kind.REJECTION


def test_reject_without_the_email_box_sends_nothing(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(moderate(comment, "reject"), {"reason": "off_topic"})

    assert record(comment)[3] == "off_topic"
    assert not OutgoingEmail.objects.exists()
    assert history(comment) == ["Rejected: Off topic."]


def test_the_comments_page_offers_every_reason_and_approving_clears_a_rejection(
    moderator_client, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    text = page.content.decode()
    for label in ("Spam", "Abuse", "Off topic", "Misinformation (please cite a source)",
                  "Personal data", "Crisis handled", "Other"):  # fmt: skip
        assert f">{label}</option>" in text

    moderator_client.post(moderate(comment, "reject"), {"reason": "other"})
    moderator_client.post(moderate(comment, "approve"))

    assert record(comment)[0::3] == (Comment.Status.APPROVED, "")


def test_rows_show_why_a_comment_is_held_and_the_queue_filters_by_it(
    moderator_client, article, make_comment
):
    crisis = make_comment(
        article,
        status=Comment.Status.PENDING,
        hold_reasons=[{"code": "crisis", "detail": ""}, {"code": "new_commenter", "detail": ""}],
    )
    links = make_comment(
        article, status=Comment.Status.PENDING, hold_reasons=[{"code": "links", "detail": ""}]
    )
    make_comment(article, status=Comment.Status.PENDING)

    page = moderator_client.get(CHANGELIST).content.decode()
    filtered = moderator_client.get(CHANGELIST, {"reason": "crisis"})

    assert '<span class="hold-reason hold-crisis">Possible crisis</span>' in page
    assert '<span class="hold-reason hold-new_commenter">New commenter</span>' in page
    assert list(filtered.context["cl"].result_list) == [crisis]
    assert list(
        moderator_client.get(CHANGELIST, {"reason": "links"}).context["cl"].result_list
    ) == [links]
    assert ">Posted very quickly</a>" in page


def test_oldest_first_is_a_link_in_plain_view(moderator_client, article, make_comment):
    older = make_comment(
        article, status=Comment.Status.PENDING, created_at=timezone.now() - timedelta(days=2)
    )
    newer = make_comment(article, status=Comment.Status.PENDING, created_at=timezone.now())

    page = moderator_client.get(CHANGELIST).content.decode()
    link = re.search(r'<a href="([^"]+)">Oldest first</a>', page)
    assert link and 'aria-current="true">Newest first</a>' in page
    oldest = moderator_client.get(CHANGELIST + html.unescape(link.group(1)))

    assert list(oldest.context["cl"].result_list) == [older, newer]
    assert 'aria-current="true">Oldest first</a>' in oldest.content.decode()


def test_an_empty_queue_says_what_it_means_and_links_the_others(moderator_client, article):
    page = moderator_client.get(CHANGELIST).content.decode()

    assert "Nothing is waiting for a moderator: every comment has been decided." in page
    for label, status in (("Approved", "approved"), ("Spam", "spam"), ("All", "all")):
        assert f'<a href="?status={status}">{label}</a>' in page


def test_reply_from_a_queue_row_is_published_and_comes_back_to_the_queue(
    moderator_client, article, make_comment, settings
):
    comment = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk])
        + "?_changelist_filters=status%3Dpending",
        {f"reply-{comment.pk}-body": "Thank you, we will look into it.", "reply-99-body": ""},
    )

    assert response["Location"] == f"{CHANGELIST}?status=pending"
    reply = Comment.objects.get(is_staff_reply=True)
    assert reply.parent == comment and reply.name == settings.SITE_NAME
    assert reply.body == "Thank you, we will look into it."
    assert record(comment)[0] == Comment.Status.APPROVED


def test_delete_selected_comes_last_in_the_actions(admin_client, article, make_comment):
    make_comment(article, status=Comment.Status.PENDING)

    page = admin_client.get(CHANGELIST).content.decode()
    menu = page[page.index('name="action"') :]
    actions = re.findall(r'<option value="(\w+)">', menu[: menu.index("</select>")])

    assert actions[0] == "approve_selected" and actions[-1] == "delete_selected"
