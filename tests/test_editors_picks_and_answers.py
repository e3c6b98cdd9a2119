"""Editors' picks above the thread, and staff replies that name their clinician."""

import re

from django.test import Client
from django.urls import reverse

from articles.models import ArticleVersion, MedicalReview, Person
from comments.featured import editors_picks
from comments.models import Comment
from comments.staff_answers import mark_staff_answers
from tests.text import visible_text

QUEUE = "/admin/comments/comment/"


def _picks(page):
    found = re.search(r'<section class="editors-picks".*?</section>', page, re.S)
    return found.group(0) if found else ""


def _feature(moderator_client, *comments, action="feature_selected"):
    return moderator_client.post(
        QUEUE + "?status=all",
        {"action": action, "_selected_action": [each.pk for each in comments]},
        follow=True,
    )


def test_a_moderator_features_approved_comments_and_readers_see_them_above_the_thread(
    moderator_client, article, make_comment
):
    first = make_comment(article, name="Ines", body="Ask about the dose first. " * 20)
    make_comment(article, name="Olu", body="Not picked.")
    held = make_comment(article, name="Pat", body="Held words", status=Comment.Status.PENDING)
    page = Client().get(article.get_absolute_url()).content.decode()  # cached before the pick
    assert _picks(page) == ""

    answer = _feature(moderator_client, first, held)
    assert "1 comment featured as editors’ picks. 1 left as it was" in visible_text(answer)

    page = Client().get(article.get_absolute_url()).content.decode()
    picks = _picks(page)
    assert "Editors’ picks" in picks
    assert "Ines" in picks and "Ask about the dose first." in picks
    assert "Olu" not in picks and "Held words" not in picks
    # Above the thread, linking to the comment where it stands in it.
    assert page.index("editors-picks") < page.index('id="comments"')
    link = re.search(r'<a href="([^"]+)">“Ask about', picks).group(1)
    assert link == f"/comments/{first.pk}/"
    landing = Client().get(link)
    assert landing.status_code == 302
    assert landing["Location"] == f"/{article.slug}/#comment-{first.pk}"
    # The pick is marked in the thread too, and its History says who featured it.
    assert "Editors’ pick</span>" in page[page.index(f'id="comment-{first.pk}"') :]
    history = moderator_client.get(reverse("admin:comments_comment_history", args=[first.pk]))
    assert "Featured as an editors’ pick." in visible_text(history)


def test_unfeaturing_or_removing_a_pick_takes_it_off_the_list(
    moderator_client, article, make_comment
):
    kept = make_comment(article, name="Ines", body="Kept pick")
    gone = make_comment(article, name="Olu", body="Removed pick")
    dropped = make_comment(article, name="Pat", body="Unfeatured pick")
    _feature(moderator_client, kept, gone, dropped)
    gone.remove()
    _feature(moderator_client, dropped, action="unfeature_selected")
    picks = _picks(Client().get(article.get_absolute_url()).content.decode())
    assert "Kept pick" in picks
    assert "Removed pick" not in picks and "Unfeatured pick" not in picks


def test_picks_cost_two_queries_whatever_their_number_and_none_one(
    client, article, make_comment, django_assert_num_queries
):
    make_comment(article, body="Not a pick")
    with django_assert_num_queries(1):  # the picks' index only: no walk of the thread
        assert editors_picks(article) == []
    for number in range(4):
        Comment.objects.filter(pk=make_comment(article, body=f"Pick {number}").pk).update(
            featured_at="2026-01-01T00:00:00Z"
        )
    article.refresh_from_db()
    with django_assert_num_queries(2):
        assert len(editors_picks(article)) == 4


def test_a_link_to_a_comment_readers_cannot_see_is_not_found(client, article, make_comment):
    held = make_comment(article, status=Comment.Status.PENDING)
    assert client.get(f"/comments/{held.pk}/").status_code == 404


def _clinician(make_staff_user, **person):
    user = make_staff_user("drquinn", "Moderators", first_name="Moira", last_name="Quinn")
    Person.objects.create(user=user, slug="moira-quinn", **person)
    return user


def _reply(user, question, sign_as):
    browser = Client()
    browser.force_login(user)
    browser.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"body": "Take it with food.", "sign_as": sign_as},
    )
    return Comment.objects.get(parent=question)


def test_a_clinicians_reply_names_them_with_credentials_linked_to_their_page(
    article, make_comment, make_staff_user
):
    user = _clinician(make_staff_user, name="Dr Moira Quinn", credentials="MD, FRCP")
    question = make_comment(article, body="Should I take it with food?")
    reply = _reply(user, question, "Moira Quinn")
    page = Client().get(article.get_absolute_url()).content.decode()
    item = page[page.index(f'id="comment-{reply.pk}"') :]
    item = item[: item.index("Take it with food.")]
    assert 'Answered by <a href="/authors/moira-quinn/">' in item
    assert "Answered by Dr Moira Quinn, MD, FRCP" in visible_text(item)
    assert "badge-staff" not in item
    assert user.email not in page


def test_credentials_come_from_the_last_review_when_the_page_has_none(
    article, make_comment, make_staff_user
):
    user = _clinician(make_staff_user, name="Moira Quinn")
    MedicalReview.sign(
        ArticleVersion.objects.get(pk=article.published_version_id),
        user,
        MedicalReview.Decision.APPROVE,
        credentials="RN",
    )
    Person.objects.filter(user=user).update(credentials="")
    reply = _reply(user, make_comment(article), "Moira Quinn")
    page = Client().get(article.get_absolute_url()).content.decode()
    item = page[page.index(f'id="comment-{reply.pk}"') :]
    assert "Answered by Moira Quinn, RN" in visible_text(
        item[: item.index("</b>", item.index("Answered"))]
    )


def test_a_reply_signed_as_the_site_or_by_staff_without_a_page_says_staff(
    article, make_comment, make_staff_user, moderator
):
    clinician = _clinician(make_staff_user, name="Dr Moira Quinn", credentials="MD")
    as_site = _reply(clinician, make_comment(article), "Well Informed")
    no_page = _reply(moderator, make_comment(article), "Moira Quinn")
    page = Client().get(article.get_absolute_url()).content.decode()
    for reply in (as_site, no_page):
        item = page[page.index(f'id="comment-{reply.pk}"') :]
        assert '<span class="badge-staff">Staff</span>' in item[: item.index("</div>")]
    assert "Answered by" not in page


def test_staff_answers_cost_one_query_for_the_whole_page(
    article, make_comment, make_staff_user, django_assert_num_queries
):
    user = _clinician(make_staff_user, name="Dr Moira Quinn", credentials="MD")
    for _ in range(3):
        question = make_comment(article)
        question.reply_as_staff(by=user, name="Moira Quinn", body="Answer.")
    comments = list(Comment.objects.all())
    with django_assert_num_queries(1):
        mark_staff_answers(comments)
    assert sum(1 for each in comments if each.answered_by) == 3
