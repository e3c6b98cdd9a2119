"""People: a writer's or reviewer's page (/authors/<slug>/), the bylines and review lines
that link to it, its JSON-LD, its place in the HTTP cache, the admin, the demo, and the
migration that made people of the old author and reviewer profiles."""

import http.server
import io
import json
import re
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from PIL import Image as PillowImage

from articles.forms import RESERVED_SEGMENTS
from articles.images import store_image
from articles.models import Article, MedicalReview, Person
from articles.people_views import ARTICLES_SHOWN
from tests.text import visible_text

pytestmark = pytest.mark.django_db

APPROVE = MedicalReview.Decision.APPROVE


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    (data,) = [json.loads(block) for block in blocks]
    return data


def header_of(page):
    header = page[page.index('<header class="article-header">') :]
    return header[: header.index("</header>")]


@pytest.fixture
def writer(django_user_model):
    user = django_user_model.objects.create_user("jo", first_name="Jo", last_name="Writer")
    Person.objects.create(
        user=user,
        name="Jo Writer",
        slug="jo-writer",
        role="Health writer",
        bio="Writes about sleep <b>and</b> rest.\n\nBefore that, a nurse for ten years.",
        links="https://example.org/jo\n\njavascript:alert(1)\nhttps://orcid.org/0000-0001",
    )
    return user


@pytest.fixture
def amina(make_reviewer):
    user = make_reviewer("Amina", "Rahman")
    Person.objects.create(
        user=user,
        name="Dr Amina Rahman",
        slug="amina-rahman",
        role="Consultant anaesthetist",
        credentials="MD, FRCP",
        bio="Consultant anaesthetist.",
    )
    return user


def written_by(make_article, writer, title="Sleep and Health", **fields):
    """An article whose byline is ``writer``'s Person (when the account has one)."""
    article = make_article(publish=False, **fields)
    person = Person.of(writer)
    if person is not None:
        article.set_writers([person])
    article.publish(article.add_version(title=title, summary="S", body="B", author=writer))
    article.refresh_from_db()
    return article


def jpeg_bytes(size=(640, 480)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


# The person's page.


def test_the_page_shows_who_they_are_with_bio_escaped_and_only_web_links(client, writer):
    response = client.get("/authors/jo-writer/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="person-name">Jo Writer</h1>' in page
    assert "Health writer" in page
    assert "<p>Writes about sleep &lt;b&gt;and&lt;/b&gt; rest.</p>" in page
    assert "<p>Before that, a nurse for ten years.</p>" in page
    assert '<a href="https://example.org/jo" rel="me noopener">example.org/jo</a>' in page
    assert 'href="https://orcid.org/0000-0001"' in page
    assert "javascript:" not in page
    # No photo: the initials stand in, hidden from screen readers (the name is the heading).
    assert '<span class="person-photo person-initials" aria-hidden="true">JW</span>' in page


def test_a_missing_person_is_a_404(client, db):
    assert client.get("/authors/nobody/").status_code == 404


def test_the_photo_comes_from_the_library_as_a_picture(client, writer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = store_image(jpeg_bytes(), name="jo.jpg", alt_text="Jo Writer, smiling")
    Person.objects.filter(slug="jo-writer").update(photo=photo)
    page = client.get("/authors/jo-writer/").content.decode()
    picture = page[page.index("<picture>") : page.index("</picture>")]
    assert 'alt="Jo Writer, smiling"' in picture and "srcset=" in picture
    assert 'width="640" height="480"' in picture
    assert "person-initials" not in page
    image = json_ld(page)["image"]
    assert image["@type"] == "ImageObject"
    assert image["url"].startswith("http") and image["url"].endswith((".jpg", ".jpeg"))


def test_the_page_carries_person_json_ld(client, writer, settings):
    settings.SITE_URL = "https://health.example"
    data = json_ld(client.get("/authors/jo-writer/").content.decode())
    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": "https://health.example/authors/jo-writer/",
        "url": "https://health.example/authors/jo-writer/",
        "name": "Jo Writer",
        "jobTitle": "Health writer",
        "description": "Writes about sleep <b>and</b> rest. Before that, a nurse for ten years.",
        "sameAs": ["https://example.org/jo", "https://orcid.org/0000-0001"],
    }


def test_the_page_lists_published_articles_written_and_reviewed_newest_first(
    client, make_article, writer, amina
):
    older = written_by(make_article, writer, title="Older piece")
    Article.objects.filter(pk=older.pk).update(publish_at=timezone.now() - timedelta(days=3))
    newer = written_by(make_article, writer, title="Newer piece")
    written_by(make_article, writer, title="A draft", slug="draft-piece").unpublish()
    later = timezone.now() + timedelta(days=2)
    scheduled = make_article(title="Not yet", publish_at=later)
    scheduled.set_writers([writer.person])
    MedicalReview.sign(newer.published_version, amina, APPROVE)
    # A version sent back is no review readers are told of.
    sent_back = make_article(title="Sent back")
    MedicalReview.sign(sent_back.published_version, amina, MedicalReview.Decision.SEND_BACK)

    page = visible_text(client.get("/authors/jo-writer/"))
    written = page[page.index("Articles by Jo Writer") :]
    assert written.index("Newer piece") < written.index("Older piece")
    assert "A draft" not in page and "Not yet" not in page
    assert "Medically reviewed by" not in page  # Jo reviewed nothing

    reviewer_page = visible_text(client.get("/authors/amina-rahman/"))
    assert "Medically reviewed by Dr Amina Rahman Newer piece" in reviewer_page
    assert "Sent back" not in reviewer_page and "Older piece" not in reviewer_page


def test_a_page_without_articles_says_so(client, db):
    Person.objects.create(name="Sam Lee", slug="sam-lee")  # an imported writer, no account
    assert "No published articles yet." in client.get("/authors/sam-lee/").content.decode()


def test_the_page_is_read_in_a_fixed_number_of_queries_and_capped_with_a_count(
    client, make_article, writer, amina, django_assert_num_queries
):
    for number in range(2):
        article = written_by(make_article, writer, title=f"Piece {number}")
        MedicalReview.sign(article.published_version, amina, APPROVE)
    # The person (with their photo), the two lists, the next scheduled change.
    with django_assert_num_queries(4):
        page = client.get("/authors/jo-writer/").content.decode()
    assert page.count("Piece ") == 2 and "newest of" not in page
    for number in range(2, ARTICLES_SHOWN + 3):
        written_by(make_article, writer, title=f"Piece {number}")
    # A full list: one query more for its count, however many articles there are.
    with django_assert_num_queries(5):
        page = client.get("/authors/jo-writer/").content.decode()
    assert f"The {ARTICLES_SHOWN} newest of {ARTICLES_SHOWN + 3} articles." in page
    assert page.count('<li><a href="/article-') == ARTICLES_SHOWN


def test_the_page_is_shared_under_its_key_and_the_lists_key(client, writer):
    person = Person.objects.get(slug="jo-writer")
    response = client.get("/authors/jo-writer/")
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert response["Surrogate-Key"].split() == [f"person-{person.pk}", "articles", "site"]


def test_an_article_going_live_later_bounds_how_long_the_page_is_kept(
    client, writer, make_article, settings
):
    settings.PAGE_CACHE_SECONDS = 3600
    make_article(publish_at=timezone.now() + timedelta(seconds=90))
    age = re.search(r"s-maxage=(\d+)", client.get("/authors/jo-writer/")["Cache-Control"])
    assert 85 <= int(age.group(1)) <= 91


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    keys = []

    def do_PURGE(self):  # noqa: N802 (the method's name is the HTTP verb)
        # The models' purges are soft (cms/caching.py): either header names the keys.
        keys = self.headers["xkey-softpurge"] or self.headers["xkey-purge"]
        PurgeRecorder.keys.extend(keys.split())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_node(settings):
    """A real HTTP server on 127.0.0.1 that records the keys it is asked to purge."""
    server = http.server.HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PurgeRecorder.keys = []
    settings.HTTP_CACHE_NODES = [f"http://127.0.0.1:{server.server_port}"]
    yield PurgeRecorder.keys
    server.shutdown()
    server.server_close()


def test_saving_a_person_purges_their_page_and_the_pages_that_name_them(
    writer, make_article, cache_node, django_capture_on_commit_callbacks
):
    article = written_by(make_article, writer)
    person = Person.objects.get(slug="jo-writer")
    cache_node.clear()
    with django_capture_on_commit_callbacks(execute=True):
        person.role = "Editor"
        person.save()
    assert f"person-{person.pk}" in cache_node
    assert f"article-{article.pk}" in cache_node and "articles" in cache_node


def test_publishing_an_article_purges_the_lists_key_the_page_carries(
    make_article, cache_node, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article()
    assert "articles" in cache_node


# Bylines and review lines.


def test_the_byline_and_review_line_link_to_the_persons_page(client, make_article, writer, amina):
    article = written_by(make_article, writer)
    MedicalReview.sign(article.published_version, amina, APPROVE)
    header = header_of(client.get(article.get_absolute_url()).content.decode())
    assert (
        '<p class="byline">By <a class="author-name" rel="author" href="/authors/jo-writer/">'
        'Jo Writer</a><span class="bio">: Writes about sleep &lt;b&gt;and&lt;/b&gt; rest.</span>'
    ) in header
    assert "nurse" not in header  # the bio's first paragraph only
    # The signed name and credentials, linked to the reviewer's page.
    assert (
        'Medically reviewed by <a href="/authors/amina-rahman/">Amina Rahman, MD, FRCP</a> — '
    ) in header
    assert '<p class="bio">Consultant anaesthetist.</p>' in header


def test_without_a_page_the_review_line_names_without_a_link_and_the_saver_is_no_byline(
    client, make_article, django_user_model, make_reviewer
):
    user = django_user_model.objects.create_user("kim", first_name="Kim", last_name="Park")
    article = written_by(make_article, user)
    MedicalReview.sign(article.published_version, make_reviewer(), APPROVE, credentials="RN")
    header = header_of(client.get(article.get_absolute_url()).content.decode())
    assert 'class="byline"' not in header and "Kim Park" not in header
    assert "Medically reviewed by Lee Chan, RN — <time" in header
    assert "/authors/" not in header


def test_the_change_log_links_each_review_to_the_reviewer(client, make_article, writer, amina):
    article = written_by(make_article, writer)
    MedicalReview.sign(article.published_version, amina, APPROVE)
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert (
        'Medically reviewed by <a href="/authors/amina-rahman/">Amina Rahman, MD, FRCP</a>' in page
    )


def test_the_articles_json_ld_gives_author_and_reviewer_their_pages(
    client, make_article, writer, amina, settings
):
    settings.SITE_URL = "https://health.example"
    article = written_by(make_article, writer)
    MedicalReview.sign(article.published_version, amina, APPROVE)
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["author"] == [
        {"@type": "Person", "name": "Jo Writer", "url": "https://health.example/authors/jo-writer/"}
    ]
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Amina Rahman",  # as signed
        "url": "https://health.example/authors/amina-rahman/",
        "honorificSuffix": "MD, FRCP",
    }


def test_linked_bylines_cost_the_article_page_no_query_more(
    client, make_article, writer, amina, django_assert_max_num_queries
):
    article = written_by(make_article, writer)
    MedicalReview.sign(article.published_version, amina, APPROVE)
    # Six: the article, its writers (with their people), the review (with its reviewer's),
    # the corrections, the comment count, the thread.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_max_num_queries(6):
        page = client.get(article.get_absolute_url()).content.decode()
    assert "/authors/jo-writer/" in page and "/authors/amina-rahman/" in page


def test_a_renamed_person_shows_at_once_in_the_byline(make_article, writer):
    article = written_by(make_article, writer)
    assert "Jo Writer" in Client().get(article.get_absolute_url()).content.decode()
    person = Person.objects.get(slug="jo-writer")
    person.name = "Joanna Writer"
    person.save()
    assert "Joanna Writer" in Client().get(article.get_absolute_url()).content.decode()


def test_signing_keeps_typed_credentials_on_the_reviewers_page(make_article, amina):
    article = make_article()
    review = MedicalReview.sign(article.published_version, amina, APPROVE, credentials="MD, PhD")
    assert review.credentials == "MD, PhD"
    assert Person.objects.get(user=amina).credentials == "MD, PhD"
    # Not typed: the page's credentials are signed with.
    again = MedicalReview.sign(article.published_version, amina, APPROVE)
    assert again.credentials == "MD, PhD"


# The admin.


def test_an_editor_adds_a_person_and_the_links_are_checked(editor_client, django_user_model):
    form = editor_client.get("/admin/articles/person/add/")
    assert form.status_code == 200
    assert 'id="django-admin-prepopulated-fields-constants"' in form.content.decode()
    user = django_user_model.objects.create_user("ali", first_name="Ali", last_name="Khan")
    fields = {"name": "Ali Khan", "slug": "ali-khan", "user": user.pk, "role": "Nurse"}
    refused = editor_client.post(
        "/admin/articles/person/add/", {**fields, "links": "javascript:alert(1)"}
    )
    assert refused.status_code == 200
    assert "is not a web address" in refused.content.decode()
    saved = editor_client.post(
        "/admin/articles/person/add/", {**fields, "links": "https://example.org/ali"}
    )
    assert saved.status_code == 302
    assert Person.objects.get(slug="ali-khan").user == user
    found = editor_client.get("/admin/articles/person/", {"q": "nurse"}).content.decode()
    assert "Ali Khan" in found and "/authors/ali-khan/" in found


def test_an_editor_may_not_delete_a_person(editor, db):
    assert editor.has_perm("articles.change_person")
    assert not editor.has_perm("articles.delete_person")


def test_the_article_form_keeps_authors_for_the_peoples_pages():
    assert "authors" in RESERVED_SEGMENTS


# The demo.


def test_the_demo_writer_and_reviewer_have_pages_the_article_links_to(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # a second load adds no one
    assert Person.objects.count() == 2
    page = client.get("/what-is-ketamine-used-for/").content.decode()
    assert 'href="/authors/jordan-ellis/"' in page and 'href="/authors/alex-morgan/"' in page
    writer_page = visible_text(client.get("/authors/jordan-ellis/"))
    assert "What is Ketamine Used For?" in writer_page
    reviewer_page = visible_text(client.get("/authors/alex-morgan/"))
    assert "Medically reviewed by Alex Morgan What is Ketamine Used For?" in reviewer_page


# The migration.

BEFORE = [("articles", "0012_media_topics_tags_people")]
AFTER = [("articles", "0013_people")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_profiles_become_people_and_reviews_keep_their_signatures():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        writer = User.objects.create(username="w", first_name="Jo", last_name="Writer")
        both = User.objects.create(username="b", first_name="Amina", last_name="Rahman")
        nameless = User.objects.create(username="n")
        signer = User.objects.create(username="s")  # no full name, but signed as "Lee Chan"
        apps.get_model("articles", "AuthorProfile").objects.create(user=writer, bio="Writer.")
        apps.get_model("articles", "AuthorProfile").objects.create(user=both, bio="Writes.")
        apps.get_model("articles", "AuthorProfile").objects.create(user=nameless, bio="Never seen")
        apps.get_model("articles", "ReviewerProfile").objects.create(
            user=both, credentials="MD", bio="Reviews."
        )
        Article = apps.get_model("articles", "Article")
        version = apps.get_model("articles", "ArticleVersion").objects.create(
            article=Article.objects.create(slug="a"), number=1, title="T", summary="S", body="B"
        )
        apps.get_model("articles", "MedicalReview").objects.create(
            version=version, reviewer=signer, reviewer_name="Lee Chan", decision="approve"
        )
        apps = migrate(AFTER)
        people = {
            person.user_id: person for person in apps.get_model("articles", "Person").objects.all()
        }
        assert set(people) == {writer.pk, both.pk, signer.pk}
        assert (people[writer.pk].name, people[writer.pk].slug, people[writer.pk].bio) == (
            "Jo Writer",
            "jo-writer",
            "Writer.",
        )
        assert (people[both.pk].credentials, people[both.pk].bio) == ("MD", "Writes.\n\nReviews.")
        assert (people[signer.pk].name, people[signer.pk].slug) == ("Lee Chan", "lee-chan")
        editors = apps.get_model("auth", "Group").objects.get(name="Editors")
        codenames = set(editors.permissions.values_list("codename", flat=True))
        assert {"view_person", "add_person", "change_person"} <= codenames
        assert "delete_person" not in codenames
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
