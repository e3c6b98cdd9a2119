"""Medical review as a signature on one exact version: through the admin as the Medical
reviewers and Editors groups use it, on the public page in each state, in the JSON-LD, the
change log, the review queue and the review schedule."""

import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from articles.models import Article, MedicalReview, Person, add_months
from tests.article_form import change_url, edit
from tests.text import visible_text

pytestmark = pytest.mark.django_db


def review_url(article, number):
    return reverse("admin:articles_article_review", args=[article.pk, number])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def day(moment):
    return dateformat.format(timezone.localtime(moment), "j F Y")


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    (data,) = [json.loads(block) for block in blocks]
    return data


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def approve(client, article, number, credentials="MD, FRCP", note=""):
    return client.post(
        review_url(article, number), {"credentials": credentials, "note": note, "_approve": "1"}
    )


# Signing a review.


def test_reviewer_approves_the_exact_version_and_readers_see_the_signature(
    reviewer_client, reviewer, article, client
):
    assert "Medically reviewed" not in page_of(client, article)  # the page is cached now
    page = reviewer_client.get(review_url(article, 1)).content.decode()
    assert "Sleep restores the body." in page  # the version itself, to read before signing
    assert 'name="_approve" value="Approve version 1"' in page

    response = approve(reviewer_client, article, 1)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_review_queue")
    assert messages_of(response) == ["You approved version 1. Readers now see the review line."]
    review = MedicalReview.objects.get()
    assert (review.version, review.reviewer, review.decision) == (
        article.published_version,
        reviewer,
        MedicalReview.Decision.APPROVE,
    )
    assert (review.reviewer_name, review.credentials) == ("Amina Rahman", "MD, FRCP")
    # Kept for the next review: the form offers the credentials last signed with.
    assert (
        'name="credentials" value="MD, FRCP"'
        in reviewer_client.get(review_url(article, 1)).content.decode()
    )
    page = page_of(client, article)
    when = review.created_at
    assert (
        "Medically reviewed by Amina Rahman, MD, FRCP — "
        f'<time datetime="{timezone.localtime(when):%Y-%m-%d}">{day(when)}</time>'
    ) in page
    data = json_ld(page)
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Amina Rahman",
        "honorificSuffix": "MD, FRCP",
    }
    assert data["lastReviewed"] == f"{timezone.localtime(when):%Y-%m-%d}"


def test_credentials_are_copied_at_signing_time(reviewer_client, reviewer, article, client):
    approve(reviewer_client, article, 1, credentials="MD")
    Person.objects.create(user=reviewer, name="Amina", slug="amina", credentials="MD, PhD")
    reviewer.first_name = "Dr. Amina"
    reviewer.save()
    assert "Medically reviewed by Amina Rahman, MD — " in visible_text(page_of(client, article))
    # The form offers the Person's credentials for the next review.
    form = reviewer_client.get(review_url(article, 1)).content.decode()
    assert 'name="credentials" value="MD, PhD"' in form


def test_an_editor_cannot_approve_a_review(editor_client, article):
    response = approve(editor_client, article, 1)
    assert response.status_code == 403
    assert not MedicalReview.objects.exists()
    page = editor_client.get(review_url(article, 1)).content.decode()
    assert "Only medical reviewers sign reviews." in page
    assert 'name="_approve"' not in page


def test_a_reviewer_cannot_publish_or_write_a_version(reviewer_client, article):
    response = reviewer_client.post(
        change_url(article), edit(article, "_publish", body="Changed by a reviewer.")
    )
    assert response.status_code == 403
    assert article.versions.count() == 1
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])
    assert reviewer_client.post(revert).status_code == 403
    assert article.versions.count() == 1


def test_a_reviewer_who_is_also_an_editor_may_publish(client, make_staff_user, article):
    both = make_staff_user(
        "dual", "Editors", "Medical reviewers", first_name="Dee", last_name="Ual"
    )
    client.force_login(both)
    response = client.post(change_url(article), edit(article, "_publish", body="Both hats."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_version.body == "Both hats."


def test_nobody_reviews_a_version_they_wrote(client, make_staff_user, article):
    both = make_staff_user(
        "dual", "Editors", "Medical reviewers", first_name="Dee", last_name="Ual"
    )
    client.force_login(both)
    client.post(change_url(article), edit(article, body="My own words."))
    response = approve(client, article, 2)
    assert response.status_code == 200
    assert "You saved this version: another medical reviewer must review it." in (
        response.content.decode()
    )
    assert not MedicalReview.objects.exists()


def test_a_reviewer_without_a_full_name_cannot_sign(client, make_staff_user, article):
    nameless = make_staff_user("dr-login-name", "Medical reviewers")
    client.force_login(nameless)
    response = approve(client, article, 1)
    assert "Readers see the name you sign with" in response.content.decode()
    assert not MedicalReview.objects.exists()
    assert "dr-login-name" not in Client().get(article.get_absolute_url()).content.decode()


def test_sending_back_needs_a_note_and_the_editor_sees_it(
    reviewer_client, editor_client, article, client
):
    response = reviewer_client.post(review_url(article, 1), {"note": " ", "_send_back": "1"})
    assert response.status_code == 200
    assert "Tell the editors what to change before asking for changes." in response.content.decode()
    assert not MedicalReview.objects.exists()

    note = "The dose in the second paragraph is for adults only: say so."
    response = reviewer_client.post(review_url(article, 1), {"note": note, "_send_back": "1"})
    assert messages_of(response) == ["You asked for changes to version 1, with your note."]
    review = MedicalReview.objects.get()
    assert review.decision == MedicalReview.Decision.SEND_BACK and review.note == note
    form = editor_client.get(change_url(article)).content.decode()
    assert "Changes to version 1 were requested by Amina Rahman on" in form
    assert "say so." in form
    assert "Medically reviewed" not in page_of(client, article)


def test_a_later_send_back_withdraws_an_approval(reviewer_client, article, client):
    approve(reviewer_client, article, 1)
    reviewer_client.post(review_url(article, 1), {"note": "Found an error.", "_send_back": "1"})
    assert "Medically reviewed" not in page_of(client, article)
    assert "reviewedBy" not in json_ld(page_of(client, article))


def test_a_review_is_a_record_nobody_edits_or_deletes(admin_client, reviewer_client, article):
    approve(reviewer_client, article, 1)
    review = MedicalReview.objects.get()
    with pytest.raises(ValueError, match="signed records"):
        review.save()
    url = reverse("admin:articles_medicalreview_change", args=[review.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="reviewer_name"' not in page and 'name="_save"' not in page
    admin_client.post(url, {"reviewer_name": "Someone Else", "decision": "approve"})
    delete = reverse("admin:articles_medicalreview_delete", args=[review.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert MedicalReview.objects.get().reviewer_name == "Amina Rahman"
    assert admin_client.get("/admin/articles/medicalreview/add/").status_code == 403


def test_a_reviewer_opening_an_article_is_sent_to_its_latest_versions_review(
    reviewer_client, article
):
    article.add_version(title="Draft", summary="Draft lede.", body="Draft body.")
    response = reviewer_client.get(change_url(article))
    assert response.status_code == 302 and response["Location"] == review_url(article, 2)


def test_reviewers_may_preview_a_version(reviewer_client, article):
    article.add_version(title="Draft", summary="Draft lede.", body="Draft body.")
    response = reviewer_client.get(f"/{article.slug}/preview/2/")
    assert response.status_code == 200
    assert "Draft body." in response.content.decode()


# A new version never inherits a review: the honest line.


def test_a_new_version_never_inherits_the_review(reviewer_client, editor_client, article, client):
    approve(reviewer_client, article, 1)
    reviewed_on = MedicalReview.objects.get().created_at
    page_of(client, article)  # cached with the review line

    editor_client.post(change_url(article), edit(article, "_publish", body="Sleep heals."))

    article.refresh_from_db()
    version = article.published_version
    assert version.number == 2 and not version.reviews.exists()
    page = page_of(client, article)
    assert "Medically reviewed by" not in page
    assert (
        f'Updated on <time datetime="{timezone.localtime(version.published_at):%Y-%m-%d}">'
        f"{day(version.published_at)}</time>; last medically reviewed on "
        f'<time datetime="{timezone.localtime(reviewed_on):%Y-%m-%d}">{day(reviewed_on)}</time> '
        f'(<a href="/{article.slug}/changes/#version-1">an earlier version</a>).'
    ) in page
    data = json_ld(page)
    assert "reviewedBy" not in data and "lastReviewed" not in data


def test_a_revert_copy_is_a_new_version_without_a_review(
    reviewer_client, editor_client, article, client
):
    approve(reviewer_client, article, 1)
    editor_client.post(change_url(article), edit(article, "_publish", body="Changed."))
    editor_client.post(reverse("admin:articles_article_revert", args=[article.pk, 1]))
    article.refresh_from_db()
    assert article.published_version.number == 3
    page = page_of(client, article)
    assert "last medically reviewed on" in page and "Medically reviewed by" not in page


def test_an_article_never_reviewed_shows_no_review_line(client, article):
    page = page_of(client, article)
    assert "medically reviewed" not in page.lower()
    assert "reviewedBy" not in json_ld(page)


# The change log.


def test_change_log_shows_each_versions_own_review(reviewer_client, editor_client, article, client):
    approve(reviewer_client, article, 1)
    editor_client.post(change_url(article), edit(article, "_publish", body="Changed."))
    page = client.get(f"/{article.slug}/changes/").content.decode()
    version_2 = page[page.index('id="version-2"') : page.index('id="version-1"')]
    version_1 = page[page.index('id="version-1"') :]
    assert "This version was not medically reviewed." in version_2
    assert "Medically reviewed by Amina Rahman, MD, FRCP — <time" in version_1


# REVIEW_REQUIRED_TO_PUBLISH.


def test_with_review_required_an_editor_cannot_publish_an_unreviewed_version(
    settings, editor_client, reviewer_client, article, client
):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    response = editor_client.post(change_url(article), edit(article, "_publish", body="New."))
    assert messages_of(response) == [
        "Version 2 is not published: this site publishes only versions a medical reviewer has "
        "approved (REVIEW_REQUIRED_TO_PUBLISH), and this version has no approving review yet. "
        "Version 2 is saved as a draft; a medical reviewer finds it in their review queue."
    ]
    article.refresh_from_db()
    assert article.published_version.number == 1 and article.latest_version().body == "New."

    approve(reviewer_client, article, 2)
    response = editor_client.post(change_url(article), edit(article, "_publish"))
    assert messages_of(response)[-1] == "Version 2 is published."
    article.refresh_from_db()
    assert article.published_version.number == 2
    assert "Medically reviewed by Amina Rahman" in page_of(client, article)


def test_with_review_required_revert_is_refused_with_the_reason(settings, editor_client, article):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    article.publish(article.add_version(title="T", summary="S", body="Second."))
    response = editor_client.post(reverse("admin:articles_article_revert", args=[article.pk, 1]))
    assert "REVIEW_REQUIRED_TO_PUBLISH" in messages_of(response)[0]
    assert article.versions.count() == 2


def test_without_the_setting_an_unreviewed_version_is_published_as_before(editor_client, article):
    editor_client.post(change_url(article), edit(article, "_publish", body="New."))
    article.refresh_from_db()
    assert article.published_version.number == 2


# What editors and reviewers see in the admin.


def test_article_list_and_form_say_the_latest_version_awaits_review(
    editor_client, reviewer_client, article
):
    changelist = editor_client.get("/admin/articles/article/").content.decode()
    assert "Awaits review" in changelist
    assert (
        "Version 1 awaits medical review."
        in editor_client.get(change_url(article)).content.decode()
    )
    approve(reviewer_client, article, 1)
    assert "Approved" in editor_client.get("/admin/articles/article/").content.decode()
    form = editor_client.get(change_url(article)).content.decode()
    assert "Version 1 was medically reviewed: approved by Amina Rahman, MD, FRCP" in form


def test_the_queue_lists_each_articles_latest_undecided_version_longest_waiting_first(
    reviewer_client, make_article
):
    first = make_article(title="Oldest waiting")
    second = make_article(title="Newer waiting")
    reviewed = make_article(title="Already reviewed")
    MedicalReview.objects.create(
        version=reviewed.published_version,
        reviewer_name="Someone",
        decision=MedicalReview.Decision.APPROVE,
    )
    first.add_version(title="Oldest waiting", summary="S", body="Draft 2.")
    queue = reviewer_client.get(reverse("admin:articles_article_review_queue")).content.decode()
    assert "Already reviewed" not in queue
    assert queue.index("Newer waiting") < queue.index("Oldest waiting")  # v2 was saved last
    assert f'href="{review_url(first, 2)}"' in queue and f'href="{review_url(second, 1)}"' in queue
    assert f'href="{review_url(first, 1)}"' not in queue  # no longer the latest version
    home = reviewer_client.get("/admin/").content.decode()
    assert "2 versions awaiting medical review" in visible_text(home)


def test_the_queue_uses_a_fixed_number_of_queries(
    reviewer_client, make_article, django_assert_max_num_queries
):
    for _ in range(20):
        make_article()
    with django_assert_max_num_queries(6):
        response = reviewer_client.get(reverse("admin:articles_article_review_queue"))
    assert response.content.decode().count(">Review</a>") == 20


# Review-due dates.


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 25), 12) == datetime.date(2027, 11, 25)
    assert add_months(datetime.date(2026, 11, 25), 3) == datetime.date(2027, 2, 25)


def _reviewed(article, days_ago):
    MedicalReview.objects.create(
        version=article.published_version,
        reviewer_name="Someone",
        decision=MedicalReview.Decision.APPROVE,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_review_schedule_lists_due_and_overdue_articles_oldest_first(editor_client, make_article):
    now = timezone.now()
    overdue = make_article(title="Overdue by a year", publish_at=now - datetime.timedelta(days=900))
    _reviewed(overdue, days_ago=730)
    never = make_article(title="Never reviewed", publish_at=now - datetime.timedelta(days=400))
    soon = make_article(title="Due soon", publish_at=now - datetime.timedelta(days=400))
    _reviewed(soon, days_ago=350)
    fresh = make_article(title="Fresh", publish_at=now - datetime.timedelta(days=400))
    _reviewed(fresh, days_ago=10)
    short = make_article(title="Short interval", publish_at=now - datetime.timedelta(days=400))
    Article.objects.filter(pk=short.pk).update(review_interval_months=1)
    _reviewed(short, days_ago=40)
    make_article(title="Unpublished draft", publish=False)

    due = Article.objects.review_schedule()
    assert [str(article) for article in due] == [
        "Overdue by a year",
        "Never reviewed",
        "Short interval",
        "Due soon",
    ]
    assert [article.review_overdue for article in due] == [True, True, True, False]
    assert never.pk == due[1].pk and due[1].last_reviewed_at is None

    page = editor_client.get(reverse("admin:articles_article_review_schedule")).content.decode()
    assert page.index("Overdue by a year") < page.index("Never reviewed") < page.index("Due soon")
    assert "Fresh" not in page and "Unpublished draft" not in page
    assert "Overdue since" in page and "Due on" in page
    assert "4 articles due for medical review" in visible_text(editor_client.get("/admin/"))


def test_the_review_interval_is_set_per_article_in_the_form(editor_client, article):
    editor_client.post(change_url(article), edit(article, review_interval_months="6"))
    article.refresh_from_db()
    assert article.review_interval_months == 6
    assert article.versions.count() == 1  # a setting, not a new version


def test_the_review_line_reads_as_health_publishers_write_it(client, article, make_reviewer):
    doctor = make_reviewer("Dr. Alex", "Morgan")
    review = MedicalReview.sign(
        article.published_version, doctor, MedicalReview.Decision.APPROVE, credentials="MD"
    )
    page = page_of(client, article)
    # Name and credentials, then the date: no "Dr." before "MD", no comma before the date.
    assert (
        '<p class="review">Medically reviewed by Alex Morgan, MD — '
        f'<time datetime="{timezone.localtime(review.created_at):%Y-%m-%d}">'
        f"{day(review.created_at)}</time></p>"
    ) in page
    # Without credentials the title is all that says "doctor": it stays.
    later = article.add_version(title="T", summary="S", body="B")
    article.publish(later)
    MedicalReview.sign(later, doctor, MedicalReview.Decision.APPROVE, credentials="")
    assert "Medically reviewed by Dr. Alex Morgan — <time" in page_of(client, article)
    assert MedicalReview(reviewer_name="Drew Smith", credentials="RN").signature == (
        "Drew Smith, RN"
    )
