"""What the comment form tells a reader: the errors, summed up first and linked to their
fields; what formatting the comment box accepts; how long an edit may still take."""

import html
import re
from datetime import timedelta

from django.core import signing
from django.utils import timezone

from comments.models import Comment
from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT
from tests.text import visible_text


def _summary(page):
    found = re.search(r'<div class="error-summary[^"]*"([^>]*)>(.*?)</div>', page, re.S)
    assert found, "no error summary"
    return found.group(1), found.group(2)


def test_the_forms_errors_are_summed_up_first_taking_the_focus_each_linked_to_its_field(
    client, article, comment_post
):
    page = comment_post(article, body="", email="not an address").content.decode()
    attributes, summary = _summary(page)
    assert 'tabindex="-1"' in attributes and "autofocus" in attributes
    assert 'role="alert"' in attributes
    assert '<a href="#id_body">Please write a comment.</a>' in summary
    assert (
        '<a href="#id_email">Please enter a valid email address, like name@example.org.</a>'
        in summary
    )
    # First in the form, before its first field; and each field still says its own error.
    form = page[page.index('id="commentform"') :]
    assert form.index("error-summary") < form.index('id="id_body"')
    assert 'aria-invalid="true"' in form[form.index('id="id_body"') - 400 :]
    assert not Comment.objects.exists()


def test_a_refusal_of_the_whole_form_is_in_the_summary_too(client, article, comment_post):
    page = comment_post(article, replyto="12abc").content.decode()
    _, summary = _summary(page)
    assert "The link you used to reply was damaged" in visible_text(summary)


def test_a_form_without_errors_has_no_summary(client, article):
    assert "error-summary" not in client.get(article.get_absolute_url()).content.decode()


def test_the_line_under_the_comment_box_says_what_formatting_works(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'aria-describedby="id_body_help"' in textarea
    hint = re.search(r'<p id="id_body_help" class="form-text">(.*?)</p>', page, re.S).group(1)
    assert html.unescape(visible_text(hint)) == (
        "Plain text: web addresses become links, and a blank line starts a new paragraph. "
        "Of HTML only <em>, <strong>, <code>, <blockquote>, <a> work; "
        "other HTML and Markdown (such as *stars*) are shown as typed."
    )
    assert "<code>&lt;em&gt;</code>" in hint  # shown as tags, never applied


def test_what_the_line_says_is_what_a_comment_shows(client, article, comment_post):
    body = "<b>bold</b> *stars* <em>kept</em> <strong>strong</strong>\n\nhttps://example.org"
    comment_post(article, body=body)
    shown = Comment.objects.get().body_html
    assert "&lt;b&gt;bold&lt;/b&gt; *stars* <em>kept</em> <strong>strong</strong>" in shown
    assert '<p><a href="https://example.org" rel="nofollow ugc">' in shown


def _own(client, comment):
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([comment.pk], salt=OWN_COMMENTS_SALT)


def test_the_edit_page_says_how_many_minutes_are_left(client, article, make_comment, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    comment = make_comment(article, created_at=timezone.now() - timedelta(minutes=11, seconds=30))
    _own(client, comment)
    page = visible_text(client.get(f"/comments/{comment.pk}/edit/"))
    assert "You can change it for 15 minutes after posting it: 4 minutes left" in page
    assert "Plain text: web addresses become links" in page  # the same line as the form


def test_the_last_seconds_of_the_window_say_one_minute(client, article, make_comment):
    comment = make_comment(article, created_at=timezone.now() - timedelta(minutes=14, seconds=40))
    _own(client, comment)
    assert "1 minute left" in visible_text(client.get(f"/comments/{comment.pk}/edit/"))
