"""Random Unicode names and texts: saved and shown escaped, or refused with a form error."""

import html

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment

names = st.text(min_size=0, max_size=120)
texts = st.text(min_size=0, max_size=300) | st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><b>x", "\x00\x1b"]
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, body=texts)
def test_random_unicode_is_saved_escaped_or_refused_never_a_500(
    article, comment_post, name, body, settings_override
):
    Comment.objects.all().delete()
    response = comment_post(article, name=name, body=body)
    assert response.status_code in (200, 303)
    if response.status_code == 200:
        assert 'class="invalid-feedback' in response.content.decode()
        assert not Comment.objects.exists()
        return
    comment = Comment.objects.get()
    comment.approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "onerror=alert(1)>" not in page
    shown = html.escape(comment.name, quote=False)
    assert shown in page or html.escape(comment.name) in page


@pytest.fixture
def settings_override(settings):
    settings.COMMENTS_RATE_LIMIT = 0  # the fuzzer posts far more than five a minute
    return settings
