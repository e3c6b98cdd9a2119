"""The reader's comforts around the comment form, in Chromium: the reply form opening under
the comment answered (with and without JavaScript), the character counter, the preview and
the "(edited)" mark; axe, the width at 390 px and screenshots with the form open."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def comment_field(page):
    return page.get_by_role("textbox", name=re.compile(r"^Comment"))


def fill_author(page, name="Jo Reader", email="jo.comforts@example.org"):
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill(name)
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill(email)


def answered_comment(article):
    """A top-level demo comment with a reply under it."""
    return (
        Comment.objects.approved()
        .filter(article=article, parent=None, replies__isnull=False)
        .order_by("created_at")
        .first()
    )


def test_reply_opens_under_the_comment_with_javascript_and_cancel_moves_it_back(
    new_context, article_url, demo_article, run_axe, screenshot_dir
):
    answered = answered_comment(demo_article)
    first_reply = answered.replies.order_by("created_at").first()
    page = new_context(bypass_csp=True).new_page()  # bypass_csp: for axe's injected script
    page.goto(article_url)
    item = page.locator(f"#comment-{answered.pk}")
    reply_link = item.get_by_role("link", name=f"Reply to {answered.name}").first

    # By keyboard: the link has focus, Enter opens the form without leaving the page.
    page.evaluate("window.sameDocument = true")
    reply_link.focus()
    page.keyboard.press("Enter")
    form = page.locator("#commentform")
    expect(item.locator("#commentform")).to_have_count(1)
    expect(page.locator("#reply-title")).to_have_text(f"Reply to {answered.name}")
    quote = item.locator(".reply-quote")
    expect(quote).to_be_visible()
    expect(quote).to_contain_text(" ".join(answered.body.split())[:40])
    expect(form.locator('input[name="replyto"]')).to_have_value(str(answered.pk))
    expect(comment_field(page)).to_be_focused()
    expect(page).to_have_url(re.compile(rf"\?replyto={answered.pk}#respond$"))
    assert page.evaluate("window.sameDocument === true")  # moved, not reloaded
    # Under the comment's own words and above its replies.
    assert page.evaluate(
        """([form, reply]) => {
            const f = document.getElementById(form), r = document.getElementById(reply);
            return !!(f.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        ["commentform", f"comment-{first_reply.pk}"],
    )

    assert_no_serious_violations(run_axe(page), "the reply form under a comment")
    page.screenshot(path=screenshot_dir / "reader-reply-form-1280.png", full_page=True)
    item.screenshot(path=screenshot_dir / "reader-reply-form-1280-detail.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshot_dir / "reader-reply-form-390.png", full_page=True)
    item.screenshot(path=screenshot_dir / "reader-reply-form-390-detail.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # "Cancel reply" is a button: the form goes back to the end, focus back to the link.
    cancel = page.get_by_role("button", name="Cancel reply")
    cancel.click()
    expect(item.locator("#commentform")).to_have_count(0)
    expect(page.locator("#respond-home + #respond #commentform")).to_have_count(1)
    expect(page.locator("#reply-title")).to_have_text("Leave a Reply")
    expect(form.locator('input[name="replyto"]')).to_have_value("")
    expect(reply_link).to_be_focused()
    expect(page).not_to_have_url(re.compile("replyto"))

    # Open again with the mouse, and post: the comment is a reply to that comment.
    reply_link.click()
    comment_field(page).fill("Thank you, that answers it.")
    fill_author(page)
    page.get_by_role("button", name="Post Comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    posted = Comment.objects.get(email="jo.comforts@example.org")
    assert posted.parent_id == answered.pk


def test_reply_opens_under_the_comment_without_javascript(new_context, article_url, demo_article):
    answered = answered_comment(demo_article)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(article_url)
    item = page.locator(f"#comment-{answered.pk}")
    item.get_by_role("link", name=f"Reply to {answered.name}").first.click()
    expect(page).to_have_url(f"{article_url}?replyto={answered.pk}#respond")
    expect(item.locator("#commentform")).to_have_count(1)
    expect(page.locator("#reply-title")).to_have_text(f"Reply to {answered.name}")
    expect(item.locator(".reply-quote")).to_contain_text(" ".join(answered.body.split())[:40])
    expect(page.get_by_role("link", name="Cancel reply")).to_have_attribute(
        "href", f"{demo_article.get_absolute_url()}#respond"
    )
    # No script: no counter and no preview button, and the browser's own limit stays.
    expect(page.locator(".char-counter")).to_have_count(0)
    expect(page.get_by_role("button", name="Preview")).to_have_count(0)
    expect(comment_field(page)).to_have_attribute("maxlength", "5000")

    comment_field(page).fill("Posted without any script.")
    fill_author(page, email="nojs.comforts@example.org")
    page.get_by_role("button", name="Post Comment").click()
    posted = Comment.objects.get(email="nojs.comforts@example.org")
    assert posted.parent_id == answered.pk

    page.goto(article_url + f"?replyto={answered.pk}")
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator("#reply-title")).to_have_text("Leave a Reply")
    expect(page.locator(f"#comment-{answered.pk} #commentform")).to_have_count(0)


def test_the_counter_counts_down_and_warns_on_a_paste_over_the_limit(
    new_context, article_url, demo_article, screenshot_dir
):
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(article_url)
    counter = page.locator(".char-counter")
    expect(counter).to_have_text("5,000 characters left")
    field = comment_field(page)
    field.fill("Hello")
    expect(counter).to_have_text("4,995 characters left")
    expect(counter).to_have_attribute("id", "id_body_counter")
    expect(field).to_have_attribute("aria-describedby", re.compile("id_body_counter"))

    # A 6,000-character paste: nothing is cut, and the reader is told.
    long_text = "Long words. " * 500
    page.evaluate("text => navigator.clipboard.writeText(text)", long_text)
    field.fill("")
    field.focus()
    page.keyboard.press("Control+V")
    expect(field).to_have_value(long_text)
    expect(counter).to_have_text(
        "Too long by 1,000 characters: the limit is 5,000. "
        "Nothing was cut; please shorten your comment before posting."
    )
    expect(counter).to_have_class(re.compile("is-over"))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#comment-form-status")).to_contain_text("Too long by 1,000 characters")
    page.locator("#respond").screenshot(path=screenshot_dir / "reader-counter-over-limit.png")

    fill_author(page, email="long.comforts@example.org")
    page.get_by_role("button", name="Post Comment").click()
    expect(field).to_be_focused()
    expect(page).to_have_url(article_url)
    assert not Comment.objects.filter(email="long.comforts@example.org").exists()

    field.fill(long_text[:4812])
    expect(counter).to_have_text("188 characters left")
    expect(field).not_to_have_attribute("aria-invalid", "true")


def test_the_preview_shows_the_comment_as_it_will_be_shown(
    new_context, article_url, demo_article, screenshot_dir
):
    page = new_context().new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(article_url)
    comment_field(page).fill("Read https://www.nih.gov/health first.\n\n<script>alert(1)</script>")
    fill_author(page, name="Jo Reader")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: your comment as it will be shown")
    expect(preview).to_be_visible()
    expect(page.locator("#comment-preview-title")).to_be_focused()
    link = preview.get_by_role("link", name="https://www.nih.gov/health")
    expect(link).to_have_attribute("href", "https://www.nih.gov/health")
    expect(link).to_have_attribute("rel", "nofollow ugc")
    expect(preview.locator(".comment-body")).to_contain_text("<script>alert(1)</script>")
    expect(preview.locator(".comment-author")).to_have_text("Jo Reader")
    expect(preview.locator(".avatar")).to_have_text("JR")
    assert dialogs == []
    page.locator("#respond").screenshot(path=screenshot_dir / "reader-preview.png")
    assert not Comment.objects.filter(email="jo.comforts@example.org").exists()

    comment_field(page).fill("")
    page.get_by_role("button", name="Preview").click()
    expect(preview).to_contain_text("Write your comment first")


def test_an_author_edit_shows_edited_to_every_reader(new_context, article_url, demo_article):
    author = new_context().new_page()
    author.goto(article_url)
    comment_field(author).fill("My first words.")
    fill_author(author, email="editor.comforts@example.org")
    author.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(email="editor.comforts@example.org")
    comment.approve()

    reader = new_context().new_page()
    reader.goto(article_url)
    expect(reader.locator(f"#comment-{comment.pk}")).to_be_visible()
    expect(reader.locator(f"#comment-{comment.pk} .comment-edited")).to_have_count(0)

    author.goto(article_url)
    # The Edit link is in the author's own part of the page ("Your comments"), beside the
    # comment's quote: the thread is the one every reader sees.
    author.locator(".own-comments-editable li", has_text="My first words.").get_by_role(
        "link", name="Edit"
    ).click()
    author.get_by_role("textbox", name=re.compile("^Comment")).fill("My better words.")
    author.get_by_role("button", name=re.compile("Save|Update")).click()
    expect(author.locator(f"#comment-{comment.pk} .comment-edited")).to_have_text("(edited)")

    reader.reload()
    edited = reader.locator(f"#comment-{comment.pk} .comment-edited")
    expect(edited).to_have_text("(edited)")
    expect(edited).to_have_attribute("title", re.compile(r"^Edited by its author on "))
    expect(edited).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
    )
    expect(reader.locator(f"#comment-{comment.pk} .comment-body")).to_have_text("My better words.")


def test_a_replyto_address_opened_with_javascript_cancels_in_place(
    new_context, article_url, demo_article
):
    answered = answered_comment(demo_article)
    page = new_context().new_page()
    page.goto(f"{article_url}?replyto={answered.pk}#respond")
    expect(page.locator(f"#comment-{answered.pk} #commentform")).to_have_count(1)
    expect(page.get_by_role("link", name="Cancel reply")).to_have_count(0)
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Cancel reply").click()
    expect(page).to_have_url(f"{article_url}#respond")
    assert page.evaluate("window.sameDocument === true")  # moved, not reloaded
    expect(page.locator(f"#comment-{answered.pk} #commentform")).to_have_count(0)
    expect(page.locator("#reply-title")).to_have_text("Leave a Reply")
    expect(page.locator('#commentform input[name="replyto"]')).to_have_value("")
    expect(
        page.locator(f"#comment-{answered.pk}")
        .get_by_role("link", name=f"Reply to {answered.name}")
        .first
    ).to_be_focused()
