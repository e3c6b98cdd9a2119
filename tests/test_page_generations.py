"""The article page over a shared cache (Redis in production): no query while nothing changes.

With PAGE_CACHE_GENERATIONS on, a cached page is named by a generation token
kept in the shared cache, renewed after every committed change a reader could
see. These tests commit for real (transactional), as production does, and
check that each change shows at once and that a cached page costs no query.
"""

import pytest
from django.test import Client

from articles.models import Article
from comments.models import Comment
from comments.privacy import erase_commenter_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _shared_generations(settings):
    settings.PAGE_CACHE_GENERATIONS = True


def page_of(article, slug=None):
    response = Client().get(f"/{slug or article.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_page_costs_no_query(article, make_comment, django_assert_num_queries):
    make_comment(article, body="Cached comment")
    with django_assert_num_queries(4):  # the article, its review and corrections, the thread
        assert "Cached comment" in page_of(article)
    with django_assert_num_queries(0):
        assert "Cached comment" in page_of(article)


def test_an_approved_comment_shows_at_once(article, make_comment):
    pending = make_comment(article, status=Comment.Status.PENDING, body="Held for a moment")
    assert "Held for a moment" not in page_of(article)
    pending.approve()
    assert "Held for a moment" in page_of(article)


def test_an_edited_or_removed_comment_changes_at_once(article, make_comment):
    comment = make_comment(article, body="First wording")
    assert "First wording" in page_of(article)
    comment.body = "Second wording"
    comment.save()
    assert "Second wording" in page_of(article)
    comment.remove()
    assert "Second wording" not in page_of(article)


def test_a_comment_deleted_in_the_admin_disappears_at_once(article, make_comment):
    comment = make_comment(article, body="Deleted by a superuser")
    assert "Deleted by a superuser" in page_of(article)
    Comment.objects.filter(pk=comment.pk).delete()
    assert "Deleted by a superuser" not in page_of(article)


def test_an_erased_commenter_is_gone_at_once(article, make_comment):
    make_comment(article, name="Erin Erasable", email="erin@example.org")
    assert "Erin Erasable" in page_of(article)
    erase_commenter_data("erin@example.org")
    assert "Erin Erasable" not in page_of(article)


def test_a_new_version_and_closed_comments_show_at_once(article):
    assert "Sleep restores the body." in page_of(article)
    article.publish(article.add_version(title="Sleep, revised", summary="New.", body="Fresh body."))
    assert "Fresh body." in page_of(article)
    article.comments_open = False
    article.save(update_fields=["comments_open"])
    assert "Comments are closed." in page_of(article)


def test_an_unpublished_article_is_gone_at_once(article):
    page_of(article)
    article.unpublish()
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_a_new_address_leaves_nothing_at_the_old_one(article):
    old_slug = article.slug
    page_of(article)
    article = Article.objects.get(pk=article.pk)
    article.slug = "sleep-renamed"
    article.save()
    assert Client().get(f"/{old_slug}/").status_code == 404
    assert "Sleep restores the body." in page_of(article)


def test_a_deleted_article_is_gone_at_once(article):
    page_of(article)
    Article.objects.filter(pk=article.pk).delete()
    assert Client().get(article.get_absolute_url()).status_code == 404
