"""Every kind of page a reader can be shown, rendered with Django's test client and saved
as HTML files, for the checks that read them all: tests/e2e/test_valid_html.py (the W3C
checker) and tests/test_datetime_attributes.py.

A new page is one line in READER_PAGES: a name, an address (formatted with the objects
``build_site`` made: ``{article}``, ``{comment}``, ``{topic}``, ...) and its status. The
refusals are posts, made by the functions in REFUSALS.
"""

import io
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.utils import timezone
from PIL import Image as PillowImage

from articles.images import store_image
from articles.models import Article, ArticleVersion, Person, Tag, Topic
from articles.models.images import snapshot
from comments.forms import make_form_token
from comments.models import Comment

# (name, address, status): the GET pages. The name is the saved file's name.
READER_PAGES = [
    ("front-page", "/", 200),
    ("article-with-images", "/{article.slug}/", 200),
    ("change-log", "/{article.slug}/changes/", 200),
    ("search-with-results", "/search/?q=sleep", 200),
    ("search-without-results", "/search/?q=xylophone", 200),
    ("search-empty", "/search/", 200),
    ("privacy", "/privacy/", 200),
    ("report", "/comments/{comment.pk}/report/", 200),
    ("not-found-404", "/no-such-page-here/", 404),
    ("edit-by-another-browser-403", "/comments/{comment.pk}/edit/", 403),
    ("email-link-invalid", "/comments/emails/confirm/not-a-token/", 400),
    ("topics", "/topics/", 200),
    ("topic", "/topics/{topic.slug}/", 200),
    ("tag", "/tags/{tag.slug}/", 200),
    ("author", "/authors/{person.slug}/", 200),
]


# An instant with six digits of a second, as the database gives them: what a <time>
# element must not print as they are.
WITH_MICROSECONDS = timedelta(microseconds=928063)


@dataclass
class Site:
    article: Article  # two versions (the second a correction), a lead image, body images
    closed: Article  # comments closed
    comment: Comment  # approved, edited, with a reply
    topic: Topic
    tag: Tag
    person: Person


def picture_bytes(kind, size, colour):
    """A real image file made with Pillow."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def _published_article(slug, title, body, when, **fields):
    article = Article.objects.create(slug=slug, **fields)
    version = article.add_version(title=title, summary=f"{title}, in short.", body=body)
    article.publish(version, when=when)
    return article, version


def build_site():
    """Articles, images, comments, a topic, a tag and a person; store images only with
    settings.MEDIA_ROOT pointed at a temporary folder."""
    earlier = timezone.now().replace(microsecond=0) - timedelta(days=3) + WITH_MICROSECONDS
    lead = store_image(
        picture_bytes("JPEG", (1200, 675), (40, 110, 160)),
        name="clinic-garden.jpg",
        alt_text="A quiet garden outside the clinic",
        caption="The garden at the sleep clinic.",
        credit="Photo: the clinic",
    )
    chart = store_image(
        picture_bytes("PNG", (640, 400), (220, 220, 220)),
        name="sleep-chart.png",
        alt_text="A chart of sleep stages through one night",
        caption="Sleep stages in one night.",
    )
    body = (
        "## Why sleep\n\nSleep restores the body.\n\n"
        f"![](image:{chart.pk})\n\n"
        f"![The stages of sleep, charted](image:{lead.pk})\n\n"
        "- **Rest:** it helps.\n- **Memory:** it is kept."
    )
    topic = Topic.objects.create(name="Sleep", slug="sleep")
    tag = Tag.objects.create(name="Insomnia", slug="insomnia")
    person = Person.objects.create(name="Dr Ann Example", slug="ann-example", bio="A GP.")
    article, first = _published_article(
        "sleep-and-health", "Sleep and Health", body, earlier, primary_topic=topic
    )
    article.topics.add(topic)
    article.tags.add(tag)
    images = {"lead": snapshot(lead), str(lead.pk): snapshot(lead), str(chart.pk): snapshot(chart)}
    ArticleVersion.objects.filter(pk=first.pk).update(lead_image=lead, images=images)
    correction = article.add_version(
        title="Sleep and Health",
        summary="Sleep and Health, in short.",
        body=body.replace("restores", "repairs"),
        is_correction=True,
        correction_note="We said sleep restores the body; it repairs it.",
    )
    ArticleVersion.objects.filter(pk=correction.pk).update(lead_image=lead, images=images)
    article.publish(correction, when=earlier + timedelta(days=1))
    article.refresh_from_db()

    comment = Comment(
        article=article,
        article_version_id=article.published_version_id,
        name="Ada Reader",
        email="ada@example.org",
        body="Very clear, thank you.",
        status=Comment.Status.APPROVED,
        created_at=earlier + timedelta(hours=2),
        edited_at=earlier + timedelta(hours=2, minutes=3),
    )
    comment.submit()  # as a posted comment is saved: the page's counts follow
    Comment(
        article=article,
        article_version_id=article.published_version_id,
        parent=comment,
        name="Ben Reader",
        email="ben@example.org",
        body="Agreed: *very* clear.",
        status=Comment.Status.APPROVED,
        created_at=earlier + timedelta(hours=5),
    ).submit()
    closed, _ = _published_article(
        "an-older-article", "An Older Article", "Old news.", earlier, comments_open=False
    )
    return Site(article, closed, comment, topic, tag, person)


def _comment_fields(article, **fields):
    return {
        "body": "Very clear, thank you.",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "website": "",
        "token": make_form_token(article.pk, now=time.time() - 10),
        **fields,
    }


def comment_on_closed_article(client, site):
    return client.post(f"/{site.closed.slug}/comments/", _comment_fields(site.closed)), 403


def form_in_another_charset(client, site):
    response = client.generic(
        "POST",
        f"/{site.article.slug}/comments/",
        "body=Hello&name=Ann&email=ann%40example.org".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    return response, 400


def comment_posted_too_fast(client, site):
    """With settings.COMMENTS_RATE_LIMIT = 1: the second post in a minute is refused."""
    client.post(f"/{site.article.slug}/comments/", _comment_fields(site.article))
    second = _comment_fields(site.article, body="My second thought")
    return client.post(f"/{site.article.slug}/comments/", second), 429


# The refusals readers can meet, each a post: (name, function(client, site) -> (response,
# the status it must have)).
REFUSALS = [
    ("comments-closed-refusal", comment_on_closed_article),
    ("bad-charset-400", form_in_another_charset),
    ("rate-limited-429", comment_posted_too_fast),
]


@dataclass
class RenderedPage:
    name: str
    address: str
    path: Path  # the saved HTML

    @property
    def html(self):
        return self.path.read_text(encoding="utf-8")


def render_pages(site, folder, pages=READER_PAGES, refusals=REFUSALS):
    """Render every page, save each as <folder>/<name>.html; the RenderedPages. Fails, naming
    the page, on a status other than the one expected (it would check the wrong page)."""
    rendered = []

    def save(name, address, response, expected):
        assert response.status_code == expected, (
            f"{name} ({address}) answered {response.status_code}, not {expected}"
        )
        path = Path(folder) / f"{name}.html"
        path.write_bytes(response.content)
        rendered.append(RenderedPage(name, address, path))

    objects = vars(site)
    for name, address, expected in pages:
        address = address.format(**objects)
        save(name, address, Client(raise_request_exception=False).get(address), expected)
    for name, refuse in refusals:
        response, expected = refuse(Client(raise_request_exception=False), site)
        save(name, response.request["PATH_INFO"], response, expected)
    return rendered
