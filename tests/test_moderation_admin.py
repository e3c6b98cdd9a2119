"""The comment moderation queue in the admin, used as a moderator uses it: through its URLs."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.notifications import notify_moderators
from tests.text import visible_text

CHANGELIST = "/admin/comments/comment/"

pytestmark = pytest.mark.django_db


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def shown(response):
    """The comments of the changelist page, in the order they are listed."""
    return list(response.context["cl"].result_list)


def messages_of(response):
    """The messages' words, without the Undo form a decision's message carries."""
    return [
        str(message).partition(' <form method="post"')[0]
        for message in get_messages(response.wsgi_request)
    ]


def test_queue_opens_on_pending_comments_newest_first(moderator_client, article, make_comment):
    older = make_comment(article, status=Comment.Status.PENDING, name="Older Pending")
    newer = make_comment(article, status=Comment.Status.PENDING, name="Newer Pending")
    newer.created_at, older.created_at = older.created_at, newer.created_at
    newer.save()
    older.save()
    make_comment(article, name="Already Approved")

    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == [newer, older]
    assert "Already Approved" not in response.content.decode()


def test_queue_shows_text_sender_email_ip_article_status_and_date(
    moderator_client, article, make_comment
):
    make_comment(
        article,
        status=Comment.Status.PENDING,
        name="Ada Reader",
        email="ada@example.org",
        ip_address="203.0.113.7",
        body="Ketamine helped my mother more than I expected after years of other treatments.",
    )

    page = moderator_client.get(CHANGELIST).content.decode()

    assert "Ketamine helped my mother more" in page
    text = visible_text(page)
    assert "Ada Reader" in text and "ada@example.org" in text and "203.0.113.7" in text
    article_link = reverse("admin:articles_article_change", args=[article.pk])
    assert f'<a href="{article_link}">{article.published_version.title}</a>' in page
    for column in ("Comment", "From", "Article", "Date"):
        assert f">{column}</a>" in page or f">{column}</span>" in page
    # The email and the address stand under the name, each on a line of its own: the email
    # wraps only before "@" and after a dot, the address never.
    assert '<span class="email">ada<wbr>@example.<wbr>org</span>' in page
    assert (
        '<span class="unbroken ip-address"><abbr title="IP address">IP</abbr> 203.0.113.7</span>'
        in page
    )
    assert '<span class="row-status">Pending</span>' in page


def test_status_filter_offers_every_status_and_all(moderator_client, article, make_comment):
    pending = make_comment(article, status=Comment.Status.PENDING)
    approved = make_comment(article)
    spam = make_comment(article, status=Comment.Status.SPAM)

    assert shown(moderator_client.get(CHANGELIST, {"status": "approved"})) == [approved]
    assert shown(moderator_client.get(CHANGELIST, {"status": "spam"})) == [spam]
    everything = moderator_client.get(CHANGELIST, {"status": "all"})
    assert set(shown(everything)) == {pending, approved, spam}
    page = moderator_client.get(CHANGELIST).content.decode()
    for choice in ("Pending (1)", "Approved (1)", "Spam (1)", "Removed (0)", "All"):
        assert f"{choice}</a>" in page


def test_article_filter_lists_only_that_articles_comments(
    moderator_client, make_article, make_comment
):
    first, second = make_article(title="First"), make_article(title="Second")
    on_first = make_comment(first, status=Comment.Status.PENDING)
    make_comment(second, status=Comment.Status.PENDING)

    response = moderator_client.get(CHANGELIST, {"article": first.slug})

    assert shown(response) == [on_first]


@pytest.mark.parametrize(
    "query", ["Zebedee", "zeb@example.net", "unusual word", "198.51.100.23"], ids=str
)
def test_search_matches_name_email_text_and_ip(moderator_client, article, make_comment, query):
    wanted = make_comment(
        article,
        status=Comment.Status.PENDING,
        name="Zebedee",
        email="zeb@example.net",
        body="An unusual word appears here.",
        ip_address="198.51.100.23",
    )
    make_comment(article, status=Comment.Status.PENDING, ip_address="192.0.2.1")

    assert shown(moderator_client.get(CHANGELIST, {"q": query})) == [wanted]


def test_pending_count_shows_in_queue_title_and_on_admin_index(
    moderator_client, article, make_comment
):
    for _ in range(3):
        make_comment(article, status=Comment.Status.PENDING)
    make_comment(article)

    queue = moderator_client.get(CHANGELIST).content.decode()
    index = moderator_client.get("/admin/").content.decode()

    assert "<h1>Comments: 3 pending</h1>" in queue
    assert "3 comments awaiting moderation" in visible_text(index)
    assert f'href="{CHANGELIST}"' in index


def test_work_waiting_on_admin_index_costs_one_query_per_count(
    moderator_client, article, make_comment
):
    for _ in range(3):
        make_comment(article, status=Comment.Status.PENDING)
        make_comment(article)

    with CaptureQueriesContext(connection) as queries:
        moderator_client.get("/admin/")
    counts = [query["sql"] for query in queries if "COUNT" in query["sql"].upper()]
    # The moderation queue, and the reported comments still published.
    assert len(counts) == 2


@pytest.mark.parametrize(
    ("action", "status", "done"),
    [
        ("approve_selected", Comment.Status.APPROVED, "2 comments approved."),
        ("mark_selected_spam", Comment.Status.SPAM, "2 comments marked as spam."),
        ("remove_selected", Comment.Status.REMOVED, "2 comments removed."),
    ],
)
def test_bulk_action_records_moderator_and_says_how_many_changed(
    moderator_client, moderator, article, make_comment, action, status, done
):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(2)]
    untouched = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]}
    )

    assert response.status_code == 302
    assert done in messages_of(response)
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == Comment.Status.PENDING and untouched.moderated_at is None


def test_restore_to_pending_counts_only_comments_that_changed(
    moderator_client, moderator, article, make_comment
):
    spam = make_comment(article, status=Comment.Status.SPAM)
    pending = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        f"{CHANGELIST}?status=all",
        {"action": "restore_selected", "_selected_action": [spam.pk, pending.pk]},
    )

    assert "1 comment restored to pending." in messages_of(response)
    spam.refresh_from_db()
    assert spam.status == Comment.Status.PENDING and spam.moderated_by == moderator


def test_approving_reply_under_hidden_parent_asks_first_then_approves_both(
    moderator_client, moderator, article, make_comment
):
    parent = make_comment(article, status=Comment.Status.PENDING, name="Parent Poster")
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING)
    selection = {"action": "approve_selected", "_selected_action": [reply.pk]}

    question = moderator_client.post(CHANGELIST, selection)

    assert question.status_code == 200
    assert "Approve the replies and the comments they answer" in question.content.decode()
    assert "Parent Poster" in question.content.decode()
    reply.refresh_from_db()
    assert reply.status == Comment.Status.PENDING

    answer = moderator_client.post(CHANGELIST, {**selection, "approve_parents": "yes"})

    assert "2 comments approved." in messages_of(answer)
    for comment in (parent, reply):
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.moderated_by == moderator


def test_approving_reply_and_its_parent_together_needs_no_question(
    moderator_client, article, make_comment
):
    parent = make_comment(article, status=Comment.Status.PENDING)
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING)

    response = moderator_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [reply.pk, parent.pk]}
    )

    assert response.status_code == 302
    assert "2 comments approved." in messages_of(response)
    assert Comment.objects.approved().count() == 2


def test_change_page_shows_whole_comment_parent_and_version(
    moderator_client, article, make_comment
):
    parent = make_comment(article, body="The question I asked first.")
    long_text = " ".join(f"word{n}" for n in range(120))
    reply = make_comment(
        article,
        parent=parent,
        status=Comment.Status.PENDING,
        body=long_text,
        email="private@example.org",
        ip_address="192.0.2.44",
        user_agent="TestBrowser/1.0",
    )

    page = moderator_client.get(change_url(reply)).content.decode()

    assert "word119" in page
    assert "The question I asked first." in page
    preview = reverse("articles:preview", kwargs={"slug": article.slug, "number": 1})
    assert f'<a href="{preview}">Version 1</a>' in page
    assert "private@example.org" in page and "192.0.2.44" in page and "TestBrowser/1.0" in page


def test_editing_comment_text_sanitises_it_again(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        change_url(comment),
        {
            "status": "pending",
            "name": comment.name,
            "website": "",
            "body": "Edited <script>alert(1)</script> see https://example.org",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert "<script>" not in comment.body_html
    assert 'rel="nofollow ugc"' in comment.body_html
    assert comment.body.startswith("Edited")


def test_changing_status_in_the_form_records_the_moderator(
    moderator_client, moderator, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(
        change_url(comment),
        {"status": "approved", "name": comment.name, "website": "", "body": comment.body},
    )

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator


def test_reply_as_the_site_is_published_at_once_with_a_staff_badge(
    moderator_client, moderator, article, make_comment, client
):
    question = make_comment(article, body="Is this safe for teenagers?")
    reply_url = reverse("admin:comments_comment_reply", args=[question.pk])

    response = moderator_client.post(
        reply_url, {"body": "Please ask your doctor first.", "sign_as": "Well Informed"}
    )

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert reply.status == Comment.Status.APPROVED
    assert reply.is_staff_reply and reply.name == "Well Informed"
    assert reply.email == moderator.email and reply.moderated_by == moderator
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Please ask your doctor first." in page
    assert '<span class="badge-staff">Staff</span>' in page
    assert moderator.email not in page


def test_reply_can_be_signed_with_the_moderators_name(moderator_client, article, make_comment):
    question = make_comment(article)

    moderator_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"body": "Thanks.", "sign_as": "Moira Quinn"},
    )

    assert Comment.objects.get(parent=question).name == "Moira Quinn"


def test_replying_to_a_pending_comment_approves_it_first(moderator_client, article, make_comment):
    question = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"body": "Good question.", "sign_as": "Well Informed"},
    )

    question.refresh_from_db()
    assert question.status == Comment.Status.APPROVED


def test_empty_reply_is_refused_and_nothing_is_saved(moderator_client, article, make_comment):
    question = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"body": "", "sign_as": "Well Informed"},
        follow=True,
    )

    assert "The reply was not published" in response.content.decode()
    assert not Comment.objects.filter(parent=question).exists()
    question.refresh_from_db()
    assert question.status == Comment.Status.PENDING


def test_email_link_opens_the_comment_and_approves_it_in_one_click(
    client, moderator, article, make_comment, settings, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moira@example.org"]
    comment = make_comment(article, status=Comment.Status.PENDING, body="Please publish me.")

    notify_moderators(comment)
    run_mail_queue()
    link = re.search(r"https?://\S+/admin/\S+", mail.outbox[0].body).group(0)
    path = link.removeprefix(settings.SITE_URL)

    signed_out = client.get(path)
    assert signed_out.status_code == 302 and "/admin/login/" in signed_out["Location"]
    client.force_login(moderator)
    page = client.get(path)
    assert page.status_code == 200 and "Please publish me." in page.content.decode()
    approve = reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"])
    assert f'action="{approve}"' in page.content.decode()

    response = client.post(approve)

    assert response.status_code == 302 and response["Location"] == CHANGELIST
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.moderated_by == moderator


def test_one_click_approve_of_a_reply_approves_its_hidden_parent(
    moderator_client, article, make_comment
):
    parent = make_comment(article, status=Comment.Status.PENDING)
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING)

    page = moderator_client.get(change_url(reply)).content.decode()
    assert "Approve with its parent" in page
    response = moderator_client.post(
        reverse("admin:comments_comment_moderate", args=[reply.pk, "approve"])
    )

    assert "Approved the comment by" in messages_of(response)[0]
    assert Comment.objects.approved().count() == 2


@pytest.mark.parametrize(
    ("action", "status"),
    [("spam", Comment.Status.SPAM), ("remove", Comment.Status.REMOVED)],
)
def test_one_click_spam_and_remove(
    moderator_client, moderator, article, make_comment, action, status
):
    comment = make_comment(article, status=Comment.Status.PENDING)

    moderator_client.post(reverse("admin:comments_comment_moderate", args=[comment.pk, action]))

    comment.refresh_from_db()
    assert comment.status == status and comment.moderated_by == moderator


def test_one_click_moderation_needs_a_post(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    response = moderator_client.get(
        reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"])
    )

    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_queue_with_a_thousand_comments_runs_a_fixed_number_of_queries(
    moderator_client, make_article, django_assert_max_num_queries
):
    articles = [make_article(title=f"Article {n}") for n in range(10)]
    Comment.objects.bulk_create(
        Comment(
            article=articles[n % 10],
            article_version_id=articles[n % 10].published_version_id,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            body=f"Comment number {n}.",
            body_html=f"<p>Comment number {n}.</p>",
            status=Comment.Status.PENDING if n % 3 else Comment.Status.APPROVED,
            ip_address="192.0.2.1",
        )
        for n in range(1000)
    )
    moderator_client.get(CHANGELIST)

    # Session, user, two permission lookups, the article filter, the pending
    # count, two changelist counts and the page of comments with their articles.
    with django_assert_max_num_queries(9):
        queue = moderator_client.get(CHANGELIST)
    with django_assert_max_num_queries(9):
        everything = moderator_client.get(CHANGELIST, {"status": "all"})

    assert queue.status_code == everything.status_code == 200
    assert len(shown(everything)) == 50
