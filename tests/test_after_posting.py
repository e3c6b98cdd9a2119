"""What the author of a new comment reads, and where: the confirmation inside their held
comment, where the redirect lands; no "Report" on their own comment."""

import re

from django.core import signing
from django.test import Client

from comments.models import Comment, CrisisTexts
from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT
from tests.text import visible_text


def _comment_element(page, comment):
    """The HTML of ``comment``'s own part of the thread: its <li> up to its replies or the
    next comment (the thread leaves each <li> open for the replies)."""
    start = page.index(f'id="comment-{comment.pk}"')
    following = re.search(r"<li class=\"comment|<ol class=\"children|</ol>", page[start:])
    return page[start : start + following.start()]


def _inside(client, response, comment):
    """What the reader reads in ``comment`` on the page the post sent them to."""
    return visible_text(
        _comment_element(client.get(response["Location"]).content.decode(), comment)
    )


def _messages_above_thread(page):
    found = re.search(r'<div role="status" id="messages">(.*?)</div>', page, re.S)
    return visible_text(found.group(1)) if found else ""


def test_the_confirmation_of_a_held_comment_is_inside_it_where_the_reader_lands(
    client, article, comment_post, settings
):
    settings.COMMENTS_USUAL_REVIEW_TIME = "within two hours on weekdays"
    response = comment_post(article, body="Is this safe during pregnancy?")
    comment = Comment.objects.get()
    assert response["Location"] == f"/{article.slug}/#comment-{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    inside = visible_text(_comment_element(page, comment))
    assert "Thank you: your comment is awaiting moderation." in inside
    assert "Moderators usually review comments within two hours on weekdays." in inside
    assert "We will not email you when it is published: you did not ask for emails." in inside
    assert "Is this safe during pregnancy?" in inside
    # Said once, in the comment: nothing above the thread, out of view.
    assert "Thank you" not in _messages_above_thread(page)
    assert page.count("Thank you: your comment is awaiting moderation.") == 1


def test_a_reader_who_asked_for_replies_is_told_the_email_will_come(client, article, comment_post):
    response = comment_post(article, notify_replies="on")
    comment = Comment.objects.get()
    inside = visible_text(
        _comment_element(client.get(response["Location"]).content.decode(), comment)
    )
    assert (
        "We will email you when it is published, once this address has confirmed our emails."
        in inside
    )
    assert "If this address has not confirmed our emails yet, we have sent it a link" in inside


def test_later_visits_say_the_comment_waits_and_for_how_long(client, article, comment_post):
    response = comment_post(article)
    client.get(response["Location"])  # the confirmation, read once
    comment = Comment.objects.get()
    inside = visible_text(
        _comment_element(client.get(response["Location"]).content.decode(), comment)
    )
    assert "Thank you" not in inside
    assert (
        "Your comment is awaiting moderation. Moderators usually review comments within a day."
        in inside
    )


def test_a_published_comment_is_thanked_above_the_thread(
    client, article, comment_post, make_comment
):
    earlier = make_comment(article, email="known@example.org")
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([earlier.pk], salt=OWN_COMMENTS_SALT)
    response = comment_post(article, email="known@example.org", body="Again, thanks.")
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your comment is published." in _messages_above_thread(page)


def test_spam_is_thanked_in_the_same_words_above_the_thread(client, article, comment_post):
    response = comment_post(article, honeypot="I am a bot")
    assert Comment.objects.get().status == Comment.Status.SPAM
    page = client.get(response["Location"]).content.decode()
    assert _messages_above_thread(page).startswith(
        "Thank you: your comment is awaiting moderation. Moderators usually review comments"
    )


def test_the_safety_message_keeps_its_place_first_for_a_reader_in_crisis(
    client, article, comment_post
):
    texts = CrisisTexts.current()
    texts.safety_message = "Call our test helpline on 0800 000 000."
    texts.save()
    response = comment_post(article, body="I don't want to live anymore, I've had enough.")
    assert response["Location"] == f"/{article.slug}/#messages"
    above = _messages_above_thread(client.get(response["Location"]).content.decode())
    assert above.index("0800 000 000") < above.index("Thank you: your comment is awaiting")


def test_the_readers_own_part_names_their_comments_for_the_script_that_hides_report(
    client, article, make_comment
):
    """The thread is the same for every reader (a shared cache keeps it), so it carries
    Report; the reader's own part names their comments, and the form's script removes
    Report from those (static/js/comment-form.js; tests/e2e/test_after_posting.py)."""
    other = make_comment(article, body="Someone else's words.")
    earlier = make_comment(article, email="known@example.org", body="My earlier words.")
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([earlier.pk], salt=OWN_COMMENTS_SALT)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'data-own-comments="{earlier.pk}"' in page
    assert f"/comments/{other.pk}/report/" in _comment_element(page, other)
    assert "data-own-comments" not in Client().get(article.get_absolute_url()).content.decode()


def test_the_report_page_of_ones_own_comment_says_so_and_files_nothing(
    client, article, make_comment
):
    mine = make_comment(article, body="My earlier words.")
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([mine.pk], salt=OWN_COMMENTS_SALT)
    page = client.get(f"/comments/{mine.pk}/report/")
    assert page.status_code == 200
    assert "This is your own comment" in visible_text(page)
    assert 'name="reason"' not in page.content.decode()
    response = client.post(f"/comments/{mine.pk}/report/", {"reason": "spam"})
    assert "This is your own comment" in visible_text(response)
    assert not mine.reports.exists()
