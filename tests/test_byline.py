"""The byline: who wrote the article and who reviewed it, each with a short bio."""

from django.test import Client

from articles.models import MedicalReview, Person


def _header(page):
    header = page[page.index('<header class="article-header">') :]
    return header[: header.index("</header>")]


def test_the_byline_names_the_author_with_their_bio(client, make_article, django_user_model):
    writer = django_user_model.objects.create_user("writer", first_name="Jo", last_name="Writer")
    Person.objects.create(
        user=writer, name="Jo Writer", slug="jo-writer", bio="Health journalist <b>since</b> 2010."
    )
    article = make_article()
    article.publish(article.add_version(title="T", summary="S", body="B", author=writer))
    header = _header(client.get(article.get_absolute_url()).content.decode())
    assert (
        '<p class="byline">By <a class="author-name" rel="author" href="/authors/jo-writer/">'
        "Jo Writer</a>"
    ) in header
    assert "Health journalist &lt;b&gt;since&lt;/b&gt; 2010." in header


def test_a_bio_edited_in_the_admin_shows_at_once(admin_client, make_article, django_user_model):
    writer = django_user_model.objects.create_user("writer", first_name="Jo", last_name="Writer")
    article = make_article()
    article.publish(article.add_version(title="T", summary="S", body="B", author=writer))
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Jo Writer" in _header(page) and "Nurse" not in page
    response = admin_client.post(
        "/admin/articles/person/add/",
        {"user": writer.pk, "name": "Jo Writer", "slug": "jo-writer", "bio": "Nurse and writer."},
    )
    assert response.status_code == 302
    assert "Nurse and writer." in _header(Client().get(article.get_absolute_url()).content.decode())


def test_no_byline_without_an_author_name(client, article):
    assert 'class="byline"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_reviewers_bio_follows_the_review_line(client, article, make_reviewer):
    reviewer = make_reviewer("Amina", "Rahman")
    approve = MedicalReview.Decision.APPROVE
    MedicalReview.sign(article.published_version, reviewer, approve, credentials="MD")
    Person.objects.create(
        user=reviewer, name="Amina Rahman", slug="amina-rahman", bio="Consultant anaesthetist."
    )
    header = _header(client.get(article.get_absolute_url()).content.decode())
    review = header[header.index('<p class="review">') :]
    assert "Amina Rahman, MD" in review and "Consultant anaesthetist." in review
