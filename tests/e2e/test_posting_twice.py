"""Posting twice in a browser: the answer to a comment never came, the reader presses Back
and sends it again. The form's nonce survives the way back, and the comment is not saved
twice (comments/resubmission.py, static/js/comment-form.js)."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = "Is the evening dose as effective as the morning one?"


def test_a_comment_sent_again_after_a_lost_answer_is_shown_not_saved_twice(
    new_context, article_url
):
    reader = new_context().new_page()
    posts = []
    reader.on(
        "request",
        lambda request: posts.append(request.post_data) if request.method == "POST" else None,
    )

    def lose_the_answer(route):
        route.fetch(max_redirects=0)  # the server saves the comment...
        route.abort("timedout")  # ...and its answer never reaches the browser

    reader.route(re.compile(r".*/comments/$"), lose_the_answer)
    reader.goto(article_url)
    reader.get_by_role("textbox", name=re.compile(r"^Comment")).fill(TEXT)
    reader.get_by_role("textbox", name=re.compile(r"^Name")).fill("Sam Reader")
    reader.get_by_role("textbox", name=re.compile(r"^Email")).fill("sam.e2e@example.org")
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader).not_to_have_url(article_url)  # the browser's own error page
    assert Comment.objects.filter(body=TEXT).count() == 1

    reader.unroute(re.compile(r".*/comments/$"))
    reader.go_back()
    comment_field = reader.get_by_role("textbox", name=re.compile(r"^Comment"))
    if comment_field.input_value() != TEXT:  # the browser did not keep the text: retyped
        comment_field.fill(TEXT)
        reader.get_by_role("textbox", name=re.compile(r"^Name")).fill("Sam Reader")
        reader.get_by_role("textbox", name=re.compile(r"^Email")).fill("sam.e2e@example.org")
    reader.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get(body=TEXT)
    expect(reader).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    expect(reader.locator("#messages")).to_contain_text(
        "You had sent this comment already, so it was not posted twice"
    )
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text(
        "comment is awaiting moderation."
    )
    nonces = [re.search(r"nonce=([0-9a-f]{32})", post).group(1) for post in posts[:2]]
    assert nonces[0] == nonces[1]
