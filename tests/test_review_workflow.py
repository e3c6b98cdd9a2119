"""Medical review as a step with people in it: "Send for review" emails the reviewers a link,
the decision emails the writers and the editor who sent it (each once), an approved version
is published in one click, and with REVIEW_REQUIRED_TO_PUBLISH nothing unreviewed goes live
(the article form, "Publish version N", import_article --publish). The emails go through the
mail queue's worker, run here in this process (run_mail_queue, mail.outbox)."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, MedicalReview, Person, ReviewRequest
from tests.article_form import change_url, edit
from tests.conftest import signed_in

LINK = re.compile(r"https?://\S+")
WXR = Path(__file__).resolve().parent / "fixtures" / "wordpress.xml"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def review_path(article, number):
    return reverse("admin:articles_article_review", args=[article.pk, number])


def publish_path(article, number):
    return reverse("admin:articles_article_publish_version", args=[article.pk, number])


def sent(run_mail_queue):
    """Run the mail worker once; the messages it sent, and forget them."""
    run_mail_queue()
    messages = list(mail.outbox)
    mail.outbox.clear()
    return messages


@pytest.fixture
def writer(make_staff_user):
    user = make_staff_user("jordan", "Editors", first_name="Jordan", last_name="Ellis")
    Person.objects.create(user=user, name="Jordan Ellis", slug="jordan-ellis")
    return user


@pytest.fixture
def written(article, writer):
    """The article, whose byline is Jordan Ellis."""
    article.set_writers([writer.person])
    return article


def send_for_review(editor_client, article, note="One sentence changed.", reviewer="", **changes):
    data = edit(article, "_send_for_review", **changes)
    data.update({"review-note": note, "review-reviewer": str(reviewer)})
    return editor_client.post(change_url(article), data)


def test_send_for_review_emails_every_medical_reviewer_a_link_to_the_review_page(
    editor_client, editor, written, make_reviewer, run_mail_queue, settings
):
    first, second = make_reviewer("Amina", "Rahman"), make_reviewer("Lee", "Chan")
    response = send_for_review(editor_client, written, body="One sentence, changed.")
    assert messages_of(response) == [
        "Version 2 is saved as a draft and sent for medical review: 2 medical reviewers are "
        "told by email."
    ]
    request = ReviewRequest.objects.get()
    assert (request.version.number, request.requested_by, request.reviewer) == (2, editor, None)
    messages = sent(run_mail_queue)
    assert sorted(address for message in messages for address in message.to) == sorted(
        [first.email, second.email]
    )
    message = messages[0]
    assert message.subject == "Medical review of “Sleep and Health”, version 2"
    assert "Eddie Lane sent version 2" in message.body and "One sentence changed." in message.body
    assert settings.SITE_URL + review_path(written, 2) in LINK.findall(message.body)
    entries = LogEntry.objects.filter(object_id=str(written.pk))
    assert "Sent version 2 for medical review to 2 medical reviewers." in [
        entry.get_change_message() for entry in entries
    ]


def test_a_named_reviewer_alone_is_emailed(editor_client, written, make_reviewer, run_mail_queue):
    named, _other = make_reviewer("Amina", "Rahman"), make_reviewer("Lee", "Chan")
    response = send_for_review(editor_client, written, reviewer=named.pk, body="Changed.")
    assert "Amina Rahman is told by email." in messages_of(response)[0]
    [message] = sent(run_mail_queue)
    assert message.to == [named.email] and "to you" in message.body


def test_a_reviewer_who_is_not_a_medical_reviewer_cannot_be_named(
    editor_client, written, moderator, run_mail_queue
):
    response = send_for_review(editor_client, written, reviewer=moderator.pk, body="Changed.")
    assert "it was not sent for review" in messages_of(response)[0]
    assert not ReviewRequest.objects.exists() and not sent(run_mail_queue)


def test_a_decision_emails_the_writers_and_the_editor_who_sent_it_once_each(
    editor_client, editor, writer, written, reviewer, reviewer_client, run_mail_queue
):
    send_for_review(editor_client, written, body="Changed once.")
    send_for_review(editor_client, written, note="A reminder.")  # the same version, twice
    sent(run_mail_queue)
    note = "Say the dose is for adults."
    response = reviewer_client.post(review_path(written, 2), {"note": note, "_send_back": "1"})
    assert response.status_code == 302
    messages = sent(run_mail_queue)
    assert sorted(address for message in messages for address in message.to) == sorted(
        [editor.email, writer.email]
    )
    assert messages[0].subject == "Changes requested: “Sleep and Health”, version 2"
    assert note in messages[0].body
    entry = LogEntry.objects.filter(object_id=str(written.pk)).first()
    assert entry.get_change_message() == (
        f"Medical review of version 2: changes requested by Amina Rahman. Note: {note} "
        "Emailed 2 editor(s) and writer(s)."
    )
    # A later decision answers no request: nobody is emailed again.
    reviewer_client.post(review_path(written, 2), {"note": "", "_approve": "1"})
    assert [message.to for message in sent(run_mail_queue)] == [[writer.email]]


def test_an_approval_offers_publish_version_n_in_one_click(
    editor_client, written, reviewer_client, run_mail_queue, settings
):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    send_for_review(editor_client, written, body="Changed.")
    sent(run_mail_queue)
    reviewer_client.post(review_path(written, 2), {"credentials": "MD", "_approve": "1"})
    messages = sent(run_mail_queue)
    assert len(messages) == 2  # the writer and the editor who sent it
    assert "Publish version 2 here, in one click" in messages[0].body
    page = editor_client.get(review_path(written, 2)).content.decode()
    assert 'value="Publish version 2"' in page
    assert "Publish version 2" in editor_client.get(change_url(written)).content.decode()
    response = editor_client.post(publish_path(written, 2))
    assert messages_of(response) == ["Version 2 is published."]
    written.refresh_from_db()
    assert written.published_version.number == 2
    assert written.writer_list() == [Person.objects.get(slug="jordan-ellis")]


def test_with_review_required_nothing_unreviewed_is_published(
    editor_client, written, settings, tmp_path
):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    page = editor_client.get(change_url(written)).content.decode()
    assert (
        '<input type="submit" name="_send_for_review" value="Send for review" class="default">'
        in (page)
    )
    assert 'value="Save and publish"' not in page
    response = editor_client.post(change_url(written), edit(written, "_publish", body="New."))
    assert (
        "this site publishes only versions a medical reviewer has approved"
        in (messages_of(response)[0])
    )
    response = editor_client.post(publish_path(written, 2))
    assert "has no approving review yet" in messages_of(response)[0]
    written.refresh_from_db()
    assert written.published_version.number == 1
    text = tmp_path / "new.txt"
    text.write_text("A New Article\n\nIts lede.\n\nIts body.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="has no approving review yet"):
        call_command("import_article", str(text), "--publish", stdout=io.StringIO())
    imported = Article.objects.get(slug="a-new-article")
    assert imported.published_version is None and imported.versions.count() == 1


def test_import_article_sets_the_writers(db, tmp_path):
    Person.objects.create(name="Jordan Ellis", slug="jordan-ellis")
    Person.objects.create(name="Sam Okafor", slug="sam-okafor")
    text = tmp_path / "new.txt"
    text.write_text("Two Writers\n\nIts lede.\n\nIts body.\n", encoding="utf-8")
    call_command(
        "import_article",
        str(text),
        "--writer",
        "sam-okafor",
        "--writer",
        "jordan-ellis",
        stdout=io.StringIO(),
    )
    article = Article.objects.get(slug="two-writers")
    assert [person.slug for person in article.writer_list()] == ["sam-okafor", "jordan-ellis"]
    with pytest.raises(CommandError, match="no writer at /authors/nobody/"):
        call_command("import_article", str(text), "--slug", "x", "--writer", "nobody")


def test_waiting_for_you_lists_reviews_to_do_and_decisions_to_act_on(
    editor_client, written, reviewer_client, moderator
):
    send_for_review(editor_client, written, body="Changed.")
    home = reviewer_client.get("/admin/").content.decode()
    assert "Waiting for you" in home
    assert "Review “Sleep and Health”, version 2</a>, sent by Eddie Lane" in home
    assert "Nothing waits for you" in editor_client.get("/admin/").content.decode()
    reviewer_client.post(review_path(written, 2), {"credentials": "MD", "_approve": "1"})
    assert "Nothing waits for you" in reviewer_client.get("/admin/").content.decode()
    home = editor_client.get("/admin/").content.decode()
    assert f'href="{review_path(written, 2)}">Approved: publish “Sleep and Health”, version 2' in (
        home
    )
    editor_client.post(publish_path(written, 2))
    assert "Nothing waits for you" in editor_client.get("/admin/").content.decode()
    # Every staff user's home has it, moderators' too.
    assert "Nothing waits for you" in signed_in(moderator).get("/admin/").content.decode()


def test_the_review_page_shows_what_changed_before_the_decision_bar(
    editor_client, written, reviewer, reviewer_client
):
    MedicalReview.sign(written.published_version, reviewer, MedicalReview.Decision.APPROVE)
    first = written.published_version.body
    send_for_review(editor_client, written, body=first.replace("restores", "repairs"))
    page = reviewer_client.get(review_path(written, 2)).content.decode()
    changes = page.index("What changed since version 1, approved by Amina Rahman")
    assert changes < page.index('class="review-form review-decision-bar"')
    assert "<del>restores</del>" in page and "<ins>repairs</ins>" in page
    assert "Sent for review by Eddie Lane" in page and "One sentence changed." in page


def test_the_reviews_due_list_has_start_review(reviewer_client, written):
    a_year_ago = timezone.now() - timedelta(days=400)
    Article.objects.filter(pk=written.pk).update(first_published_at=a_year_ago)
    page = reviewer_client.get("/admin/articles/article/review-schedule/").content.decode()
    assert f'href="{review_path(written, 1)}"' in page and ">Start review</a>" in page


def test_the_wordpress_import_names_writers_and_says_why_live_posts_stay_live(db, settings):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    out = io.StringIO()
    call_command("import_wordpress", str(WXR), "--no-media", stdout=out)
    assert "REVIEW_REQUIRED_TO_PUBLISH is on, yet the " in out.getvalue()
    assert "They wait in the review queue." in out.getvalue()
    live = Article.objects.exclude(published_version=None)
    assert live and all(article.writer_list() for article in live)


def test_the_form_says_the_version_was_sent_until_the_decision(
    editor_client, written, make_reviewer, reviewer_client
):
    named = make_reviewer("Lee", "Chan")
    send_for_review(editor_client, written, reviewer=named.pk, body="Changed.")
    form = editor_client.get(change_url(written)).content.decode()
    assert "Version 2 was sent for medical review to Lee Chan on" in form
    reviewer_client.post(review_path(written, 2), {"credentials": "MD", "_approve": "1"})
    assert "sent for medical review" not in editor_client.get(change_url(written)).content.decode()


def test_the_review_page_reads_a_fixed_number_of_queries_however_many_versions(
    written, reviewer, reviewer_client
):
    MedicalReview.sign(written.published_version, reviewer, MedicalReview.Decision.APPROVE)

    def queries_of_the_review_page(number):
        with CaptureQueriesContext(connection) as queries:
            response = reviewer_client.get(review_path(written, number))
        assert "What changed since version 1" in response.content.decode()
        return len(queries)

    written.add_version(title="Sleep and Health", summary="S", body="Body 2.")
    few = queries_of_the_review_page(2)
    for number in range(3, 33):
        written.add_version(title="Sleep and Health", summary="S", body=f"Body {number}.")
    assert queries_of_the_review_page(32) == few
