"""Journey 3, moderating: a member of the Moderators group approves a reader's comment
from the pending queue, and readers see it without anyone's email address."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from comments.models import Comment, OutgoingEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Every address in these tests is at example.org; none may reach a public page.
ANY_TEST_EMAIL = re.compile(r"[\w.+-]+@example\.org", re.IGNORECASE)


def test_moderator_approves_a_pending_comment_and_readers_see_it(
    new_context, article_url, moderator, sign_in, screenshots
):
    reader = new_context().new_page()
    reader.goto(article_url)
    reader.get_by_role("textbox", name=re.compile(r"^Comment")).fill(
        "How long does a session take?"
    )
    reader.get_by_role("textbox", name=re.compile(r"^Name")).fill("Robin Asks")
    reader.get_by_role("textbox", name=re.compile(r"^Email")).fill("robin.private@example.org")
    reader.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(email="robin.private@example.org")
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("awaiting moderation")

    assert not moderator.is_superuser
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    admin = new_context().new_page()
    sign_in(admin, moderator)
    admin.get_by_role("link", name="1 comment awaiting moderation").click()
    expect(admin).to_have_title(re.compile(r"^Comments: 1 pending"))
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text="How long does a session take?")
    # The moderator, and only the moderator, sees the email.
    expect(row).to_contain_text("robin.private@example.org")
    screenshots(admin, "comment-queue")
    row.get_by_role("checkbox").check()
    admin.get_by_role("combobox", name="Action:").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("1 comment approved.")
    expect(admin.locator("#result_list tbody tr")).to_have_count(0)
    screenshots(admin, "queue-emptied")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator

    anonymous = new_context().new_page()
    anonymous.goto(article_url)
    expect(anonymous.locator("#comments-title")).to_have_text("5 Responses")
    approved = anonymous.locator(f"#comment-{comment.pk}")
    expect(approved.locator(".comment-body")).to_have_text("How long does a session take?")
    expect(approved.locator(".comment-author")).to_have_text("Robin Asks")
    expect(approved).not_to_contain_text("awaiting moderation")
    screenshots(anonymous, "approved-comment")
    html = anonymous.content()
    assert "robin.private" not in html
    assert ANY_TEST_EMAIL.findall(html) == []


def test_moderator_clears_the_oldest_of_the_queue_in_eight_keys_or_clicks(
    new_context, demo_article, make_comment, moderator, sign_in, screenshots
):
    """Issue 22's task: approve the three oldest pending comments, mark one spam, reject one
    as misinformation with an email, at most 8 keystrokes or clicks at 1280 px; then the
    same kinds of decision at 390 px, by touch, and an Undo."""
    oldest = [
        make_comment(
            demo_article,
            status=Comment.Status.PENDING,
            name=f"Oldest {number}",
            body=f"Question number {number} about dosing.",
            created_at=demo_article.publish_at + timedelta(hours=number),
        )
        for number in (1, 2, 3)
    ]
    spammer, misinformed, newest = (
        make_comment(
            demo_article,
            status=Comment.Status.PENDING,
            name=name,
            email=f"{name.lower()}@example.org",
            body=body,
            hold_reasons=[{"code": code, "detail": ""} for code in reasons],
            created_at=demo_article.publish_at + timedelta(hours=hours),
        )
        for name, body, reasons, hours in (
            ("Spammer", "Cheap pills, click here!", ["links", "new_commenter"], 4),
            ("Misinformed", "Ketamine cures every depression in one dose.", ["suspect_word"], 5),
            ("Newest", "When is the next article out? " + "Long words " * 40, ["no_js"], 6),
        )
    )
    page = new_context().new_page()
    sign_in(page, moderator)
    page.goto("/admin/comments/comment/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Newest")
    expect(page.locator(".queue-keys")).to_be_visible()
    screenshots(page, "queue-at-both-widths")

    steps = 0

    def ready():
        # The shortcuts' script has run on this page: it marks the current row.
        expect(page.locator("#result_list tbody tr.is-current")).to_have_count(1)

    def key(name, then):
        nonlocal steps
        steps += 1
        ready()
        page.keyboard.press(name)
        expect(page.locator("ul.messagelist")).to_contain_text(then)

    steps += 1
    page.get_by_role("link", name="Oldest first").click()
    expect(rows.first).to_contain_text("Oldest 1")
    for number in (1, 2, 3):
        key("a", f"Approved the comment by Oldest {number}.")
    key("s", "The comment by Spammer is now spam.")
    steps += 2
    ready()
    page.keyboard.press("r")
    page.keyboard.press("e")
    key("4", "Rejected the comment by Misinformed: Misinformation (please cite a source).")
    expect(page.locator("ul.messagelist")).to_contain_text("Its author is emailed the reason.")
    assert steps <= 8, f"{steps} keystrokes or clicks"
    expect(rows).to_have_count(1)
    screenshots(page, "after-eight-keys")

    for comment in oldest:
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED and comment.moderated_by == moderator
    spammer.refresh_from_db()
    misinformed.refresh_from_db()
    assert spammer.status == Comment.Status.SPAM
    assert misinformed.status == Comment.Status.REMOVED
    assert misinformed.rejection_reason == "misinformation"
    email = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.REJECTION)
    assert email.recipients == ["misinformed@example.org"]
    assert "Please cite a source" in email.body

    # At a phone's width: a card per comment, its buttons under its text, all by touch.
    page.set_viewport_size({"width": 390, "height": 844})
    card = rows.filter(has_text="When is the next article out?")
    text_box, button_box = (
        card.locator(".queue-text").bounding_box(),
        card.get_by_role("button", name="Spam the comment by Newest").bounding_box(),
    )
    assert button_box["y"] > text_box["y"] + text_box["height"] - 1
    assert button_box["x"] + button_box["width"] <= 390
    card.locator("summary", has_text="Reject…").click()
    card.get_by_role("combobox", name=re.compile(r"^Reason")).select_option(label="Off topic")
    card.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("Rejected the comment by Newest")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Undone")
    newest.refresh_from_db()
    assert newest.status == Comment.Status.PENDING and newest.rejection_reason == ""
    assert newest.moderated_by is None and newest.moderated_at is None
