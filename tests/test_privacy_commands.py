"""A reader's privacy request (export, erasure), the clearing of old IP addresses, the page."""

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from comments.privacy import (
    REMOVED_TEXT,
    erase_commenter_data,
)

EMAIL = "Private.Person@Example.org"


@pytest.fixture
def commenter_comments(article, make_comment):
    """Two comments by one person (the email in two cases) and one by someone else."""
    first = make_comment(
        article,
        name="Pat Private",
        email=EMAIL,
        website="https://pat.example",
        body="First comment by Pat.",
        ip_address="203.0.113.7",
        user_agent="PatBrowser/1.0",
    )
    second = make_comment(
        article,
        name="Pat Private",
        email=EMAIL.lower(),
        body="Second comment by Pat.",
        status=Comment.Status.PENDING,
        ip_address="203.0.113.7",
    )
    other = make_comment(
        article, name="Other Person", email="other@example.org", ip_address="198.51.100.1"
    )
    return first, second, other


def _export(email):
    out = StringIO()
    call_command("export_commenter_data", email, stdout=out)
    return json.loads(out.getvalue())


def test_export_writes_every_comment_of_the_email_as_json(commenter_comments, article):
    first, second, other = commenter_comments
    data = _export(EMAIL.upper())
    assert sorted(comment["id"] for comment in data["comments"]) == sorted([first.pk, second.pk])
    exported = {comment["id"]: comment for comment in data["comments"]}[first.pk]
    assert exported["comment"] == "First comment by Pat."
    assert exported["email"] == EMAIL
    assert exported["website"] == "https://pat.example"
    assert exported["ip_address"] == "203.0.113.7"
    assert exported["user_agent"] == "PatBrowser/1.0"
    assert exported["article"] == article.slug
    assert exported["article_version"] == 1
    assert "Other Person" not in json.dumps(data)


def test_export_can_write_to_a_file(commenter_comments, tmp_path):
    target = tmp_path / "export.json"
    call_command("export_commenter_data", EMAIL, output=target, stderr=StringIO())
    assert len(json.loads(target.read_text(encoding="utf-8"))["comments"]) == 2


def test_export_of_an_unknown_email_is_an_empty_list(db):
    assert _export("nobody@example.org")["comments"] == []


def test_erase_anonymises_every_comment_and_keeps_the_text(commenter_comments, caplog):
    first, second, other = commenter_comments
    out = StringIO()
    with caplog.at_level(logging.INFO, logger="comments.privacy"):
        call_command("erase_commenter_data", EMAIL.lower(), stdout=out)
    assert "Anonymised 2 comment(s)." in out.getvalue()
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.name == "Anonymous"
        assert comment.email == "" and comment.website == ""
        assert comment.ip_address is None and comment.user_agent == ""
    assert first.body == "First comment by Pat."
    assert first.status == Comment.Status.APPROVED  # still shown, now anonymous
    other.refresh_from_db()
    assert other.name == "Other Person" and other.ip_address == "198.51.100.1"
    assert "erased the personal data of 2 comment(s)" in caplog.text
    assert EMAIL.lower() not in caplog.text.lower()  # the log keeps no copy of the address
    assert not Comment.objects.filter(email__iexact=EMAIL).exists()


def test_erase_can_remove_the_text_too(commenter_comments, client, article):
    first, _second, _other = commenter_comments
    call_command("erase_commenter_data", EMAIL, remove_text=True, stdout=StringIO())
    first.refresh_from_db()
    assert first.body == REMOVED_TEXT
    assert "First comment by Pat." not in first.body_html
    page = client.get(article.get_absolute_url()).content.decode()
    assert "First comment by Pat." not in page and "Pat Private" not in page
    assert REMOVED_TEXT in page


def test_erase_is_all_or_nothing(commenter_comments, monkeypatch):
    first, second, _other = commenter_comments

    def fail(article_ids):
        raise RuntimeError("the database went away")

    # The last step fails: the anonymisation before it must be rolled back.
    monkeypatch.setattr("comments.privacy._expire_cached_threads", fail)
    with pytest.raises(RuntimeError):
        erase_commenter_data(EMAIL)
    first.refresh_from_db()
    assert first.name == "Pat Private" and first.email == EMAIL


def test_clear_commenter_ips_clears_only_old_comments(article, make_comment, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 90
    old = make_comment(
        article,
        ip_address="203.0.113.9",
        user_agent="Old/1.0",
        created_at=timezone.now() - timedelta(days=91),
    )
    recent = make_comment(
        article,
        ip_address="203.0.113.10",
        user_agent="New/1.0",
        created_at=timezone.now() - timedelta(days=89),
    )
    out = StringIO()
    call_command("clear_commenter_ips", stdout=out)
    assert "of 1 comment(s)" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and old.user_agent == ""
    assert old.body == "A thoughtful comment." and old.email  # nothing else is touched
    assert recent.ip_address == "203.0.113.10" and recent.user_agent == "New/1.0"
    call_command("clear_commenter_ips", days=30, stdout=StringIO())
    recent.refresh_from_db()
    assert recent.ip_address is None


def _run_action(admin_client, action, comment):
    return admin_client.post(
        "/admin/comments/comment/?status=all",
        {"action": action, "_selected_action": [comment.pk]},
        follow=action != "export_commenter_data_action",
    )


def test_admin_action_exports_the_selected_commenters(commenter_comments, admin_client):
    first, _second, _other = commenter_comments
    response = _run_action(admin_client, "export_commenter_data_action", first)
    assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    (export,) = json.loads(response.content)
    assert len(export["comments"]) == 2  # all of that person's comments, not just the selected


def test_admin_action_erases_the_selected_commenters(commenter_comments, admin_client):
    first, second, other = commenter_comments
    response = _run_action(admin_client, "erase_commenter_data_action", second)
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.name == "Anonymous" and first.email == ""
    assert other.email == "other@example.org"
    assert "2 comment(s) anonymised" in response.content.decode()


def test_privacy_page_says_what_is_stored_why_and_for_how_long(client, settings, db):
    settings.COMMENTS_KEEP_IP_DAYS = 45
    response = client.get("/privacy/")
    page = response.content.decode()
    assert response.status_code == 200
    for stored in ("Your name", "Your email address", "Your website", "IP address", "user agent"):
        assert stored in page
    assert "Never published" in page
    assert "after 45 days" in page
    assert 'href="/privacy/"' in client.get("/").content.decode()


def test_privacy_page_needs_no_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert client.get("/privacy/").status_code == 200


def test_moderators_notes_on_the_address_are_exported_and_erased(commenter_comments):
    from comments.models import Commenter

    Commenter.objects.create(email=EMAIL.lower(), standing="always_hold", notes="Rude twice.")
    Commenter.objects.create(email="other@example.org", notes="Someone else's note.")
    data = _export(EMAIL)
    assert data["moderators_standing_and_notes"][0]["notes"] == "Rude twice."
    assert "Someone else's note." not in json.dumps(data)
    call_command("erase_commenter_data", EMAIL, stdout=StringIO())
    assert list(Commenter.objects.values_list("email", flat=True)) == ["other@example.org"]
