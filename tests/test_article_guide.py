"""What helps a reader find their way in an article: reading time, "In this article",
the comment count with a jump to the comments, and the search box in every header."""

from django.test import Client

LONG_BODY = (
    "## Why **sleep** matters\n\n"
    + "word " * 450
    + "\n\n## How much sleep\n\nSeven hours.\n\n## Why sleep matters\n\nAgain.\n"
)


def _header(page):
    header = page[page.index('<header class="article-header">') :]
    return header[: header.index("</header>")]


def test_the_article_shows_its_reading_time(client, make_article):
    article = make_article(body=LONG_BODY)
    page = client.get(article.get_absolute_url()).content.decode()
    # 460 words at 200 a minute.
    assert "3 min read" in _header(page)
    short = make_article()
    assert "1 min read" in _header(client.get(short.get_absolute_url()).content.decode())


def test_in_this_article_lists_the_sections_with_their_anchors(client, make_article):
    article = make_article(body=LONG_BODY)
    page = client.get(article.get_absolute_url()).content.decode()
    contents = page[page.index('<details class="toc"') :]
    contents = contents[: contents.index("</details>")]
    assert "<summary>In this article</summary>" in contents
    assert '<a href="#why-sleep-matters">Why sleep matters</a>' in contents
    assert '<a href="#how-much-sleep">How much sleep</a>' in contents
    assert '<a href="#why-sleep-matters-2">Why sleep matters</a>' in contents
    # The anchors are those of the headings in the text.
    for anchor in ("why-sleep-matters", "how-much-sleep", "why-sleep-matters-2"):
        assert f'<h2 id="{anchor}">' in page


def test_an_article_without_sections_has_no_contents(client, make_article):
    article = make_article(body="Just one paragraph.")
    assert 'class="toc"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_comment_count_and_jump_link_are_next_to_the_title(client, article, make_comment):
    header = _header(client.get(article.get_absolute_url()).content.decode())
    assert "No comments yet" in header
    assert '<a href="#comments">Jump to comments</a>' in header
    make_comment(article)
    header = _header(Client().get(article.get_absolute_url()).content.decode())
    assert "1 comment ·" in header
    parent = make_comment(article)
    make_comment(article, status="pending")
    header = _header(Client().get(article.get_absolute_url()).content.decode())
    assert "2 comments ·" in header
    # As the thread counts them: a reply under a hidden comment is not shown.
    make_comment(article, parent=parent)
    parent.remove()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "1 comment ·" in _header(page)
    assert '<h2 id="comments-title">1 Response</h2>' in page


def test_every_page_has_a_search_box_in_its_header(client, article):
    for url in ("/", article.get_absolute_url(), "/privacy/"):
        page = client.get(url).content.decode()
        header = page[page.index('<header class="site-header">') : page.index("</header>")]
        assert '<form class="site-search" role="search" action="/search/" method="get">' in header
        assert '<input type="search" name="q"' in header
        assert 'aria-label="Search articles"' in header
