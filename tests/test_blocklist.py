"""The moderators' block list: blocked emails and networks are marked spam silently;
entries expire; the comment page in the admin offers to block its sender."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.blocklist import is_blocked
from comments.models import BlockedSender, Comment


def block(kind, value, **fields):
    entry = BlockedSender(kind=kind, value=value, **fields)
    entry.full_clean()
    entry.save()
    return entry


def test_a_blocked_email_posts_spam_silently_whatever_its_case(client, article, comment_post):
    block("email", "Troll@Example.org")
    response = comment_post(article, email="TROLL@example.org", follow=True)
    assert "Thank you: your comment is awaiting moderation." in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("entry", "address", "blocked"),
    [
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "203.0.113.8", False),
        ("203.0.113.0/24", "203.0.113.200", True),
        ("203.0.113.0/24", "203.0.114.1", False),
        ("2001:db8:1:2::/64", "2001:db8:1:2:abcd::1", True),
        ("2001:db8:1:2::/64", "2001:db8:1:3::1", False),
        ("203.0.113.0/24", "2001:db8::1", False),
    ],
)
def test_addresses_and_networks(db, entry, address, blocked):
    block("network", entry)
    assert is_blocked("reader@example.org", address) is blocked


def test_a_blocked_network_posts_spam(client, article, comment_post):
    block("network", "127.0.0.0/24")
    comment_post(article)
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_an_expired_entry_blocks_nobody(client, article, comment_post):
    block("email", "ada@example.org", expires_at=timezone.now() - timedelta(minutes=1))
    block("network", "127.0.0.1", expires_at=timezone.now() + timedelta(days=1))
    assert is_blocked("ada@example.org", "10.0.0.1") is False
    assert is_blocked("other@example.org", "127.0.0.1") is True


def test_values_are_checked_and_normalised(db):
    assert block("network", "203.0.113.77/24").value == "203.0.113.0/24"
    assert block("email", " Ann@Example.ORG ").value == "ann@example.org"
    with pytest.raises(ValidationError):
        block("network", "not-an-address")
    with pytest.raises(ValidationError):
        block("email", "no-at-sign")


def test_blocking_checks_are_one_query(db, django_assert_num_queries):
    block("network", "198.51.100.0/24")
    block("email", "x@example.org")
    with django_assert_num_queries(1):
        is_blocked("ada@example.org", "127.0.0.1")


def test_moderators_block_a_comments_sender_from_its_page(
    moderator_client, moderator, article, make_comment
):
    comment = make_comment(
        article, email="troll@example.org", ip_address="203.0.113.45", body="Buy pills"
    )
    page = html.unescape(
        moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    )
    assert "Block its network (203.0.113.0/24)" in page
    add_url = next(
        part.split('"')[0]
        for part in page.split('href="')
        if part.startswith("/admin/comments/blockedsender/add/") and "203.0.113.0%2F24" in part
    )
    form = moderator_client.get(add_url).content.decode()
    assert 'value="203.0.113.0/24"' in form
    response = moderator_client.post(
        "/admin/comments/blockedsender/add/",
        {"kind": "network", "value": "203.0.113.0/24", "note": "Pill spam", "expires_at_0": ""},
    )
    assert response.status_code == 302
    entry = BlockedSender.objects.get()
    assert (entry.value, entry.note, entry.created_by) == ("203.0.113.0/24", "Pill spam", moderator)
    assert is_blocked("new@example.org", "203.0.113.99")


def test_an_ipv6_comment_offers_its_64_network(moderator_client, article, make_comment):
    comment = make_comment(article, ip_address="2001:db8:aa:bb:1:2:3:4")
    page = html.unescape(
        moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    )
    assert "Block its network (2001:db8:aa:bb::/64)" in page
