"""Journey 7, hearing back: a reader asks to be emailed about replies, confirms from the
email, a moderator approves a reply, the notification arrives, and the reader unsubscribes.

The emails go through the real worker command (in its own process) to a real SMTP
server on 127.0.0.1 (aiosmtpd); the links in them are opened in the browser.
"""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Subscription
from tests.mail_server import body_of, run_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINK = re.compile(r"https?://\S+")


def link_in(message, part):
    [link] = [each for each in LINK.findall(body_of(message)) if part in each]
    return link


def post_comment(page, text, name, email, *, notify_replies=False):
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill(text)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill(name)
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill(email)
    if notify_replies:
        page.get_by_role("checkbox", name="Email me when someone replies to my comment.").check()
    page.get_by_role("button", name="Post Comment").click()


def test_reader_confirms_hears_of_an_approved_reply_and_unsubscribes(
    new_context, article_url, live_server, moderator, sign_in, smtp_server, settings
):
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    deliver = {"smtp_port": smtp_server.port, "SITE_URL": live_server.url}

    reader = new_context().new_page()
    reader.goto(article_url)
    post_comment(
        reader,
        "Can it help with chronic pain?",
        "Sam Asks",
        "sam.e2e@example.org",
        notify_replies=True,
    )
    expect(reader.get_by_role("status")).to_contain_text("a link to confirm them")
    question = Comment.objects.get(email="sam.e2e@example.org")

    run_worker(**deliver)
    [confirmation] = smtp_server.to("sam.e2e@example.org")
    reader.goto(link_in(confirmation, "/confirm/"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Confirm your emails")
    reader.get_by_role("button", name="Confirm").click()
    expect(reader.get_by_role("status")).to_contain_text("Your emails are confirmed.")
    assert Subscription.objects.get(email="sam.e2e@example.org").is_confirmed

    admin = new_context().new_page()
    sign_in(admin, moderator)
    admin.goto(f"/admin/comments/comment/{question.pk}/change/")
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("Approved the comment by Sam Asks")

    answerer = new_context().new_page()
    answerer.goto(article_url)
    answerer.get_by_role("link", name="Reply to Sam Asks").click()
    post_comment(
        answerer,
        "It can, for some kinds of pain, in a clinic.",
        "Dr Quinn",
        "quinn.e2e@example.org",
    )
    reply = Comment.objects.get(email="quinn.e2e@example.org")
    assert reply.parent_id == question.pk and reply.status == Comment.Status.PENDING

    admin.goto(f"/admin/comments/comment/{reply.pk}/change/")
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("Approved the comment by Dr Quinn")

    run_worker(**deliver)
    [notification] = [
        message
        for message in smtp_server.to("sam.e2e@example.org")
        if "replied to your comment" in message["Subject"]
    ]
    text = body_of(notification)
    assert "It can, for some kinds of pain, in a clinic." in text
    assert "quinn.e2e@example.org" not in notification.as_string()
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link to the reply opens the article at the reply.
    reader.goto(link_in(notification, "#comment-"))
    expect(reader.locator(f"#comment-{reply.pk} .comment-body")).to_have_text(
        "It can, for some kinds of pain, in a clinic."
    )

    reader.goto(link_in(notification, "/unsubscribe/"))
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("status")).to_have_text("You will get no more of these emails.")
    assert not Subscription.objects.filter(email="sam.e2e@example.org").exists()
    # Unsubscribing twice is fine.
    reader.go_back()
    reader.reload()
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("status")).to_have_text("You will get no more of these emails.")


def test_report_page_with_an_error_and_the_email_pages_have_no_serious_violations(
    new_context, demo_article, run_axe
):
    from tests.e2e.test_accessibility import assert_no_serious_violations

    comment = Comment.objects.approved().filter(article=demo_article).first()
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"/comments/{comment.pk}/report/")
    page.get_by_role("button", name="Send report").click()  # no reason chosen
    expect(page.locator("form.comment-report")).to_contain_text("Please choose a reason")
    assert_no_serious_violations(run_axe(page), "the report page with an error")
    page.get_by_role("radio", name="Medical misinformation").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("a moderator will look at this comment")
    assert_no_serious_violations(run_axe(page), "the report page, sent")
    page.goto("/comments/emails/unsubscribe/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_no_serious_violations(run_axe(page), "the page of a bad link")
