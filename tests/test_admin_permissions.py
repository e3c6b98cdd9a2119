"""Who may do what in the admin: the Moderators, Editors and Medical reviewers groups, and a
superuser."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment
from tests.text import visible_text

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migration_creates_moderators_who_moderate_comments_and_keep_the_block_list():
    assert codenames("Moderators") == {
        "comments.view_comment",
        "comments.change_comment",
        "comments.view_report",
        "comments.view_subscription",
        "comments.view_outgoingemail",
        "comments.view_blockedsender",
        "comments.add_blockedsender",
        "comments.change_blockedsender",
        "comments.delete_blockedsender",
        # The word lists, commenters' standing and notes, the crisis texts (0009).
        "comments.view_moderationword",
        "comments.add_moderationword",
        "comments.change_moderationword",
        "comments.delete_moderationword",
        "comments.view_commenter",
        "comments.add_commenter",
        "comments.change_commenter",
        "comments.view_crisistexts",
        "comments.change_crisistexts",
    }


def test_migration_creates_editors_who_write_articles_and_versions_but_never_delete():
    assert codenames("Editors") == {
        "articles.view_article",
        "articles.add_article",
        "articles.change_article",
        "articles.view_articleversion",
        "articles.add_articleversion",
        "articles.change_articleversion",
        "articles.view_medicalreview",
        "articles.view_deadlink",
        # People's pages (articles/migrations/0013_people.py).
        "articles.view_person",
        "articles.add_person",
        "articles.change_person",
        # The media library (articles/migrations/0014_library.py): upload and describe.
        "articles.view_image",
        "articles.add_image",
        "articles.change_image",
        "articles.view_document",
        "articles.add_document",
        "articles.change_document",
    }


def test_migration_creates_medical_reviewers_who_read_versions_and_sign_reviews_only():
    assert codenames("Medical reviewers") == {
        "articles.view_article",
        "articles.view_articleversion",
        "articles.view_medicalreview",
        "articles.add_medicalreview",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/add/",
        "/admin/articles/article/{pk}/delete/",
        "/admin/articles/article/{pk}/change/",
        "/admin/articles/article/",
    ],
)
def test_moderator_cannot_reach_the_article_admin(moderator_client, article, url):
    response = moderator_client.get(url.format(pk=article.pk))

    assert response.status_code == 403


def test_moderator_cannot_add_an_article_by_posting(moderator_client):
    response = moderator_client.post(
        "/admin/articles/article/add/",
        {"title": "Sneaky", "summary": "s", "body": "b", "base_version": "0", "_publish": "1"},
    )

    assert response.status_code == 403


def test_moderator_cannot_see_history_or_revert_articles(moderator_client, article):
    versions = reverse("admin:articles_article_versions", args=[article.pk])
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])

    assert moderator_client.get(versions).status_code == 403
    assert moderator_client.post(revert).status_code == 403
    assert article.versions.count() == 1


def test_editor_cannot_delete_articles(editor_client, article):
    delete_url = f"/admin/articles/article/{article.pk}/delete/"

    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert delete_url not in page
    assert article.versions.count() == 1


def test_editor_cannot_moderate_comments(editor_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)

    assert editor_client.get("/admin/comments/comment/").status_code == 403
    approve = reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"])
    assert editor_client.post(approve).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_nobody_adds_comments_in_the_admin(admin_client):
    assert admin_client.get("/admin/comments/comment/add/").status_code == 403


def test_admin_index_shows_the_queue_only_to_those_who_moderate(
    client, moderator, editor, article, make_comment
):
    make_comment(article, status=Comment.Status.PENDING)

    client.force_login(moderator)
    assert "1 comment awaiting moderation" in visible_text(client.get("/admin/"))
    client.force_login(editor)
    assert "awaiting moderation" not in client.get("/admin/").content.decode()


@pytest.fixture
def every_admin_page(article, make_comment):
    """(url, roles that may open it) for each admin page of this project.

    Django's admin answers 404 for an app page the user has no model of, 403 elsewhere.
    """
    article.add_version(title="Second", summary="s", body="b")
    parent = make_comment(article, status=Comment.Status.PENDING)
    reply = make_comment(article, parent=parent, status=Comment.Status.PENDING)
    writers = {"editor", "superuser"}
    moderators = {"moderator", "superuser"}
    readers_of_articles = {"editor", "reviewer", "superuser"}
    everyone = {"moderator", "editor", "reviewer", "superuser"}
    return [
        ("/admin/", everyone),
        ("/admin/comments/", moderators),
        ("/admin/comments/comment/", moderators),
        ("/admin/comments/comment/?status=all", moderators),
        ("/admin/comments/comment/?status=spam&q=reader", moderators),
        (f"/admin/comments/comment/?article={article.pk}", moderators),
        (f"/admin/comments/comment/{parent.pk}/change/", moderators),
        (f"/admin/comments/comment/{reply.pk}/change/", moderators),
        (f"/admin/comments/comment/{reply.pk}/history/", moderators),
        ("/admin/articles/", readers_of_articles),
        ("/admin/articles/article/", readers_of_articles),
        ("/admin/articles/article/?q=sleep", readers_of_articles),
        ("/admin/articles/article/add/", writers),
        (f"/admin/articles/article/{article.pk}/change/", readers_of_articles),
        (f"/admin/articles/article/{article.pk}/history/", readers_of_articles),
        (f"/admin/articles/article/{article.pk}/versions/", readers_of_articles),
        (f"/admin/articles/article/{article.pk}/compare/", readers_of_articles),
        (f"/admin/articles/article/{article.pk}/compare/?from=2&to=1", readers_of_articles),
        (f"/admin/articles/article/{article.pk}/delete/", {"superuser"}),
        (f"/admin/articles/article/{article.pk}/review/2/", readers_of_articles),
        ("/admin/articles/article/review-queue/", readers_of_articles),
        ("/admin/articles/article/review-schedule/", readers_of_articles),
        ("/admin/articles/medicalreview/", readers_of_articles),
        ("/admin/articles/deadlink/", writers),
        (f"/{article.slug}/preview/2/", {"editor", "reviewer", "superuser"}),
    ]


@pytest.mark.parametrize("role", ["moderator", "editor", "reviewer", "superuser"])
def test_every_admin_page_renders_for_each_role(
    client, role, moderator, editor, reviewer, admin_user, every_admin_page
):
    users = {"moderator": moderator, "editor": editor, "reviewer": reviewer}
    client.force_login(users.get(role, admin_user))

    for url, allowed in every_admin_page:
        response = client.get(url, follow=True)
        refused = 404 if url in ("/admin/comments/", "/admin/articles/") else 403
        expected = 200 if role in allowed else refused
        assert response.status_code == expected, f"{role} {url}: {response.status_code}"
