"""The admin of the moderation rules: word lists, "Test a text", commenters' standing and
notes, the commenter's history on a comment's page, the crisis texts and reply."""

import pytest
from django.urls import reverse

from comments.models import Comment, Commenter, CrisisTexts, ModerationWord
from tests.text import visible_text

TEST_URL = "/admin/comments/moderationword/test/"


def test_a_moderator_adds_a_banned_word_in_the_admin_and_the_next_comment_is_rejected(
    moderator_client, article, comment_post
):
    response = moderator_client.post(
        "/admin/comments/moderationword/add/",
        {"phrase": "  snake   oil ", "kind": "banned", "note": "scams"},
    )
    assert response.status_code == 302
    assert ModerationWord.objects.get().phrase == "snake oil"
    comment_post(article, body="Pure snake oil, this.")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.REMOVED
    assert comment.hold_reasons == [{"code": "banned_word", "detail": "snake oil"}]


def test_the_word_list_links_to_test_a_text(moderator_client):
    page = moderator_client.get("/admin/comments/moderationword/").content.decode()
    assert f'href="{TEST_URL}"' in page
    form = moderator_client.get(TEST_URL)
    assert form.status_code == 200 and "Run the rules" in form.content.decode()
    too_long = moderator_client.post(TEST_URL, {"text": "x" * 5001})
    assert "at most 5000 characters" in too_long.content.decode()


def test_test_a_text_says_which_rules_matched_and_why(moderator_client):
    ModerationWord.objects.create(phrase="dosage", kind="suspect")
    response = moderator_client.post(
        TEST_URL, {"text": "What dosage? Call me on 07700 900123. I want to end my life."}
    )
    text = visible_text(response)
    assert response.status_code == 200
    assert "3 rules matched" in text
    assert "Holds, urgent Possible crisis: end my life" in text
    assert "Holds Suspect word: dosage" in text
    assert "Holds Personal data: phone number" in text
    assert text.count("No match") == 2  # banned words, links
    assert not Comment.objects.exists()  # nothing saved


def test_test_a_text_with_a_clean_text_says_nothing_would_hold_it(moderator_client):
    response = moderator_client.post(TEST_URL, {"text": "Thank you, very clear."})
    assert "No rule matched" in visible_text(response)
    assert "Posted too fast" in visible_text(response)  # listed among those it cannot test


def test_test_a_text_is_for_those_who_may_see_the_word_lists(editor_client):
    assert editor_client.post(TEST_URL, {"text": "hello"}).status_code == 403


def test_a_commenter_is_saved_under_the_normalised_address_from_the_prefilled_form(
    moderator_client, moderator
):
    page = moderator_client.get("/admin/comments/commenter/add/?email=ada%40example.org")
    assert 'value="ada@example.org"' in page.content.decode()
    moderator_client.post(
        "/admin/comments/commenter/add/",
        {"email": "  Ada@Example.ORG ", "standing": "always_hold", "notes": "Argues in bad faith."},
    )
    commenter = Commenter.objects.get()
    assert (commenter.email, commenter.standing) == ("ada@example.org", "always_hold")
    assert commenter.updated_by == moderator


@pytest.fixture
def ada_and_bob(article, make_comment):
    """Ada's comments under two spellings of her address, and Bob's, with notes on each."""
    ada = [
        make_comment(article, email="ada@example.org", body="Ada approved one."),
        make_comment(article, email="Ada@Example.org", body="Ada approved two."),
        make_comment(article, email="ada@example.org", body="Ada removed.", status="removed"),
        make_comment(article, email="ada@example.org", body="Ada spam.", status="spam"),
        make_comment(article, email="ada@example.org", body="Ada waiting.", status="pending"),
    ]
    bob = make_comment(article, email="bob@example.org", body="Bob's private words.")
    Commenter.objects.create(email="ada@example.org", notes="Ada: often off topic.")
    Commenter.objects.create(email="bob@example.org", notes="Bob: a nurse, reliable.")
    return ada, bob


def test_the_comment_page_shows_this_commenters_history_and_no_one_elses(
    moderator_client, ada_and_bob
):
    ada, _bob = ada_and_bob
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[ada[-1].pk]))
    text = visible_text(page)
    assert (
        "Comments under ada@example.org: 5 in all, 2 approved, 1 rejected, 1 spam, 1 pending."
        in text
    )
    assert "Ada approved two." in text and "This comment" in text
    assert "Ada: often off topic." in text
    assert "bob@example.org" not in text
    assert "Bob's private words." not in text
    assert "Bob: a nurse" not in text


def test_notes_and_addresses_never_reach_the_article_page(client, article, ada_and_bob):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ada approved one." in page
    assert "example.org" not in page.replace("https://example.org", "")
    assert "often off topic" not in page


def test_the_crisis_reply_is_posted_from_the_comment_page_in_one_click(
    moderator_client, article, comment_post
):
    texts = CrisisTexts.current()
    texts.staff_reply = "We hear you. Please call 988 now."
    texts.save()
    comment_post(article, body="I'm going to kill myself tonight.")
    comment = Comment.objects.get()
    change_page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    text = visible_text(change_page)
    assert "Urgent: possible crisis. Why it was held" in text
    assert "Post the crisis reply" in text
    reply_url = reverse("admin:comments_crisistexts_reply", args=[comment.pk])
    assert f'action="{reply_url}"' in change_page.content.decode()
    response = moderator_client.post(reply_url)
    assert response.status_code == 302
    reply = Comment.objects.get(is_staff_reply=True)
    assert reply.body == "We hear you. Please call 988 now."
    assert reply.parent_id == comment.pk and reply.status == Comment.Status.APPROVED
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_crisis_texts_list_opens_the_one_row_to_edit(moderator_client):
    response = moderator_client.get("/admin/comments/crisistexts/")
    assert response.status_code == 302
    page = moderator_client.get(response["Location"]).content.decode()
    assert "988" in page and "Safety message" in page


def test_an_erased_comments_page_shows_no_history_of_other_erased_commenters(
    moderator_client, article, make_comment
):
    erased = make_comment(article, name="Anonymous", email="", body="Erased one.")
    make_comment(article, name="Anonymous", email="", body="Someone else's erased words.")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[erased.pk]))
    text = visible_text(page)
    assert "0 in all" in text
    assert "Someone else's erased words." not in text
