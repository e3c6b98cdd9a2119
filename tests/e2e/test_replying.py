"""Journey 2, replying: a reader posts a comment, sees it waiting, and replies in a thread."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Said in a held comment: "Thank you: your comment is…" just after posting, "Your comment
# is…" later (comments/after_posting.py).
AWAITING = "comment is awaiting moderation."


def comment_field(page):
    return page.get_by_role("textbox", name=re.compile(r"^Comment"))


def name_field(page):
    return page.get_by_role("textbox", name=re.compile(r"^Name"))


def email_field(page):
    return page.get_by_role("textbox", name=re.compile(r"^Email"))


def website_field(page):
    return page.get_by_role("textbox", name=re.compile(r"^Website"))


def save_details_box(page):
    return page.get_by_role("checkbox", name=re.compile(r"^Save my name, email, and website"))


def test_reader_sees_own_pending_comment_and_their_details_are_remembered(
    new_context, article_url, screenshots
):
    reader = new_context().new_page()
    reader.goto(article_url)
    comment_field(reader).fill("Does the effect on mood last once the infusions stop?")
    name_field(reader).fill("Jo Reader")
    email_field(reader).fill("jo.e2e@example.org")
    website_field(reader).fill("https://jo.example.org")
    save_details_box(reader).check()
    reader.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get(email="jo.e2e@example.org")
    assert comment.status == Comment.Status.PENDING
    assert comment.website == "https://jo.example.org"
    expect(reader).to_have_url(f"{article_url}#comment-{comment.pk}")
    expect(reader.get_by_role("status")).to_contain_text(
        "Thank you: your comment is awaiting moderation."
    )
    mine = reader.locator(f"#comment-{comment.pk}")
    expect(mine).to_be_in_viewport()
    expect(mine).to_contain_text(AWAITING)
    expect(mine.locator(".comment-body")).to_have_text(
        "Does the effect on mood last once the infusions stop?"
    )
    expect(mine.get_by_role("link", name="Jo Reader")).to_have_attribute(
        "href", "https://jo.example.org"
    )
    # Only approved comments are counted, and a pending one cannot be replied to.
    expect(reader.locator("#comments-title")).to_have_text("4 Responses")
    expect(mine.get_by_role("link", name=re.compile("^Reply"))).to_have_count(0)
    screenshots(reader, "awaiting-moderation")

    reader.reload()
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text(AWAITING)

    another_reader = new_context().new_page()
    another_reader.goto(article_url)
    expect(another_reader.locator("#comments-title")).to_have_text("4 Responses")
    expect(another_reader.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(another_reader.get_by_text("Does the effect on mood last")).to_have_count(0)
    expect(another_reader.get_by_text(AWAITING)).to_have_count(0)
    expect(name_field(another_reader)).to_have_value("")

    reader.goto("/")
    reader.get_by_role("link", name="What is Ketamine Used For?").click()
    expect(comment_field(reader)).to_have_value("")
    expect(name_field(reader)).to_have_value("Jo Reader")
    expect(email_field(reader)).to_have_value("jo.e2e@example.org")
    expect(website_field(reader)).to_have_value("https://jo.example.org")
    expect(save_details_box(reader)).to_be_checked()


def test_missing_email_is_reported_and_the_typed_comment_is_kept(page, article_url, screenshots):
    page.goto(article_url)
    typed = "A long comment I would hate to type twice.\n\nIt has two paragraphs."
    comment_field(page).fill(typed)
    name_field(page).fill("No Email")
    page.get_by_role("button", name="Post Comment").click()

    # The browser stops the form itself and says why; nothing reaches the server.
    email = email_field(page)
    expect(email).to_have_js_property("validity.valueMissing", True)
    assert email.evaluate("field => field.validationMessage")
    expect(page).to_have_url(article_url)
    expect(comment_field(page)).to_have_value(typed)

    # A browser that does not check forms posts it: the server says the same, text kept.
    page.locator("#commentform").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Post Comment").click()
    expect(page).to_have_url(f"{article_url}comments/#respond")
    error = page.locator("#div_id_email")
    expect(error).to_contain_text("Please enter your email address. It will not be published.")
    expect(email_field(page)).to_have_attribute("aria-invalid", "true")
    expect(comment_field(page)).to_have_value(typed)
    expect(name_field(page)).to_have_value("No Email")
    screenshots(page, "form-error")
    assert not Comment.objects.filter(name="No Email").exists()


def test_reply_is_indented_under_its_parent_once_approved(new_context, article_url, screenshots):
    parent = Comment.objects.get(name="Chris")
    reader = new_context().new_page()
    reader.goto(article_url)
    reader.get_by_role("link", name="Reply to Chris").click()
    expect(reader).to_have_url(f"{article_url}?replyto={parent.pk}#respond")
    expect(reader.locator("#reply-title")).to_have_text("Reply to Chris")
    screenshots(reader, "reply-form")
    comment_field(reader).fill("Mine was checked too, every time.")
    name_field(reader).fill("Pat Replier")
    email_field(reader).fill("pat.e2e@example.org")
    reader.get_by_role("button", name="Post Comment").click()

    reply = Comment.objects.get(email="pat.e2e@example.org")
    assert reply.parent_id == parent.pk
    assert reply.status == Comment.Status.PENDING
    expect(reader.locator(f"#comment-{reply.pk}")).to_contain_text(AWAITING)

    reply.approve()

    another_reader = new_context().new_page()
    another_reader.goto(article_url)
    expect(another_reader.locator("#comments-title")).to_have_text("5 Responses")
    nested = another_reader.locator(f"#comment-{parent.pk} > ol.children > #comment-{reply.pk}")
    expect(nested).to_be_visible()
    expect(nested).not_to_contain_text(AWAITING)
    expect(nested.locator(".comment-author")).to_have_text("Pat Replier")
    parent_box = another_reader.locator(f"#comment-{parent.pk} > .comment-header").bounding_box()
    reply_box = nested.locator("> .comment-header").bounding_box()
    assert reply_box["x"] > parent_box["x"] + 10
    assert reply_box["y"] > parent_box["y"]
    screenshots(another_reader, "reply-approved")


def test_the_forms_script_fetches_its_token_when_the_reader_starts_typing(
    new_context, article_url, settings
):
    # A token makes the post timed: sent at once, it is "too fast", held with the reason
    # fast_post (never spam). Without the script there is no token: held as no_js.
    settings.COMMENTS_MIN_SECONDS = 60
    reader = new_context().new_page()
    reader.goto(article_url)
    token = reader.locator("#id_token")
    expect(token).to_have_value("")  # the page is the same for everyone: no token in it
    comment_field(reader).fill("Typed in a browser with JavaScript.")
    expect(token).not_to_have_value("")
    name_field(reader).fill("Script Reader")
    email_field(reader).fill("script.e2e@example.org")
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.get_by_role("status")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(email="script.e2e@example.org")
    assert comment.status == Comment.Status.PENDING
    assert [reason["code"] for reason in comment.hold_reasons] == ["fast_post"]
