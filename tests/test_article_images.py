"""Images in articles: the lead image and figures of a version, kept as they were published,
on the page, in its head, its structured data and the feeds, and in the change log."""

import io
import json
import re
from xml.etree import ElementTree

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as Pillow

from articles.diff import image_changes
from articles.images import store_image
from articles.markup import render_markdown
from articles.models import Article, ArticleVersion, Image
from tests.article_form import change_url, edit


def picture_bytes(width=1400, height=900, colour=(200, 80, 40), kind="JPEG"):
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), colour).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def library(settings, tmp_path, db):
    """Store real images in a media folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGES_WIDTHS = [320, 640, 1280]

    def store(colour=(200, 80, 40), **details):
        details.setdefault("alt_text", "A doctor listening to a patient's chest")
        return store_image(picture_bytes(colour=colour), name="clinic.jpg", **details)

    return store


@pytest.fixture
def illustrated(library):
    """A published article with a lead image and one figure in its body."""
    lead = library(caption="At the clinic.", credit="Ana Ruiz", licence="CC BY 4.0")
    diagram = library(colour=(20, 90, 160), alt_text="The lungs, from the front", caption="Lungs.")
    article = Article.objects.create(slug="breathing")
    version = article.add_version(
        title="Breathing well",
        summary="How the lungs work.",
        body=f"## How\n\nThe lungs fill.\n\n![](image:{diagram.pk})\n\nThen they empty.",
        lead_image=lead,
    )
    article.publish(version)
    article.refresh_from_db()
    return article, lead, diagram


def test_a_new_version_keeps_snapshots_of_its_lead_and_body_images(illustrated):
    article, lead, diagram = illustrated
    images = article.published_version.images
    assert set(images) == {"lead", str(diagram.pk)}
    assert images["lead"]["alt"] == "A doctor listening to a patient's chest"
    assert images["lead"]["credit"] == "Ana Ruiz"
    assert images[str(diagram.pk)]["alt"] == "The lungs, from the front"
    assert {source["type"] for source in images["lead"]["sources"]} == {
        "image/avif",
        "image/webp",
    }


def test_a_published_version_keeps_the_alt_text_it_was_published_with(illustrated, client):
    article, lead, diagram = illustrated
    Image.objects.filter(pk=diagram.pk).update(alt_text="Changed later")
    Image.objects.filter(pk=lead.pk).update(alt_text="Also changed")
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="The lungs, from the front"' in page
    assert "A doctor listening to a patient&#x27;s chest" in page
    assert "Changed later" not in page and "Also changed" not in page


def test_snapshots_are_read_in_two_queries_however_many_images(library, django_assert_num_queries):
    ids = [library(colour=(index * 40, 10, 10)).pk for index in range(4)]
    body = "\n\n".join(f"![](image:{pk})" for pk in ids)
    with django_assert_num_queries(2):
        images = ArticleVersion.snapshot_images(ids[0], body)
    assert set(images) == {"lead", *map(str, ids)}


def test_a_body_image_renders_as_a_figure_with_caption_credit_and_licence(library):
    image = library(caption="A chest X-ray.", credit="NHS", licence="OGL")
    snapshots = ArticleVersion.snapshot_images(None, f"![](image:{image.pk})")
    html = render_markdown(f"Before.\n\n![](image:{image.pk})\n\nAfter.", snapshots)
    figure = re.search(r"<figure>.*</figure>", html, re.S).group(0)
    assert "<p><figure>" not in html
    assert '<source type="image/avif" srcset="/media/renditions/' in figure
    assert 'loading="lazy"' in figure and 'width="1400" height="900"' in figure
    assert "fetchpriority" not in figure
    assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in figure
    assert (
        "<figcaption>A chest X-ray. <small>Credit: NHS, licence: OGL</small></figcaption>" in html
    )


def test_the_alt_in_brackets_is_used_in_that_place(library):
    image = library()
    html = render_markdown(
        f"![The same chest, later](image:{image.pk})",
        ArticleVersion.snapshot_images(None, f"![](image:{image.pk})"),
    )
    assert 'alt="The same chest, later"' in html


def test_a_decorative_image_has_empty_alt_and_no_caption(library):
    image = library(alt_text="", decorative=True)
    html = render_markdown(
        f"![](image:{image.pk})", ArticleVersion.snapshot_images(None, f"![](image:{image.pk})")
    )
    assert 'alt=""' in html and "<figcaption" not in html


def test_an_unknown_image_renders_as_nothing(db):
    html = render_markdown("Text.\n\n![A chart](image:999)\n\nMore, ![x](image:998) here.")
    assert "image:" not in html and "<img" not in html and "A chart" not in html
    assert "<p>Text.</p>" in html


def test_an_image_inside_a_sentence_is_a_picture_without_figure(library):
    image = library()
    source = f"See ![a chest](image:{image.pk}) here."
    html = render_markdown(source, ArticleVersion.snapshot_images(None, source))
    assert "<figure" not in html and "<p>See <picture>" in html


def test_the_sanitiser_keeps_picture_markup_but_not_hostile_srcsets(db):
    html = render_markdown(
        '<picture><source type="image/webp" srcset="javascript:alert(1) 1w">'
        '<img src="/media/a.jpg" srcset="/media/a.jpg 320w" onerror="alert(1)" '
        'fetchpriority="high" class="x"></picture>'
    )
    assert "javascript" not in html and "onerror" not in html
    assert "fetchpriority" not in html and "class" not in html
    assert 'srcset="/media/a.jpg 320w"' in html


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_article_page_asks_no_more_queries_with_images(
    illustrated, make_article, client, django_assert_max_num_queries
):
    article, _lead, _diagram = illustrated
    without_images = queries_of(client, make_article().get_absolute_url())
    with django_assert_max_num_queries(without_images):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count("<picture>") == 2


def test_the_lead_image_tops_the_article_eager_with_its_caption(illustrated, client):
    article, lead, _diagram = illustrated
    page = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="lead-image">.*?</figure>', page, re.S).group(0)
    assert 'fetchpriority="high"' in figure and 'loading="lazy"' not in figure
    assert '<source type="image/avif"' in figure and '<source type="image/webp"' in figure
    assert 'width="1400" height="900"' in figure
    assert "At the clinic. <small>Credit: Ana Ruiz, licence: CC BY 4.0</small>" in figure
    body = page.split('<div class="article-body">')[1]
    assert 'loading="lazy"' in body and "fetchpriority" not in body
    assert page.count('fetchpriority="high"') == 1


def test_sharing_tags_and_structured_data_name_the_lead_image(illustrated, client, settings):
    article, _lead, _diagram = illustrated
    page = client.get(article.get_absolute_url()).content.decode()
    shared = article.published_version.shared_image
    assert shared["url"].startswith(settings.SITE_URL + "/media/renditions/")
    # The largest rendition: IMAGES_WIDTHS stops at 1280, so a 1400-pixel original is
    # shared at 1280 (articles/images.rendition_widths).
    assert shared["width"] == 1280 and shared["height"] == 823
    assert f'<meta property="og:image" content="{shared["url"]}">' in page
    assert f'<meta name="twitter:image" content="{shared["url"]}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["image"] == {
        "@type": "ImageObject",
        "url": shared["url"],
        "width": 1280,
        "height": 823,
    }


def test_an_article_without_image_keeps_the_small_card(article, client):
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta name="twitter:card" content="summary">' in page
    assert "og:image" not in page and '"image"' not in page


def test_the_feeds_carry_the_lead_image(illustrated, client):
    article, _lead, _diagram = illustrated
    shared = article.published_version.shared_image
    for name in ("articles:rss", "articles:atom"):
        feed = ElementTree.fromstring(client.get(reverse(name)).content)  # noqa: S314 - ours
        content = feed.find(".//{http://search.yahoo.com/mrss/}content")
        assert content is not None, name
        assert content.attrib == {
            "url": shared["url"],
            "type": "image/jpeg",
            "medium": "image",
            "width": "1280",
            "height": "823",
        }


def test_the_change_log_tells_a_changed_alt_text_and_caption(illustrated, client):
    article, lead, _diagram = illustrated
    Image.objects.filter(pk=lead.pk).update(alt_text="A nurse at the clinic", caption="")
    newer = article.add_version(
        title="Breathing well",
        summary="How the lungs work.",
        body=article.published_version.body,
        lead_image=lead,
        change_note="Better alt text.",
    )
    article.publish(newer)
    page = client.get(reverse("articles:changes", args=[article.slug])).content.decode()
    assert (
        "Lead image: alt text changed from “A doctor listening to a patient&#x27;s chest” to "
        "“A nurse at the clinic”; caption changed from “At the clinic.” to none."
    ) in page
    assert "The words did not change" not in page


def test_a_replaced_lead_image_is_told_in_words(illustrated, library):
    article, lead, _diagram = illustrated
    other = library(colour=(0, 200, 0), alt_text="A pharmacist")
    newer = article.add_version(
        title="Breathing well", summary="How.", body="Text.", lead_image=other
    )
    assert image_changes(article.published_version.images, newer.images) == [
        "Lead image replaced: “A doctor listening to a patient's chest” by “A pharmacist”.",
        "Image removed from the text: “The lungs, from the front”.",
    ]


def test_reverting_shows_the_images_as_the_old_version_showed_them(illustrated):
    article, lead, _diagram = illustrated
    first = article.published_version
    Image.objects.filter(pk=lead.pk).update(alt_text="Changed since")
    copy = article.revert_to(first)
    assert copy.images == first.images and copy.lead_image_id == lead.pk


def test_the_editor_chooses_a_lead_image_and_inserts_library_images(illustrated, editor_client):
    article, lead, diagram = illustrated
    form = editor_client.get(change_url(article)).content.decode()
    assert f'<option value="{lead.pk}" selected>{lead.pk}: clinic (A doctor' in form
    assert f"<code>image:{diagram.pk}</code>" in form  # without JavaScript, the id to type
    assert f'data-image-id="{diagram.pk}" hidden>Insert' in form
    assert "admin-extra/image-picker.js" in form

    response = editor_client.post(
        change_url(article),
        edit(article, body=f"![A closer look](image:{lead.pk})", lead_image=str(diagram.pk)),
    )
    assert response.status_code == 302
    latest = article.latest_version()
    assert latest.lead_image_id == diagram.pk
    assert set(latest.images) == {"lead", str(lead.pk)}
    assert 'alt="A closer look"' in latest.body_html


def test_the_form_refuses_an_image_the_library_does_not_have(illustrated, editor_client):
    article, _lead, _diagram = illustrated
    response = editor_client.post(change_url(article), edit(article, body="![](image:4242)"))
    assert response.status_code == 200
    assert "There is no image 4242 in the library." in response.content.decode()
    assert article.versions.count() == 1


def test_saving_after_a_library_change_makes_a_version_that_shows_it(illustrated, editor_client):
    article, _lead, diagram = illustrated
    editor_client.post(change_url(article), edit(article))
    assert article.versions.count() == 1  # nothing changed: no version
    Image.objects.filter(pk=diagram.pk).update(caption="The lungs, labelled.")
    editor_client.post(change_url(article), edit(article, button="_publish"))
    article.refresh_from_db()
    assert article.published_version.number == 2
    assert "The lungs, labelled." in article.published_version.body_html
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": 1, "to": 2}
    ).content.decode()
    assert (
        "Image “The lungs, from the front”: caption changed from “Lungs.” to "
        "“The lungs, labelled.”."
    ) in compare


def test_the_text_preview_shows_the_images(illustrated, editor_client):
    article, lead, diagram = illustrated
    preview = editor_client.post(
        reverse("admin:articles_article_text_preview"),
        {"title": "T", "summary": "S", "body": f"![](image:{diagram.pk})", "lead_image": lead.pk},
    ).content.decode()
    assert '<figure class="lead-image">' in preview
    assert 'alt="The lungs, from the front"' in preview
    saved = editor_client.get(
        reverse("admin:articles_article_text_preview"), {"article": article.pk}
    ).content.decode()
    assert saved.count("<picture>") == 2


@pytest.fixture
def searchable_library():
    """The library's admin, searchable (as articles/image_admin.py registers it)."""
    registered = Image in admin.site._registry
    if not registered:
        admin.site.register(Image, search_fields=["title", "alt_text"])
    yield
    if not registered:
        admin.site.unregister(Image)


def test_the_lead_image_is_searched_as_one_types_when_the_library_can_be(
    illustrated, editor_client, admin_client, searchable_library
):
    article, lead, _diagram = illustrated
    form = editor_client.get(change_url(article)).content.decode()
    assert 'class="admin-autocomplete"' in form
    assert f'<option value="{lead.pk}" selected>{lead.pk}: clinic (A doctor' in form
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "articleversion",
            "field_name": "lead_image",
            "term": "clinic",
        },
    ).json()
    # Named as the library's admin names its images (str(Image)).
    assert {"id": str(lead.pk), "text": str(lead)} in found["results"]
