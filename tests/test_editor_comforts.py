"""Editor comforts in the article editor (issue 21, item 7): the preview's blocks carry their
line in the text (and readers' pages never do), the Markdown help beside the editor shows
only what the site renders, and a version's preview leads back to the editor.

The preview following the caret in a browser: tests/e2e/test_back_office.py."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from PIL import Image as Pillow

from articles.images import store_image
from articles.markup import library_image_ids, render_key_takeaways, render_markdown
from tests.article_form import change_url

pytestmark = pytest.mark.django_db

BODY = (
    "First paragraph.\n"
    "\n"
    "## A heading\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "Third paragraph,\n"
    "on two lines.[^1]\n"
    "\n"
    "[^1]: A source, https://example.org/source\n"
)
PREVIEW_URL = "/admin/articles/article/preview/"


def source_lines(html):
    """(tag, data-source-line) of each marked element, in the order of the page."""
    return re.findall(r'<(\w+)[^>]*\sdata-source-line="(\d+)"', html)


def test_the_editors_preview_marks_each_block_with_its_first_line_in_the_text(editor_client):
    response = editor_client.post(PREVIEW_URL, {"title": "T", "summary": "S", "body": BODY})

    assert response.status_code == 200
    assert source_lines(response.content.decode()) == [
        ("p", "0"),
        ("h2", "2"),
        ("ul", "4"),
        ("li", "4"),
        ("li", "5"),
        ("p", "7"),
        ("p", "10"),  # the reference, listed at the end, is on line 10 of the text
    ]


def test_the_preview_of_the_latest_version_is_marked_too(editor_client, make_article):
    article = make_article(body=BODY)

    response = editor_client.get(PREVIEW_URL, {"article": article.pk})

    assert ("p", "7") in source_lines(response.content.decode())


def test_readers_never_get_the_preview_line_marks(client, make_article):
    article = make_article(body=BODY)
    version = article.published_version

    assert "data-source-line" not in version.body_html
    assert "data-source-line" not in client.get(f"/{article.slug}/").content.decode()
    # Nor from an editor who types the attribute into the text.
    typed = render_markdown('<p data-source-line="3">Hello</p>')
    assert "data-source-line" not in typed and "Hello" in typed


def test_a_line_mark_is_only_ever_a_number(editor_client):
    body = '<p data-source-line="1 onmouseover=alert(1)">Hi</p>\n\nText.'
    html = editor_client.post(PREVIEW_URL, {"body": body}).content.decode()

    assert "onmouseover" not in html
    assert source_lines(html) == [("p", "2")]


def test_a_library_figure_in_the_preview_carries_its_line(settings, tmp_path, editor_client):
    settings.MEDIA_ROOT = tmp_path
    settings.IMAGES_WIDTHS = [320]
    buffer = io.BytesIO()
    Pillow.new("RGB", (640, 400), (20, 90, 160)).save(buffer, "JPEG")
    image = store_image(buffer.getvalue(), name="lungs.jpg", alt_text="The lungs")

    html = editor_client.post(
        PREVIEW_URL, {"body": f"Before.\n\n![](image:{image.pk})\n\nAfter."}
    ).content.decode()

    assert source_lines(html) == [("p", "0"), ("figure", "2"), ("p", "4")]


def help_examples(page):
    """{what each example of the Markdown help should render: its Markdown}."""
    panel = re.search(r'<details class="markdown-help">.*?</details>', page, re.S)
    assert panel, "no Markdown help on the page"
    return {
        renders: unescape(code)
        for renders, code in re.findall(
            r'<pre class="markdown-example" data-renders="([\w.]+)"><code>(.*?)</code></pre>',
            panel.group(0),
            re.S,
        )
    }


def test_the_markdown_help_beside_the_editor_shows_what_the_site_renders(editor_client, article):
    page = editor_client.get(change_url(article)).content.decode()

    examples = help_examples(page)
    assert "<summary>Markdown help</summary>" in page
    assert set(examples) >= {"h2", "ul", "a", "em", "section.references", "image", "takeaways"}
    for renders, source in examples.items():
        if renders == "image":
            assert library_image_ids(source) == [42]
        elif renders == "takeaways":
            assert render_key_takeaways(source).count("<li>") == 2
        elif renders == "section.references":
            html = render_markdown(source)
            assert '<section class="references"' in html and 'href="https://www.nhs.uk/"' in html
        else:
            assert f"<{renders}" in render_markdown(source), source


def test_the_markdown_help_is_on_a_new_article_too(editor_client):
    page = editor_client.get("/admin/articles/article/add/").content.decode()

    assert help_examples(page)


def test_a_version_preview_leads_back_to_the_editor(editor_client, article):
    page = editor_client.get(
        reverse("articles:preview", kwargs={"slug": article.slug, "number": 1})
    ).content.decode()

    back = f'<a href="{change_url(article)}">Back to the editor</a>'
    assert back in page


def test_a_reviewers_version_preview_leads_back_to_the_review(reviewer_client, article):
    page = reviewer_client.get(
        reverse("articles:preview", kwargs={"slug": article.slug, "number": 1})
    ).content.decode()

    review = reverse("admin:articles_article_review", args=[article.pk, 1])
    assert f'<a href="{review}">Back to the review of version 1</a>' in page
    assert "Back to the editor" not in page


def test_readers_see_no_way_into_the_editor(client, article):
    page = client.get(f"/{article.slug}/").content.decode()

    assert "Back to the editor" not in page and change_url(article) not in page
