"""The back office through its URLs: the admin's name and favicon, the queue's row buttons
(POST with Django's CSRF token, a permission, back to the same page), the comment a reply
answers, and every moderation decision in the comment's History (Django's LogEntry)."""

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Report

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def moderate_url(comment, action):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, action])


def history_of(comment):
    """The comment's History as the admin's history page lists it: (user, flag, message)."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id=str(comment.pk)
        )
        .order_by("action_time", "pk")
        .values_list("user__username", "action_flag", "change_message")
    )


# The admin's name and favicon.


def test_the_admin_carries_the_sites_name_and_favicon(settings, moderator_client):
    settings.SITE_NAME = "Health Facts Daily"

    page = moderator_client.get("/admin/").content.decode()

    assert '<div id="site-name"><a href="/admin/">Health Facts Daily</a></div>' in page
    assert "<title>Health Facts Daily back office | Health Facts Daily admin</title>" in page
    assert "<h1>Health Facts Daily back office</h1>" in page
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert "Django administration" not in page


def test_the_sign_in_page_carries_the_sites_name_too(settings, client):
    page = client.get("/admin/login/").content.decode()

    assert f'<div id="site-name"><a href="/admin/">{settings.SITE_NAME}</a></div>' in page
    assert 'rel="icon"' in page


# The queue's rows.


def test_each_row_has_approve_and_spam_buttons_posting_to_the_one_comment_view(
    moderator_client, article, make_comment
):
    pending = make_comment(article, status=Comment.Status.PENDING, name="Pat Pending")
    spam = make_comment(article, status=Comment.Status.SPAM, name="Sid Spam")

    page = moderator_client.get(CHANGELIST, {"status": "all", "q": "i"}).content.decode()

    # Submit buttons of the changelist's form, which carries Django's CSRF token.
    form = page[
        page.index('<form id="changelist-form"') : page.index(
            "</form>", page.index('<form id="changelist-form"')
        )
    ]
    assert 'name="csrfmiddlewaretoken"' in form
    # The queue's filters go with the form, once, rather than in every button's address.
    assert '<input type="hidden" name="_changelist_filters" value="status=all&amp;q=i">' in form
    for comment, actions in ((pending, ("approve", "spam")), (spam, ("approve",))):
        for action in actions:
            assert f'formaction="{moderate_url(comment, action)}"' in form
    assert f'formaction="{moderate_url(spam, "spam")}' not in form
    assert 'aria-label="Approve the comment by Pat Pending">Approve</button>' in form
    assert 'aria-label="Spam the comment by Pat Pending">Spam</button>' in form


def test_a_row_button_decides_and_comes_back_to_the_same_filtered_page(
    moderator_client, moderator, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING, name="Pat Pending")

    response = moderator_client.post(
        f"{moderate_url(comment, 'spam')}?_changelist_filters=status%3Dall%26p%3D2"
    )

    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status=all&p=2"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM and comment.moderated_by == moderator
    followed = moderator_client.get(response["Location"])
    assert "The comment by Pat Pending is now spam." in followed.content.decode()


def test_the_way_back_stays_on_the_queue_whatever_is_sent(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        f"{moderate_url(comment, 'approve')}?_changelist_filters=//evil.example/%3Fx"
    )

    assert response["Location"].startswith(f"{CHANGELIST}?")
    assert "evil.example" not in response["Location"].split("?")[0]


def test_a_row_button_refuses_a_get(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    for action in ("approve", "spam"):
        assert moderator_client.get(moderate_url(comment, action)).status_code == 405
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert history_of(comment) == []


def test_a_row_button_refuses_a_post_without_the_csrf_token(moderator, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)

    response = browser.post(moderate_url(comment, "approve"))

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_row_button_with_the_queues_csrf_token_is_accepted(moderator, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    page = browser.get(CHANGELIST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(moderate_url(comment, "approve"), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_without_the_change_permission_there_are_no_buttons_and_a_post_is_refused(
    make_staff_user, client, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    reader_of_comments = make_staff_user("viola")
    reader_of_comments.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(reader_of_comments)

    page = client.get(CHANGELIST)

    assert page.status_code == 200 and comment.name in page.content.decode()
    assert "row-decision" not in page.content.decode()
    assert client.post(moderate_url(comment, "approve")).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_an_editor_may_not_moderate(editor_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    assert editor_client.post(moderate_url(comment, "spam")).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_row_links_its_comment_with_the_queues_filters_and_shows_300_characters_then_more(
    moderator_client, article, make_comment
):
    body = "Word " * 70 + "Hidden until more is opened."
    comment = make_comment(article, status=Comment.Status.PENDING, body=body, name="Wordy")

    page = moderator_client.get(CHANGELIST, {"status": "pending"}).content.decode()

    change = reverse("admin:comments_comment_change", args=[comment.pk])
    assert (
        f'<a href="{change}?_changelist_filters=status%3Dpending" class="sender-name">Wordy</a>'
        in page
    )
    shown = re.search(r'<div class="queue-text">([^<]*)<details class="more">', page)
    assert shown and 280 <= len(shown.group(1)) <= 300 and shown.group(1).startswith("Word Word")
    rest = re.search(r"<summary>… more</summary>([^<]*)</details>", page)
    assert rest and shown.group(1) + rest.group(1) == body


def test_a_reply_shows_the_comment_it_answers_in_its_row_and_on_its_page(
    moderator_client, article, make_comment
):
    parent = make_comment(
        article,
        name="Ada <Parent>",
        body="Is ketamine safe for people with heart disease, or should they avoid it entirely?",
    )
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING, name="Ben")

    queue = moderator_client.get(CHANGELIST).content.decode()
    change_page = moderator_client.get(
        reverse("admin:comments_comment_change", args=[reply.pk])
    ).content.decode()

    parent_url = reverse("admin:comments_comment_change", args=[parent.pk])
    line = (
        f'Reply to <a href="{parent_url}">Ada &lt;Parent&gt;</a>: '
        "“Is ketamine safe for people with heart disease,…”"
    )
    assert f'<span class="reply-to">{line}</span>' in queue
    assert f'<p class="reply-to">{line}</p>' in change_page


def test_the_queue_reads_replies_parents_in_its_one_query(
    moderator_client, article, make_comment, django_assert_max_num_queries
):
    parents = [make_comment(article, name=f"Parent {n}") for n in range(30)]
    for parent in parents:
        make_comment(article, parent=parent, status=Comment.Status.PENDING)
    moderator_client.get(CHANGELIST)

    # As many queries for thirty replies as the queue costs for one comment (9): no
    # query per row for its parent.
    with django_assert_max_num_queries(9):
        page = moderator_client.get(CHANGELIST).content.decode()

    assert page.count('class="reply-to"') == 30


# The comment's History: every decision, with who and when.


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("approve", "Approved (one click)."),
        ("spam", "Marked as spam."),
        ("remove", "Removed."),
    ],
)
def test_a_one_click_decision_is_in_the_comments_history(
    moderator_client, article, make_comment, action, message
):
    comment = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(moderate_url(comment, action))

    assert history_of(comment) == [("moira", CHANGE, message)]
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert entry.action_time is not None and entry.object_repr == str(comment)
    page = moderator_client.get(
        reverse("admin:comments_comment_history", args=[comment.pk])
    ).content.decode()
    assert message in page and "moira (Moira Quinn)" in page


def test_sending_back_to_pending_is_in_the_history(moderator_client, article, make_comment):
    comment = make_comment(article)

    moderator_client.post(moderate_url(comment, "restore"))

    assert history_of(comment) == [("moira", CHANGE, "Sent back to pending.")]


def test_approving_a_reply_records_its_hidden_parent_too(moderator_client, article, make_comment):
    parent = make_comment(article, status=Comment.Status.PENDING)
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING)

    moderator_client.post(moderate_url(reply, "approve"))

    assert history_of(reply) == [("moira", CHANGE, "Approved (one click).")]
    assert history_of(parent) == [
        ("moira", CHANGE, f"Approved (one click), with the reply #{reply.pk} that answers it.")
    ]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("approve_selected", "Approved (bulk action)."),
        ("mark_selected_spam", "Marked as spam (bulk action)."),
        ("remove_selected", "Removed (bulk action)."),
    ],
)
def test_a_bulk_decision_is_in_each_comments_history(
    moderator_client, article, make_comment, action, message
):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(3)]
    untouched = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]}
    )

    for comment in comments:
        assert history_of(comment) == [("moira", CHANGE, message)]
    assert history_of(untouched) == []


def test_restoring_in_bulk_records_only_the_comments_that_changed(
    moderator_client, article, make_comment
):
    spam = make_comment(article, status=Comment.Status.SPAM)
    pending = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(
        f"{CHANGELIST}?status=all",
        {"action": "restore_selected", "_selected_action": [spam.pk, pending.pk]},
    )

    assert history_of(spam) == [("moira", CHANGE, "Sent back to pending (bulk action).")]
    assert history_of(pending) == []


def test_a_staff_reply_records_the_approval_and_the_reply(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]),
        {"body": "Thank you, we are checking this.", "sign_as": "Well Informed"},
    )

    reply = Comment.objects.get(parent=comment)
    assert history_of(comment) == [("moira", CHANGE, "Approved (by replying to it).")]
    assert history_of(reply) == [("moira", ADDITION, "Published as a staff reply.")]


def test_a_status_changed_in_the_form_is_in_the_history(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    data = {
        "status": "approved",
        "name": comment.name,
        "website": "",
        "body": comment.body,
        "led_to_version": "",
    }

    moderator_client.post(reverse("admin:comments_comment_change", args=[comment.pk]), data)

    [(user, flag, message)] = history_of(comment)
    assert (user, flag) == ("moira", CHANGE) and "Status" in message


def test_the_change_page_buttons_come_back_to_the_queue_the_moderator_left(
    moderator_client, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    change = reverse("admin:comments_comment_change", args=[comment.pk])

    page = moderator_client.get(change, {"_changelist_filters": "status=spam"}).content.decode()

    assert f'action="{moderate_url(comment, "approve")}?_changelist_filters=status%3Dspam"' in page


def test_reports_stay_on_the_comment_after_a_decision(moderator_client, article, make_comment):
    comment = make_comment(article)
    Report.objects.create(comment=comment, reason=Report.Reason.SPAM, reporter_ip="192.0.2.9")

    moderator_client.post(moderate_url(comment, "spam"))

    assert history_of(comment) == [("moira", CHANGE, "Marked as spam.")]
    assert comment.reports.count() == 1


def test_a_reply_under_a_hidden_comment_says_its_button_approves_both(
    moderator_client, article, make_comment
):
    parent = make_comment(article, status=Comment.Status.PENDING, name="Ada")
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING, name="Ben")

    page = moderator_client.get(CHANGELIST).content.decode()
    response = moderator_client.post(moderate_url(reply, "approve"))

    assert (
        'aria-label="Approve both, the comment it answers and the comment by Ben">'
        "Approve both</button>"
    ) in page
    assert 'aria-label="Approve the comment by Ada">Approve</button>' in page
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.status == Comment.Status.APPROVED


# The admin's home: the work waiting, each count a link to the list it counts.


def test_the_admin_home_counts_reported_comments_still_published(
    moderator_client, article, make_comment
):
    reported = make_comment(article, body="Stop your medication, doctors lie.")
    held = make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, body="An ordinary comment nobody reported.")
    for comment in (reported, held):
        Report.objects.create(
            comment=comment, reason=Report.Reason.MISINFORMATION, reporter_ip="192.0.2.9"
        )

    home = moderator_client.get("/admin/").content.decode()

    link = f"{CHANGELIST}?reported=yes&amp;status=approved"
    assert re.search(
        rf'<a href="{re.escape(link)}">\s*<span class="count">1</span>\s*'
        r"published comment reported by readers\s*</a>",
        home,
    )
    queue = moderator_client.get(f"{CHANGELIST}?reported=yes&status=approved").content.decode()
    assert "Stop your medication" in queue and "An ordinary comment" not in queue
