"""Every automatic hold records its reasons on the comment (Comment.hold_reasons, as
{"code", "detail"} dicts): each rule of comments/moderation.py through the real comment
form, the word lists, personal data and the trust ladder."""

import pytest
from django.core import signing
from django.test import Client

from comments.models import Comment, Commenter, ModerationWord, Subscription
from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT


def _posted_from(client, *comments):
    """Give ``client`` the signed cookie of a browser that posted ``comments``."""
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps(
        [comment.pk for comment in comments], salt=OWN_COMMENTS_SALT
    )


def _reasons(body):
    return Comment.objects.get(body=body).hold_reasons


@pytest.fixture
def known(client, article, make_comment):
    """``client`` is a browser that posted an approved comment as known@example.org: the
    trust ladder publishes its comments unless a rule holds them."""
    _posted_from(client, make_comment(article, email="known@example.org"))
    return "known@example.org"


def test_a_new_commenter_is_held_with_what_the_ladder_still_needs(article, comment_post):
    comment_post(article, body="First time here.")
    assert _reasons("First time here.") == [
        {"code": "new_commenter", "detail": "0 of 1 approved comments"}
    ]


def test_links_over_the_limit_are_the_reason_with_their_count(article, comment_post, known):
    body = "See https://a.example.org and https://b.example.org and www.c.example.org"
    comment_post(article, email=known, body=body)
    assert _reasons(body) == [{"code": "links", "detail": "3 links"}]


def test_a_suspect_word_from_the_admin_list_holds_and_names_the_word(article, comment_post, known):
    ModerationWord.objects.create(phrase="miracle cure", kind=ModerationWord.Kind.SUSPECT)
    comment_post(article, email=known, body="This is a MIRACLE  cure, buy it")
    comment_post(article, email=known, body="No miracles, no cures here.")
    assert _reasons("This is a MIRACLE  cure, buy it") == [
        {"code": "suspect_word", "detail": "miracle cure"}
    ]
    assert Comment.objects.get(body="No miracles, no cures here.").status == "approved"


def test_a_banned_word_rejects_and_the_reader_is_told_what_a_held_comment_is_told(
    client, article, comment_post, known
):
    ModerationWord.objects.create(phrase="idiot", kind=ModerationWord.Kind.BANNED)
    response = comment_post(
        article, email=known, body="The author is an idiot.", notify_replies="on"
    )
    comment = Comment.objects.get(body="The author is an idiot.")
    assert comment.status == Comment.Status.REMOVED
    assert comment.hold_reasons == [{"code": "banned_word", "detail": "idiot"}]
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your comment is awaiting moderation." in page
    assert "The author is an idiot." not in page
    assert not Subscription.objects.exists()  # nobody is emailed for a rejected comment


def test_a_change_to_the_word_lists_applies_to_the_next_comment(article, comment_post, known):
    comment_post(article, email=known, body="Try this supplement.")
    word = ModerationWord.objects.create(phrase="supplement", kind=ModerationWord.Kind.SUSPECT)
    comment_post(article, email=known, body="Another supplement.")
    word.delete()
    comment_post(article, email=known, body="A third supplement.")
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["Try this supplement."] == "approved"
    assert statuses["Another supplement."] == "pending"
    assert statuses["A third supplement."] == "approved"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("Ring me on 07700 900123 after six.", "phone number"),
        ("Call me at (555) 123-4567 anytime.", "phone number"),
        ("My number is +44 20 7946 0958.", "phone number"),
        ("Write to jane.doe@example.com for the leaflet.", "email address"),
        ("Our group meets at 221B Baker Street on Mondays.", "street address"),
        ("Send it to me, postcode SW1A 1AA.", "street address"),
    ],
)
def test_personal_data_in_the_text_holds_the_comment(article, comment_post, known, body, detail):
    comment_post(article, email=known, body=body)
    assert _reasons(body) == [{"code": "personal_data", "detail": detail}]


def test_doses_years_and_ranges_are_not_personal_data(article, comment_post, known):
    body = "I took 500 mg twice a day from 2019-2021, then 0.5 mg/kg; see page 12, road 2 ahead."
    comment_post(article, email=known, body=body)
    assert Comment.objects.get(body=body).status == Comment.Status.APPROVED


def test_a_post_without_javascript_is_held_as_no_js(article, comment_post):
    comment_post(article, token="", body="No script here.")
    assert _reasons("No script here.") == [{"code": "no_js", "detail": ""}]


def test_reports_from_several_readers_hold_a_comment_with_the_reason_reported(
    article, make_comment, settings
):
    settings.COMMENTS_HIDE_REPORT_WEIGHT = 2  # two new readers, from two networks
    comment = make_comment(article, body="A dubious claim.")
    for address in ("198.51.100.1", "203.0.113.2"):
        Client().post(f"/comments/{comment.pk}/report/", {"reason": "spam"}, REMOTE_ADDR=address)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reasons == [{"code": "reported", "detail": "reports of weight 2"}]


def test_an_address_flagged_always_hold_is_held_whatever_its_case(article, comment_post, known):
    Commenter.objects.create(email=known, standing=Commenter.Standing.ALWAYS_HOLD)
    comment_post(article, email="Known@Example.ORG", body="Hello again.")
    assert _reasons("Hello again.") == [{"code": "always_hold", "detail": ""}]


def test_an_address_mostly_rejected_lately_is_held(
    article, comment_post, make_comment, known, settings
):
    for status in ("removed", "spam", "removed"):
        make_comment(article, email=known, status=status)
    comment_post(article, email=known, body="I have changed.")
    assert _reasons("I have changed.") == [
        {"code": "often_rejected", "detail": "3 of the last 4 rejected"}
    ]


def test_the_ladder_publishes_after_n_approved_comments_under_the_address(
    client, article, comment_post, make_comment, settings
):
    settings.COMMENTS_TRUST_AFTER_APPROVED = 2
    first = make_comment(article, email="ada@example.org")
    _posted_from(client, first)
    comment_post(article, body="Second one.")
    assert _reasons("Second one.") == [
        {"code": "new_commenter", "detail": "1 of 2 approved comments"}
    ]
    Comment.objects.get(body="Second one.").approve()
    comment_post(article, body="Third one.")
    assert Comment.objects.get(body="Third one.").status == Comment.Status.APPROVED


def test_a_trusted_commenter_needs_the_proof_but_not_the_count(
    client, article, comment_post, make_comment, settings
):
    settings.COMMENTS_TRUST_AFTER_APPROVED = 5
    Commenter.objects.create(email="ada@example.org", standing=Commenter.Standing.TRUSTED)
    # Knowing the address is not enough: a stranger's browser is held like anyone's.
    Client().post(
        f"/{article.slug}/comments/",
        {"body": "Impostor", "name": "A", "email": "ada@example.org", "token": ""},
    )
    assert Comment.objects.get(body="Impostor").status == Comment.Status.PENDING
    _posted_from(client, make_comment(article, email="ada@example.org"))
    comment_post(article, body="Trusted.")
    assert Comment.objects.get(body="Trusted.").status == Comment.Status.APPROVED
