"""Moving from WordPress: `manage.py import_wordpress EXPORT.xml` (comments/wordpress/).

tests/fixtures/wordpress.xml is a WXR 1.2 export written by hand in WordPress's shape: posts
in each status, a page, comments in every status, a thread four deep with a staff reply, a
pingback, non-ASCII names and slugs, block comments, a [caption] and an attachment.
"""

import hashlib
import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, LegacyAddress
from comments.models import Comment
from comments.wordpress.content import post_body_markdown

from .conftest import FIXTURES

WXR = FIXTURES / "wordpress.xml"
EMAILS = [
    "jose.mueller@mail.example.net",
    "hannah.berg@old.example.org",
    "zoe.odegaard@mail.example.net",
    "priya@mail.example.net",
    "sales@spam.example.com",
    "rude@mail.example.net",
    "ann.obrien@mail.example.net",
    "mei.chen@mail.example.net",
]


def run_import(*arguments, source=WXR):
    """Run the command, attachments left out (tests/test_wordpress_media.py imports them from
    a server on 127.0.0.1: these never reach the fixture's made-up site); return what it
    printed."""
    out = io.StringIO()
    call_command("import_wordpress", str(source), "--no-media", *arguments, stdout=out)
    return out.getvalue()


def write_export(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fixture_text():
    return WXR.read_text(encoding="utf-8")


def comment(wordpress_id):
    return Comment.objects.get(wordpress_id=wordpress_id)


# What is imported ------------------------------------------------------------------------


@pytest.mark.django_db
def test_posts_become_articles_in_the_status_readers_should_see(client):
    run_import()

    vitamin = Article.objects.get(slug="vitamin-d-evidence")
    assert vitamin.is_live
    assert vitamin.publish_at == datetime(2019, 4, 1, 22, 30, tzinfo=UTC)  # wp:post_date_gmt
    assert vitamin.published_version.title == "Vitamin D: what the evidence says"
    page = client.get("/vitamin-d-evidence/").content.decode()
    assert "Vitamin D: what the evidence says" in page

    scheduled = Article.objects.get(slug="flu-season-2099")
    assert not scheduled.is_live
    assert scheduled.publish_at == datetime(2099, 10, 1, 6, 0, tzinfo=UTC)
    assert client.get("/flu-season-2099/").status_code == 404

    # WordPress's draft, pending and private posts.
    for slug in ("draft-iron-and-fatigue", "allergy-myths", "staff-notes"):
        draft = Article.objects.get(slug=slug)
        assert draft.published_version is None and draft.versions.count() == 1
        assert client.get(f"/{slug}/").status_code == 404
    front_page = client.get("/").content.decode()
    assert "Sleep hygiene basics" in front_page and "iron and fatigue" not in front_page

    # The page and the attachment are left out without --include-pages.
    assert not Article.objects.filter(slug__in=["about", "sunlight"]).exists()
    assert Article.objects.count() == 7


@pytest.mark.django_db
def test_a_wxr_1_1_export_is_read_like_a_1_2_one(tmp_path):
    text = fixture_text().replace("/export/1.2/", "/export/1.1/")
    text = text.replace("<wp:wxr_version>1.2<", "<wp:wxr_version>1.1<")
    run_import(source=write_export(tmp_path, text))
    version = Article.objects.get(slug="vitamin-d-evidence").published_version
    assert version.summary.startswith("Who should take vitamin D")  # excerpt:encoded
    assert "## Who needs a supplement" in version.body  # content:encoded
    assert Comment.objects.count() == 9


@pytest.mark.django_db
def test_pages_are_imported_with_include_pages(client):
    run_import("--include-pages")
    about = Article.objects.get(slug="about")
    assert about.is_live
    assert about.published_version.title == "About us"
    assert not Article.objects.filter(slug="sunlight").exists()  # an attachment never is


@pytest.mark.django_db
def test_wordpress_html_becomes_markdown_with_headings_lists_links_and_images():
    run_import()
    version = Article.objects.get(slug="vitamin-d-evidence").published_version

    body = version.body
    assert "## Who needs a supplement" in body
    assert "### How much is enough" in body
    assert "- Babies who are *breastfed*" in body
    assert "[best review](https://example.org/review)" in body
    assert "**vitamin D**" in body
    assert "> Ten micrograms a day is enough for most adults." in body
    # The [caption] shortcode keeps its image (with the alt text) and its caption.
    assert "![Sunlight through a window](https://old.example.org/" in body
    assert "*Ten minutes of midday sun makes most of a day's vitamin D in summer.*" in body
    for left_out in ("wp:paragraph", "<!--", "[caption", "[/caption]", "alert(", "<script"):
        assert left_out not in body
    assert '<h2 id="who-needs-a-supplement">' in version.body_html
    assert "<script" not in version.body_html

    classic = Article.objects.get(slug="sleep-hygiene-basics").published_version
    assert classic.body.startswith("Good sleep starts hours before bed.\n\n")
    assert "## When to see a doctor" in classic.body


def test_media_shortcodes_are_dropped_and_other_bracketed_text_is_kept():
    body = post_body_markdown(
        '<p>The trial [sic] was small.</p>[gallery ids="31,32"]'
        "[embed]https://video.example.org/sleep[/embed]"
    )
    assert body == "The trial [sic] was small.\n\nhttps://video.example.org/sleep"


@pytest.mark.django_db
def test_summary_is_the_excerpt_or_else_the_first_paragraph():
    run_import()
    vitamin = Article.objects.get(slug="vitamin-d-evidence").published_version
    assert vitamin.summary == "Who should take vitamin D, how much, and what the research says."
    sleep = Article.objects.get(slug="sleep-hygiene-basics").published_version
    assert sleep.summary == "Good sleep starts hours before bed."


@pytest.mark.django_db
def test_versions_are_signed_with_the_authors_display_name_who_cannot_sign_in(client):
    run_import()
    author = Article.objects.get(slug="vitamin-d-evidence").published_version.author
    assert author.get_full_name() == "Dr. Hannah Berg"
    assert author.username == "hannah"
    assert not author.is_active and not author.has_usable_password()
    german = Article.objects.get(slug="uber-schlaf").published_version.author
    assert german.get_full_name() == "Tomáš Dvořák"
    assert '"name": "Dr. Hannah Berg"' in client.get("/vitamin-d-evidence/").content.decode()


@pytest.mark.django_db
def test_an_existing_user_with_the_wordpress_login_signs_the_versions(django_user_model):
    editor = django_user_model.objects.create_user("hannah", first_name="Hannah", last_name="B")
    run_import()
    assert Article.objects.get(slug="vitamin-d-evidence").published_version.author == editor


@pytest.mark.django_db
def test_comments_keep_what_moderators_need():
    run_import()
    jose = comment(101)
    assert jose.article.slug == "vitamin-d-evidence"
    assert jose.name == "José Müller"
    assert jose.email == "jose.mueller@mail.example.net"
    assert jose.website == "https://jose.example.net"
    assert jose.ip_address == "203.0.113.7"
    assert jose.created_at == datetime(2019, 4, 3, 8, 15, tzinfo=UTC)  # wp:comment_date_gmt
    assert jose.article_version_id == jose.article.published_version_id
    assert comment(103).ip_address == "2001:db8::17"
    assert comment(103).name == "Zoë Ødegård"
    # What the comment form would refuse is left empty, never stored.
    ann = comment(109)
    assert ann.website == "" and ann.ip_address is None


@pytest.mark.django_db
def test_each_wordpress_comment_status_maps_to_a_moderation_status():
    run_import()
    assert comment(101).status == Comment.Status.APPROVED  # 1
    assert comment(105).status == Comment.Status.PENDING  # 0
    assert comment(106).status == Comment.Status.SPAM  # spam
    assert comment(107).status == Comment.Status.REMOVED  # trash


@pytest.mark.django_db
def test_a_thread_four_deep_keeps_its_parents():
    run_import()
    chain = [comment(wordpress_id) for wordpress_id in (101, 102, 103, 104)]
    assert [each.depth for each in chain] == [1, 2, 3, 4]
    assert [each.parent_id for each in chain] == [None, chain[0].pk, chain[1].pk, chain[2].pk]


@pytest.mark.django_db
def test_a_reply_deeper_than_the_maximum_follows_the_depth_rule(settings):
    settings.COMMENTS_MAX_DEPTH = 3
    run_import()
    assert comment(103).depth == 3
    assert comment(104).depth == 3
    # A reply to a comment at the deepest level hangs beside it (Comment.save's rule).
    assert comment(104).parent_id == comment(103).parent_id


@pytest.mark.django_db
def test_a_comment_by_a_post_author_is_a_staff_reply(client):
    run_import()
    assert comment(102).is_staff_reply
    assert not comment(101).is_staff_reply
    page = client.get("/vitamin-d-evidence/").content.decode()
    reply = page.split(f'id="comment-{comment(102).pk}"')[1].split("</li>")[0]
    assert '<span class="badge-staff">Staff</span>' in reply


@pytest.mark.django_db
def test_comment_html_becomes_the_text_a_reader_would_have_typed():
    run_import()
    # Paragraphs become blank lines, entities are decoded.
    assert comment(101).body == (
        "Does this apply to children too? My daughter is 4 & rarely outside in winter."
        "\n\nThanks for the clear summary."
    )
    # Links and emphasis stay as the tags a reader may type here; the rest is stripped.
    assert comment(103).body == (
        "Are the drops the same as the <em>adult</em> tablets? I read "
        '<a href="https://example.org/drops">this leaflet</a>.'
    )
    ann = comment(109)
    assert ann.body == (
        "<strong>Very</strong> helpful. I take mine with breakfast <3\n\nFat helps absorption."
    )
    # Rendered exactly as a reader's comment: links marked as user content, "<" escaped.
    assert 'rel="nofollow ugc"' in comment(103).body_html
    assert "breakfast &lt;3</p>" in ann.body_html
    assert "<script" not in ann.body_html and "steal" not in ann.body


@pytest.mark.django_db
def test_pingbacks_are_left_out_and_counted():
    output = run_import()
    assert not Comment.objects.filter(wordpress_id=108).exists()
    assert line_of(output, "pingbacks and trackbacks") == 1


@pytest.mark.django_db
def test_with_pingbacks_keeps_them_marked_as_such(client):
    run_import("--with-pingbacks")
    pingback = comment(108)
    assert pingback.is_pingback and pingback.status == Comment.Status.APPROVED
    assert pingback.email == ""
    page = client.get("/vitamin-d-evidence/").content.decode()
    item = page.split(f'id="comment-{pingback.pk}"')[1].split("</li>")[0]
    assert '<span class="badge-pingback">Pingback</span>' in item
    assert "a useful summary of the vitamin D evidence" in item


@pytest.mark.django_db
def test_closed_comments_stay_closed():
    run_import()
    assert not Article.objects.get(slug="sleep-hygiene-basics").comments_open
    assert Article.objects.get(slug="vitamin-d-evidence").comments_open


@pytest.mark.django_db
def test_a_taken_slug_gets_a_new_one_and_leaves_the_other_article_alone(make_article, client):
    existing = make_article(slug="vitamin-d-evidence", title="Our own vitamin D page")
    run_import()
    imported = LegacyAddress.objects.get(path="/?p=10").article
    assert imported.slug == "vitamin-d-evidence-2"
    assert "Our own vitamin D page" in client.get("/vitamin-d-evidence/").content.decode()
    assert existing.versions.count() == 1


# The summary and --dry-run ---------------------------------------------------------------


def line_of(output, label):
    """The number at the end of the summary line that starts with ``label``."""
    for line in output.splitlines():
        if line.strip().startswith(label):
            return int(line.split()[-1])
    raise AssertionError(f"no line {label!r} in:\n{output}")


@pytest.mark.django_db
def test_the_summary_table_counts_articles_comments_threads_and_addresses():
    output = run_import()
    assert "WordPress import" in output
    assert line_of(output, "published") == 3
    assert line_of(output, "scheduled") == 1
    assert line_of(output, "draft") == 3
    assert line_of(output, "approved") == 6
    assert line_of(output, "pending") == 1
    assert line_of(output, "spam") == 1
    assert line_of(output, "removed") == 1
    assert line_of(output, "conversations with replies") == 1
    assert line_of(output, "replies") == 3
    assert line_of(output, "deepest level") == 4
    assert line_of(output, "staff replies") == 1
    assert line_of(output, "pingbacks and trackbacks") == 1
    assert line_of(output, "items: attachment") == 1
    assert line_of(output, "items: page") == 1
    articles_addresses = LegacyAddress.objects.filter(article__isnull=False)
    assert line_of(output, "Old addresses kept") == articles_addresses.count() == 21
    # The fixture's one category's archive, /category/nutrition/, is counted on a line of its own.
    assert line_of(output, "category and tag addresses kept") == 1
    assert "Imported “Vitamin D: what the evidence says” as /vitamin-d-evidence/" in output


@pytest.mark.django_db
def test_dry_run_says_what_it_would_do_and_saves_nothing(django_user_model):
    output = run_import("--dry-run")
    assert "dry run: nothing was saved" in output
    assert "Would import “Vitamin D: what the evidence says” as /vitamin-d-evidence/" in output
    assert line_of(output, "published") == 3
    assert line_of(output, "approved") == 6
    assert line_of(output, "Old addresses kept") == 21
    assert Article.objects.count() == 0
    assert Comment.objects.count() == 0
    assert LegacyAddress.objects.count() == 0
    assert not django_user_model.objects.exists()


# Running it again ------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_the_same_export_again_imports_nothing_twice_and_says_so():
    run_import()
    counts = (Article.objects.count(), Comment.objects.count(), LegacyAddress.objects.count())
    versions = Article.objects.get(slug="vitamin-d-evidence").versions.count()

    output = run_import()

    assert (Article.objects.count(), Comment.objects.count(), LegacyAddress.objects.count()) == (
        counts
    )
    assert Article.objects.get(slug="vitamin-d-evidence").versions.count() == versions
    assert "Already imported: “Vitamin D: what the evidence says”" in output
    assert line_of(output, "already imported, kept as they are") == 7
    assert line_of(output, "already imported") == 7
    assert line_of(output, "published") == 0
    assert line_of(output, "approved") == 0
    assert line_of(output, "Old addresses kept") == 0


NEW_REPLY = """
		<wp:comment>
			<wp:comment_id>110</wp:comment_id>
			<wp:comment_author><![CDATA[Late Reader]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[late.reader@mail.example.net]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.77]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2026-03-01 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2026-03-01 09:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Thanks, the drops worked for us.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>104</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
	</item>"""


def with_new_reply(text):
    """The fixture as a later export: one more comment on the vitamin D post."""
    return text.replace("\t</item>", NEW_REPLY, 1)


@pytest.mark.django_db
def test_a_later_export_adds_only_its_new_comments_and_the_page_shows_them(client, tmp_path):
    run_import()
    assert "Thanks, the drops worked" not in client.get("/vitamin-d-evidence/").content.decode()
    before = Comment.objects.count()

    output = run_import(source=write_export(tmp_path, with_new_reply(fixture_text())))

    assert Comment.objects.count() == before + 1
    late = comment(110)
    assert late.parent == comment(104) and late.depth == 5
    assert "Added 1 new comment to “Vitamin D: what the evidence says”" in output
    assert line_of(output, "approved") == 1
    assert line_of(output, "already imported") == 7
    # The article's cached page was refreshed after the commit.
    assert "Thanks, the drops worked for us." in client.get("/vitamin-d-evidence/").content.decode()


@pytest.mark.django_db
def test_importing_many_comments_takes_a_fixed_number_of_queries(
    tmp_path, django_assert_max_num_queries
):
    many = "".join(
        NEW_REPLY.replace("</item>", "")
        .replace("<wp:comment_id>110<", f"<wp:comment_id>{1000 + number}<")
        .replace("<wp:comment_parent>104<", "<wp:comment_parent>101<")
        for number in range(200)
    )
    text = fixture_text().replace("\t</item>", many + "\t</item>", 1)
    source = write_export(tmp_path, text)
    # Per article (7 of them): the look-up by id, the slug, the author, the version and its
    # number, publishing, the addresses, one insert per level of the threads, savepoints,
    # the author's person (found, or made) and the byline naming them, the topics and tags
    # (one post has a category) and the thread's stored counts. Never one per comment: the
    # 201 replies are one insert.
    with django_assert_max_num_queries(23 * 7):
        run_import(source=source)
    assert Comment.objects.filter(parent__wordpress_id=101).count() == 201


# Bad files -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_malformed_file_names_the_line_and_the_item_and_keeps_the_articles_before_it(
    tmp_path,
):
    text = fixture_text()
    broken = text.replace("<title><![CDATA[Sleep hygiene basics]]></title>", "<title>Sleep", 1)
    broken_line = broken.splitlines().index("\t\t<title>Sleep") + 1
    item_line = broken_line - 1

    with pytest.raises(CommandError) as error:
        run_import(source=write_export(tmp_path, broken))

    message = str(error.value)
    assert "not well-formed XML" in message
    assert f"in the item that starts on line {item_line}" in message
    assert "Vitamin D: what the evidence says" in message  # the item before it
    assert "run the command again" in message
    # The item before it is complete; nothing of the broken one or after it is saved.
    assert Article.objects.filter(slug="vitamin-d-evidence").exists()
    assert Comment.objects.filter(article__slug="vitamin-d-evidence").count() == 8
    assert not Article.objects.filter(slug="sleep-hygiene-basics").exists()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_row_stops_with_its_item_and_line_and_leaves_no_half_imported_article(
    tmp_path,
):
    text = fixture_text().replace(
        "<wp:comment_date_gmt><![CDATA[2020-01-16 20:00:00]]>",
        "<wp:comment_date_gmt><![CDATA[2020-13-45 20:00:00]]>",
    )
    bad_line = next(
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if "<wp:comment_id>201<" in line
    )

    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(write_export(tmp_path, text)), stdout=out)

    message = str(error.value)
    assert "item “Sleep hygiene basics” (wp:post_id 11" in message
    assert f"wp:comment 201 on line {bad_line - 1}" in message
    assert "“2020-13-45 20:00:00” is not a date" in message
    assert not Article.objects.filter(slug="sleep-hygiene-basics").exists()
    assert not LegacyAddress.objects.filter(path="/?p=11").exists()
    assert not Comment.objects.filter(wordpress_id=201).exists()
    assert Article.objects.filter(slug="vitamin-d-evidence").exists()
    # The summary printed before the message counts what was saved, and only that.
    assert line_of(out.getvalue(), "published") == 1
    assert line_of(out.getvalue(), "approved") == 5  # the vitamin D post's; not Mei Chen's

    # Corrected, the same command finishes the job without importing anything twice.
    run_import()
    assert Article.objects.filter(slug="sleep-hygiene-basics").exists()
    assert Comment.objects.filter(wordpress_id=101).count() == 1


@pytest.mark.django_db
def test_a_file_that_is_not_a_wordpress_export_is_refused(tmp_path):
    source = write_export(tmp_path, '<?xml version="1.0"?><rss><channel></channel></rss>')
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(source=source)


@pytest.mark.django_db
def test_entities_are_never_expanded_nor_fetched(tmp_path):
    bomb = fixture_text().replace(
        "<rss ",
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<rss ',
        1,
    )
    with pytest.raises(CommandError, match="DOCTYPE"):
        run_import(source=write_export(tmp_path, bomb))
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="cannot read /nowhere/export.xml"):
        run_import(source="/nowhere/export.xml")


# Old addresses ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old_address", "new_address"),
    [
        ("/?p=10", "/vitamin-d-evidence/"),
        ("/?page_id=20", "/about/"),
        ("/?p=20", "/about/"),
        # WordPress dates permalinks by the site's local time, not GMT.
        ("/2019/04/02/vitamin-d-evidence/", "/vitamin-d-evidence/"),
        ("/2019/04/vitamin-d-evidence/", "/vitamin-d-evidence/"),
        ("/2021/06/01/%C3%BCber-schlaf/", "/uber-schlaf/"),
        ("/%C3%BCber-schlaf/", "/uber-schlaf/"),
    ],
)
def test_old_wordpress_addresses_answer_301_to_the_new_one(client, old_address, new_address):
    run_import("--include-pages")
    response = client.get(old_address)
    assert response.status_code == 301
    assert response["Location"] == new_address


@pytest.mark.django_db
def test_an_old_slug_follows_the_article_to_its_current_address(client):
    run_import()
    article = Article.objects.get(slug="vitamin-d-evidence")
    article.slug = "vitamin-d-what-we-know"
    article.save()

    for old_address in ("/vitamin-d-evidence/", "/?p=10", "/2019/04/02/vitamin-d-evidence/"):
        response = client.get(old_address)
        assert response.status_code == 301
        assert response["Location"] == "/vitamin-d-what-we-know/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/?p=13",  # a draft
        "/?p=12",  # scheduled for 2099
        "/2099/10/01/flu-season-2099/",
        "/staff-notes/",  # private on WordPress
        "/?p=999",
        "/2019/04/02/no-such-post/",
        "/%C3%A9t%C3%A9/",
    ],
)
def test_old_addresses_of_unpublished_or_unknown_posts_are_not_found(client, address):
    run_import()
    assert client.get(address).status_code == 404


@pytest.mark.django_db
def test_the_front_page_is_unchanged_without_an_old_id(client):
    run_import()
    assert client.get("/?p=abc").status_code == 200
    assert client.get("/?page=1").status_code == 200


# Privacy ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_imported_emails_never_show_on_a_public_page(client):
    run_import("--with-pingbacks", "--include-pages")
    Comment.objects.filter(status=Comment.Status.PENDING).update(status=Comment.Status.APPROVED)
    pages = [
        "/",
        "/vitamin-d-evidence/",
        f"/vitamin-d-evidence/?replyto={comment(101).pk}",
        "/vitamin-d-evidence/changes/",
        "/vitamin-d-evidence/comments/feed/",
        "/sleep-hygiene-basics/",
        "/sleep-hygiene-basics/comments/feed/",
        "/feed/rss/",
        "/feed/atom/",
        "/search/?q=vitamin",
        "/sitemap.xml",
    ]
    secrets = []
    for email in EMAILS:
        secrets += [email, hashlib.md5(email.encode()).hexdigest()]  # noqa: S324 (Gravatar's)
        secrets += [hashlib.sha256(email.encode()).hexdigest()]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, f"{secret} on {address}"
