"""One mailbox, one identity (comments/identity.py): every spelling of an address that mail
servers deliver to one mailbox is counted, blocked, exported and erased as one."""

import json

import pytest
from django.core import mail

from comments.blocklist import is_blocked
from comments.identity import mailbox_key
from comments.models import BlockedSender, Comment, Subscription
from comments.privacy import erase_commenter_data, export_commenter_data_json

SPELLINGS = [
    "victim@example.org",
    '"victim"@example.org',
    "victim@exam\u00adple.org",  # a soft hyphen
    "victim@exam\u200bple.org",  # a zero-width space
    "victim@\uff45xample.org",  # a full-width "e"
    "VICTIM@Example.ORG",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_of_one_mailbox_have_one_key(spelling):
    assert mailbox_key(spelling) == "victim@example.org"


def test_gmail_ignores_dots_and_plus_tags_other_providers_keep_them():
    assert mailbox_key("Vic.Tim+news@googlemail.com") == "victim@gmail.com"
    assert mailbox_key("victim@gmail.com") == "victim@gmail.com"
    assert mailbox_key("vic.tim+news@example.org") == "vic.tim+news@example.org"


def test_international_domains_and_quoted_local_parts():
    assert mailbox_key("ada@bücher.example") == "ada@xn--bcher-kva.example"
    assert mailbox_key('"john doe"@example.org') == '"john doe"@example.org'
    assert mailbox_key("no-domain@") == "" and mailbox_key("") == ""


def test_the_daily_confirmation_cap_counts_every_spelling_of_a_mailbox(
    client, article, comment_post, run_mail_queue, settings
):
    settings.COMMENTS_CONFIRMATIONS_PER_DAY = 3
    settings.COMMENTS_RATE_LIMIT = 0
    for number, spelling in enumerate(SPELLINGS):
        comment_post(article, body=f"Comment {number}", email=spelling, notify_replies="on")
    run_mail_queue()
    assert len(mail.outbox) == 3
    assert {tuple(message.to) for message in mail.outbox} == {("victim@example.org",)}
    assert set(Subscription.objects.values_list("email", flat=True)) == {"victim@example.org"}


@pytest.mark.parametrize(
    "spelling", [*SPELLINGS[1:], "Vic.Tim@gmail.com", "victim+spam@googlemail.com"]
)
def test_the_block_list_matches_every_spelling_of_a_blocked_mailbox(db, spelling):
    for value in ("victim@example.org", "victim@gmail.com"):
        entry = BlockedSender(kind="email", value=value)
        entry.full_clean()
        entry.save()
    assert is_blocked(spelling, None) is True
    assert is_blocked("someone.else@example.org", None) is False


def test_the_block_list_matches_ipv4_mapped_addresses_both_ways(db):
    entry = BlockedSender(kind="network", value="10.9.8.7")
    entry.full_clean()
    entry.save()
    assert is_blocked("reader@example.org", "::ffff:10.9.8.7") is True
    mapped = BlockedSender(kind="network", value="::ffff:192.0.2.0/120")
    mapped.full_clean()
    assert mapped.value == "192.0.2.0/24"


def test_privacy_export_and_erasure_find_every_spelling(article, make_comment):
    for number, spelling in enumerate(SPELLINGS):
        make_comment(article, email=spelling, body=f"Comment {number}")
    make_comment(article, email="someone@example.org", body="Not theirs")
    exported = json.loads(export_commenter_data_json('"Victim"@EXAMPLE.org'))
    assert len(exported["comments"]) == len(SPELLINGS)
    assert erase_commenter_data("victim@exam\u00adple.org") == len(SPELLINGS)
    assert Comment.objects.filter(email="").count() == len(SPELLINGS)
    assert Comment.objects.get(body="Not theirs").email == "someone@example.org"
