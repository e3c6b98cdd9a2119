"""Moving to a new SECRET_KEY (SECRET_KEY_FALLBACKS): the readers' signed cookies made with
the old key keep working until they expire, and nothing gives a 500 meanwhile."""

import pytest
from django.test import Client

from comments.models import Comment

from .test_production import PRODUCTION, run_django

OLD_KEY = "the-old-secret-key-of-this-site-0123456789abcdefghijklmnopqrstuvwxyz"
NEW_KEY = "the-new-secret-key-of-this-site-9876543210zyxwvutsrqponmlkjihgfedcba"


@pytest.fixture
def posted_with_the_old_key(settings, client, article, comment_post):
    """A reader who posted a comment, with "save my details", while the old key was in use."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    comment_post(article, body="Written before the rotation", name="Rita", save_details="on")
    return Comment.objects.get(body="Written before the rotation")


def test_cookies_signed_with_the_old_key_keep_working_during_the_rotation(
    settings, client, article, posted_with_the_old_key
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Written before the rotation" in page  # their own pending comment
    assert "your comment is awaiting moderation." in page.lower()
    assert f'href="/comments/{posted_with_the_old_key.pk}/edit/"' in page  # the edit window
    assert 'value="Rita"' in page  # the saved details
    edit = client.post(
        f"/comments/{posted_with_the_old_key.pk}/edit/", {"body": "Edited after the rotation"}
    )
    assert edit.status_code == 303
    posted_with_the_old_key.refresh_from_db()
    assert posted_with_the_old_key.body == "Edited after the rotation"


def test_once_the_old_key_is_dropped_its_cookies_are_ignored_without_an_error(
    settings, client, article, posted_with_the_old_key
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
    client.raise_request_exception = False
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Written before the rotation" not in page
    assert 'value="Rita"' not in page
    refused = client.get(f"/comments/{posted_with_the_old_key.pk}/edit/")
    assert refused.status_code == 403


def test_the_fallback_keys_are_read_from_the_environment():
    result = run_django(
        "from django.conf import settings\nprint(json.dumps(settings.SECRET_KEY_FALLBACKS))",
        {**PRODUCTION, "SECRET_KEY_FALLBACKS": f"{OLD_KEY}, another-older-key"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'["{OLD_KEY}", "another-older-key"]'


def test_a_fresh_reader_gets_the_page_during_the_rotation(settings, article):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert Client().get(article.get_absolute_url()).status_code == 200
