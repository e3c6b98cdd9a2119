"""`manage.py load_demo`: the demo article of `make run` looks like a real one: a byline and
review, a lead image and three figures from the library, topics and tags."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image as Pillow

from articles.models import Article, Image, Rendition, Tag, Topic
from tests.text import visible_text

pytestmark = pytest.mark.django_db

DEMO_URL = "/what-is-ketamine-used-for/"


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def stored_files(settings):
    return sorted(path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def test_the_demo_article_has_a_byline_with_the_writers_bio_and_its_review(client):
    load_demo()

    page = visible_text(client.get(DEMO_URL))

    assert "By Jordan Ellis: Health writer" in page
    assert "Medically reviewed by Alex Morgan, MD, MRCPsych" in page


def test_the_demo_writer_cannot_sign_in_and_a_second_load_changes_nothing(client, settings):
    load_demo()
    files = stored_files(settings)
    counts = (Image.objects.count(), Rendition.objects.count(), Topic.objects.count())
    load_demo()

    assert Article.objects.count() == 1
    assert Article.objects.get().versions.count() == 2
    assert (Image.objects.count(), Rendition.objects.count(), Topic.objects.count()) == counts
    assert stored_files(settings) == files
    writer = get_user_model().objects.get(first_name="Jordan", last_name="Ellis")
    assert not writer.has_usable_password() and not writer.is_staff


def test_the_demo_article_shows_a_lead_image_and_three_described_figures(client, settings):
    load_demo()

    html = client.get(DEMO_URL).content.decode()

    figures = re.findall(r"<figure[^>]*>.*?</figure>", html, re.S)
    assert len(figures) == 4
    assert 'class="lead-image"' in figures[0] and 'fetchpriority="high"' in figures[0]
    assert all('loading="lazy"' in figure for figure in figures[1:])
    for figure in figures:
        assert '<source type="image/avif"' in figure and '<source type="image/webp"' in figure
        alt = re.search(r'<img [^>]*alt="([^"]*)"', figure)[1]
        assert len(alt) > 40  # a real description, not a file name
        assert "Credit: Demo illustration drawn with Pillow" in figure
    text = visible_text(html)
    assert "Ketamine is a small molecule, first made in 1962." in text
    assert "The four medical uses of ketamine this article describes." in text
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html)[1]
    assert og_image.endswith(".jpg")
    # Every file the page names is in MEDIA_ROOT, a real picture of the width it claims.
    for url, width in re.findall(r"(/media/\S+) (\d+)w", html):
        path = settings.MEDIA_ROOT / url.removeprefix("/media/")
        with Pillow.open(path) as picture:
            assert picture.width == int(width)


def test_the_demo_pictures_are_the_same_on_every_machine(settings, tmp_path):
    load_demo()
    hashes = set(Image.objects.values_list("content_hash", flat=True))
    Article.objects.all().delete()
    Image.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "again"

    load_demo()

    assert set(Image.objects.values_list("content_hash", flat=True)) == hashes
    assert len(hashes) == 4


def test_the_demo_article_has_a_primary_topic_in_a_tree_other_topics_and_tags(client):
    load_demo()

    article = Article.objects.get()
    assert article.primary_topic.name == "Depression"
    assert article.primary_topic.parent.name == "Mental health"
    assert {topic.name for topic in article.topics.all()} == {
        "Anaesthetics",
        "Chronic pain",
        "PTSD",
    }
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        "ketamine",
        "esketamine",
        "treatment-resistant-depression",
    }
    page = client.get(DEMO_URL).content.decode()
    crumbs = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    assert any("BreadcrumbList" in json.dumps(block) for block in crumbs)
    for address in ("/topics/depression/", "/topics/mental-health/", "/tags/ketamine/"):
        assert "What is Ketamine Used For?" in visible_text(client.get(address)), address
    assert "Medicines" in visible_text(client.get("/topics/"))
