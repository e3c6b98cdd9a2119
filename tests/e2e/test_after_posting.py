"""A reader posting on a phone, in a browser: a mistake is summed up first and takes the
focus, each linked to its field; once posted, the confirmation is inside the held comment,
where the reader lands, in view; no serious accessibility fault on either page."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_error_takes_the_focus_then_the_confirmation_is_in_the_held_comment(
    new_context, article_url, run_axe, screenshots
):
    reader = new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    reader.goto(article_url)
    expect(reader.locator("#id_body_help")).to_contain_text("Markdown (such as *stars*)")
    reader.get_by_role("textbox", name=re.compile(r"^Comment")).fill("Does it interact with SSRIs?")
    reader.get_by_role("textbox", name=re.compile(r"^Name")).fill("Robin")
    reader.get_by_role("textbox", name=re.compile(r"^Email")).fill("robin@example.org")
    # A mistake the browser's own checks let through (they stop an email without "@").
    reader.get_by_role("textbox", name=re.compile(r"^Website")).fill("ftp://files.example.org")
    reader.get_by_role("button", name="Post Comment").click()

    summary = reader.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name=re.compile("starting with http")).click()
    expect(reader.get_by_role("textbox", name=re.compile(r"^Website"))).to_be_focused()
    screenshots(reader, "comment-form-error-summary")
    assert_no_serious_violations(run_axe(reader), "the article page with the error summary")

    reader.get_by_role("textbox", name=re.compile(r"^Website")).fill("")
    reader.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(email="robin@example.org")
    expect(reader).to_have_url(f"{article_url}#comment-{comment.pk}")
    note = reader.locator(f"#comment-{comment.pk} .held-note")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("Thank you: your comment is awaiting moderation.")
    expect(note).to_contain_text("Moderators usually review comments within a day.")
    screenshots(reader, "held-comment-confirmation")
    assert_no_serious_violations(run_axe(reader), "the article page with a held comment")
    # Approved, it joins the thread every reader shares: its author sees no Report on it,
    # another reader does.
    comment.approve()
    reader.reload()
    own = reader.locator(f"#comment-{comment.pk} > .comment-actions")
    expect(own).to_be_attached()
    expect(own.get_by_role("link", name="Report")).to_have_count(0)
    stranger = new_context().new_page()
    stranger.goto(article_url)
    expect(
        stranger.locator(f"#comment-{comment.pk} > .comment-actions").get_by_role(
            "link", name="Report"
        )
    ).to_have_count(1)
