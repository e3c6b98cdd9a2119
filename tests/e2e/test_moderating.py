"""Journey 3, moderating: a member of the Moderators group approves a reader's comment
from the pending queue, and readers see it without anyone's email address."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

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
