"""The spam defences and moderation rules of comments/moderation.py, each on its own."""

import re
import time

import pytest
from django.core import mail, signing

from comments import moderation
from comments.forms import make_form_token, read_form_token
from comments.models import Comment, OutgoingEmail
from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT

# A rate-limit period far longer than a test (2**40 seconds: some 35,000 years), for the
# tests that count posts: their posts cannot fall on both sides of a window's end, as
# with the fixed window of cms.rate_limits.count_hit three posts once did in CI.
STRADDLE_FREE_PERIOD = 2**40


def test_a_fast_thanks_from_saved_details_is_held_as_posted_very_quickly_never_spam(
    client, article, comment_post
):
    # A "Thanks!" a second after the form, from a browser that filled in saved details.
    comment_post(article, save_details="on")
    client.cookies.pop("messages", None)
    response = comment_post(
        article, body="Thanks!", token=make_form_token(article.pk, now=time.time() - 1)
    )
    assert response.status_code == 303
    comment = Comment.objects.get(body="Thanks!")
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reasons == [{"code": "fast_post", "detail": "1 s after the form"}]
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your comment is awaiting moderation." in page
    assert "Thanks!" in page  # the reader sees their own held comment


def test_a_form_older_than_a_day_is_spam(client, article, comment_post):
    comment_post(article, token=make_form_token(article.pk, now=time.time() - 86_401))
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_filled_honeypot_is_spam_and_the_bot_sees_success(client, article, comment_post):
    response = comment_post(article, honeypot="http://buy.example.com")
    assert response.status_code == 303
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize("token", ["forged", "eyJhcnRpY2xlIjoxfQ:bad:signature"])
def test_a_forged_token_is_spam(client, article, comment_post, token):
    comment_post(article, token=token)
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_post_without_a_token_waits_for_a_moderator_never_spam(
    client, article, comment_post, make_comment
):
    # A reader without JavaScript sends no token: held, even with a known, trusted address.
    make_comment(article, email="ada@example.org")
    response = comment_post(article, token="", follow=True)
    assert Comment.objects.get(body="Very clear, thank you.").status == Comment.Status.PENDING
    assert "awaiting moderation" in response.content.decode()


def test_the_form_token_comes_from_its_own_private_address(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="token"' in page and 'name="token" value=' not in page
    token_url = re.search(r'data-token-url="([^"]+)"', page).group(1)
    response = client.get(token_url)
    assert response["Cache-Control"] == "private, no-store"
    assert read_form_token(response.json()["token"], article.pk) == pytest.approx(
        time.time(), abs=2
    )


def test_a_token_for_another_article_is_spam(client, article, make_article, comment_post):
    other = make_article()
    comment_post(article, token=make_form_token(other.pk, now=time.time() - 10))
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_honeypot_is_hidden_from_people_and_screen_readers(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    wrapper = page[page.index('class="form-honeypot"') - 10 : page.index('name="honeypot"') + 80]
    assert 'aria-hidden="true"' in wrapper
    assert 'tabindex="-1"' in wrapper
    assert 'autocomplete="off"' in wrapper


def test_more_links_than_allowed_holds_the_comment(
    client, article, comment_post, make_comment, settings
):
    # A browser that posted an approved comment is trusted...
    _posted_from(client, make_comment(article, email="known@example.org"))
    body = "See https://a.example.org and https://b.example.org and www.c.example.org"
    comment_post(article, email="known@example.org", body=body)
    # ...but too many links still hold the comment for a moderator.
    assert Comment.objects.filter(body=body).get().status == Comment.Status.PENDING


def test_each_link_counts_once(client, article, comment_post, make_comment, settings):
    settings.COMMENTS_MAX_LINKS = 2
    _posted_from(client, make_comment(article, email="known@example.org"))
    # Two addresses, each written with both https:// and www., and a link typed as HTML:
    # three links, not six.
    body = (
        "See https://www.nhs.uk/medicines/ketamine/ and https://www.nih.gov/health "
        'and <a href="https://example.org/a">this</a>'
    )
    comment_post(article, email="known@example.org", body=body)
    comment = Comment.objects.get(body=body)
    assert comment.status == Comment.Status.PENDING
    assert comment.body_html.count("<a ") == 3
    two = "See https://www.nhs.uk/medicines/ketamine/ and https://www.nih.gov/health"
    comment_post(article, email="known@example.org", body=two)
    assert Comment.objects.get(body=two).status == Comment.Status.APPROVED


def test_moderation_words_hold_and_disallowed_words_mark_spam(
    client, article, comment_post, make_comment, settings
):
    settings.COMMENTS_MODERATION_WORDS = ["dosage"]
    settings.COMMENTS_DISALLOWED_WORDS = ["casino"]
    _posted_from(client, make_comment(article, email="known@example.org"))
    comment_post(article, email="known@example.org", body="What Dosage did you take?")
    comment_post(article, email="known@example.org", body="Best CASINO bonus")
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["What Dosage did you take?"] == Comment.Status.PENDING
    assert statuses["Best CASINO bonus"] == Comment.Status.SPAM


def _posted_from(client, *comments):
    """Give ``client`` the signed cookie of a browser that posted ``comments``."""
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps(
        [comment.pk for comment in comments], salt=OWN_COMMENTS_SALT
    )


def test_the_browser_that_posted_an_approved_comment_is_approved_at_once(
    client, article, comment_post, make_comment
):
    earlier = make_comment(article, email="Regular@Example.org")
    _posted_from(client, earlier)
    response = comment_post(article, email="regular@example.org", body="Again, thanks.")
    assert Comment.objects.get(body="Again, thanks.").status == Comment.Status.APPROVED
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your comment is published." in page


def _answer(client, response):
    """What a poster gets back: status, where they are sent, the message on that page."""
    page = client.get(response["Location"]).content.decode()
    message = re.search(r"Thank you: your comment is [a-z ]+\.", page).group(0)
    location = re.sub(r"\d+", "N", response["Location"])
    return response.status_code, location, message, sorted(response.cookies)


def test_knowing_an_address_gets_exactly_what_a_stranger_gets(
    client, article, comment_post, make_comment
):
    make_comment(article, email="regular@example.org")
    impostor = _answer(client, comment_post(article, email="Regular@example.org", body="Me!"))
    client.cookies.clear()
    stranger = _answer(client, comment_post(article, email="new@example.org", body="Hello"))
    assert impostor == stranger
    assert impostor[2] == "Thank you: your comment is awaiting moderation."
    assert Comment.objects.get(body="Me!").status == Comment.Status.PENDING


def test_a_cookie_naming_anothers_approved_comment_trusts_nobody(
    client, article, comment_post, make_comment
):
    mine = make_comment(article, email="me@example.org", status=Comment.Status.PENDING)
    theirs = make_comment(article, email="them@example.org")
    _posted_from(client, mine)
    # Their address has an approved comment, but this browser did not post it...
    comment_post(article, email="them@example.org", body="Pretending")
    # ...and this browser's own comment under this address is not approved.
    comment_post(article, email="me@example.org", body="Still pending")
    assert theirs.status == Comment.Status.APPROVED
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["Pretending"] == Comment.Status.PENDING
    assert statuses["Still pending"] == Comment.Status.PENDING


def test_known_email_approval_can_be_switched_off(
    client, article, comment_post, make_comment, settings
):
    settings.COMMENTS_APPROVE_KNOWN_EMAILS = False
    _posted_from(client, make_comment(article, email="regular@example.org"))
    comment_post(article, email="regular@example.org", body="Again, thanks.")
    assert Comment.objects.get(body="Again, thanks.").status == Comment.Status.PENDING


def test_the_sixth_comment_in_a_minute_gets_429_with_the_text_kept(client, article, comment_post):
    for number in range(5):
        assert comment_post(article, body=f"Comment {number}").status_code == 303
    response = comment_post(article, body="My sixth thought")
    page = response.content.decode()
    assert response.status_code == 429
    assert "My sixth thought" in page
    assert "Please wait a minute" in page
    assert Comment.objects.count() == 5


def test_ip_address_and_user_agent_are_stored_for_moderators_only(client, article, comment_post):
    client.defaults["HTTP_USER_AGENT"] = "TestBrowser/1.0 (secret-agent)"
    comment_post(article)
    comment = Comment.objects.get()
    assert comment.user_agent == "TestBrowser/1.0 (secret-agent)"
    comment.approve()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "secret-agent" not in page
    assert "127.0.0.1" not in page.replace("http://127.0.0.1:8000", "")


def test_a_pending_comment_emails_the_moderators_with_an_admin_link(
    client, article, comment_post, settings, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    comment_post(article, body="Please check my question.")
    comment = Comment.objects.get()
    assert mail.outbox == []  # queued: the worker sends it, not the reader's request
    run_mail_queue()
    [message] = mail.outbox
    assert message.to == ["moderator@example.org"]
    assert "Sleep and Health" in message.subject
    assert "Ada Reader" in message.body
    assert "Please check my question." in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body


def test_spam_and_approved_comments_email_nobody(
    client, article, comment_post, make_comment, settings, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    comment_post(article, honeypot="x")
    _posted_from(client, make_comment(article, email="known@example.org"))
    comment_post(article, email="known@example.org")
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 2
    run_mail_queue()
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_lose_the_comment_nor_the_email(
    client, article, comment_post, settings, caplog, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.EMAIL_RETRY_SECONDS = 3600
    response = comment_post(article)
    assert response.status_code == 303
    assert Comment.objects.count() == 1
    run_mail_queue()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert email.last_error and email.next_attempt_at
    assert "trying again" in caplog.text


def test_each_rule_can_be_asked_alone(article):
    comment = Comment(article=article, name="N", email="n@example.org", body="Plain text")
    now = time.time()
    fresh = moderation.Submission(comment, form_shown_at=now - 10, honeypot_filled=False, now=now)
    assert moderation.posted_too_fast(fresh) is None
    assert moderation.honeypot_filled(fresh) is None
    assert moderation.decide(fresh).status == Comment.Status.PENDING
    quick = moderation.Submission(comment, form_shown_at=now - 1, honeypot_filled=False, now=now)
    held = moderation.posted_too_fast(quick)
    assert held.status == Comment.Status.PENDING
    assert [reason.code for reason in held.reasons] == ["fast_post"]


def test_behind_a_proxy_the_rate_limit_counts_each_reader_apart(
    client, article, comment_post, settings
):
    settings.BEHIND_PROXY = True
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_PERIOD = STRADDLE_FREE_PERIOD
    first = comment_post(article, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = comment_post(article, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.2")
    third = comment_post(article, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2")
    assert (first.status_code, second.status_code, third.status_code) == (303, 303, 429)
    addresses = sorted(Comment.objects.values_list("ip_address", flat=True))
    assert addresses == ["198.51.100.1", "198.51.100.2"]


def test_without_a_proxy_forwarded_headers_are_ignored(client, article, comment_post, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_PERIOD = STRADDLE_FREE_PERIOD
    assert comment_post(article, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 303
    assert comment_post(article, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429
    assert Comment.objects.get().ip_address == "127.0.0.1"
