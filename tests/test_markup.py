import pytest

from articles.markup import render_markdown


def test_script_tags_event_handlers_and_javascript_urls_are_removed(article):
    version = article.add_version(
        title="Unsafe",
        summary="Unsafe",
        body=(
            "Hello <script>alert('x')</script>\n\n"
            '<img src="a.png" alt="A chart" onerror="alert(1)">\n\n'
            '[click](javascript:alert(1)) <a href="javascript:alert(2)">there</a>\n\n'
            '<iframe src="https://example.org"></iframe><p onclick="x()">para</p>'
        ),
    )
    html = version.body_html
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'href="javascript' not in html
    assert "<a>there</a>" in html
    assert "<iframe" not in html
    assert '<img src="a.png" alt="A chart">' in html


def test_markdown_features_that_articles_use_are_kept():
    html = render_markdown(
        "## Section\n\nSome *emphasis* and **strong** and `code`.\n\n"
        "> quoted\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert '<h2 id="section">Section</h2>' in html
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert "<blockquote>" in html
    assert "<ol>" in html
    assert "<table>" in html


def test_external_links_get_noopener():
    html = render_markdown("[a site](https://example.org/page) and [local](/other/)")
    assert '<a href="https://example.org/page" rel="noopener">a site</a>' in html
    assert '<a href="/other/">local</a>' in html


def test_each_h2_section_is_wrapped_and_labelled():
    html = render_markdown("Lead.\n\n## One\n\nA.\n\n## One\n\nB.")
    assert html.count("<section") == 2
    assert html.count("</section>") == 2
    assert 'aria-labelledby="one-2"' in html


def test_body_html_is_rendered_once_at_save(article):
    version = article.published_version
    assert "<h2" in version.body_html
    with pytest.raises(ValueError, match="immutable"):
        version.save()
