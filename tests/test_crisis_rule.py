"""Care for readers in crisis: the crisis rule on its corpus, and what a reader, the
moderators and the queue get through the real comment form."""

import json

import pytest
from django.core import mail

from comments.models import Comment, CrisisTexts
from comments.rules.crisis import find_crisis
from tests.conftest import FIXTURES
from tests.text import visible_text

CORPUS = json.loads((FIXTURES / "crisis_corpus.json").read_text())
CRISIS = CORPUS["crisis"] + CORPUS["crisis_unseen"]
ORDINARY = CORPUS["ordinary"] + CORPUS["ordinary_unseen"]
# The bounds the rule is held to on its corpus (docs/moderation.md gives the figures).
MOST_MISSES = 0.10
MOST_FALSE_ALARMS = 0.05


def test_the_crisis_rule_misses_and_false_alarms_stay_within_bounds():
    assert len(CRISIS) >= 40 and len(ORDINARY) >= 40
    misses = [text for text in CRISIS if not find_crisis(text)]
    false_alarms = [text for text in ORDINARY if find_crisis(text)]
    print(f"\ncrisis corpus: {len(misses)} of {len(CRISIS)} crisis texts missed:")
    print("".join(f"  missed: {text}\n" for text in misses), end="")
    print(f"{len(false_alarms)} of {len(ORDINARY)} ordinary texts set it off:")
    print("".join(f"  false alarm: {text}\n" for text in false_alarms), end="")
    assert len(misses) <= MOST_MISSES * len(CRISIS), misses
    assert len(false_alarms) <= MOST_FALSE_ALARMS * len(ORDINARY), false_alarms


@pytest.mark.parametrize(
    "text",
    [
        "A single infusion reduced suicidal ideation within 24 hours in the trial.",
        "Years ago I wanted to die. Ketamine therapy helped me more than anything else.",
        "If you feel suicidal, please call 988 or go to the emergency department.",
    ],
)
def test_clinical_advice_and_recovery_do_not_set_it_off(text):
    assert find_crisis(text) is None


def test_a_crisis_comment_is_held_urgent_and_the_reader_lands_on_the_safety_message(
    client, article, comment_post, settings, run_mail_queue
):
    settings.COMMENTS_MODERATORS = ["moderator@example.org"]
    texts = CrisisTexts.current()
    texts.safety_message = "Call our test helpline on 0800 000 000. https://help.example.org"
    texts.save()
    response = comment_post(article, body="I don't want to live anymore, I've had enough.")
    assert response.status_code == 303
    assert response["Location"] == f"/{article.slug}/#messages"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.urgent
    assert comment.hold_reasons[0] == {"code": "crisis", "detail": "I don't want to live"}
    page = client.get(response["Location"]).content.decode()
    assert 'class="safety-message"' in page
    assert "Call our test helpline on 0800 000 000." in visible_text(page)
    assert '<a href="https://help.example.org"' in page
    # The moderators are emailed at once (the mail queue's next run), marked urgent.
    run_mail_queue()
    [message] = mail.outbox
    assert message.subject.startswith("[Well Informed] URGENT, possible crisis:")
    assert "I don't want to live anymore" in message.body


def test_a_clinical_comment_gets_no_safety_message_and_is_not_urgent(client, article, comment_post):
    response = comment_post(
        article, body="It reduced suicidal ideation within 24 hours in the trial, impressive."
    )
    assert response["Location"].split("#")[1].startswith("comment-")
    comment = Comment.objects.get()
    assert not comment.urgent
    assert [reason["code"] for reason in comment.hold_reasons] == ["new_commenter"]
    page = client.get(response["Location"]).content.decode()
    assert "safety-message" not in page
    assert "awaiting moderation" in page


def test_a_crisis_comment_with_a_banned_word_is_held_for_a_moderator_not_rejected(
    client, article, comment_post
):
    from comments.models import ModerationWord

    ModerationWord.objects.create(phrase="bloody", kind=ModerationWord.Kind.BANNED)
    comment_post(article, body="I want to kill myself, this bloody pain never stops")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.urgent
    codes = [reason["code"] for reason in comment.hold_reasons]
    assert codes == ["crisis", "banned_word"]
