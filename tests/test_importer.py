import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleVersion

from .conftest import FIXTURES, SHARED

SEED = SHARED / "seed-article.txt"


def test_import_creates_a_draft_by_default(db, client):
    call_command("import_article", str(FIXTURES / "small-article.txt"))
    article = Article.objects.get(slug="sleep-and-health")
    version = article.versions.get()
    assert version.title == "Sleep and Health"
    assert version.summary == "Why sleep matters to body and mind."
    assert article.published_version is None
    assert client.get("/sleep-and-health/").status_code == 404


def test_import_turns_headings_and_bullets_into_markdown(db):
    call_command("import_article", str(FIXTURES / "small-article.txt"), "--publish")
    version = ArticleVersion.objects.get()
    assert "## The Basics" in version.body
    assert "- **Rest:** the body repairs itself." in version.body
    assert "<h2" in version.body_html
    assert "<ul>" in version.body_html


def test_the_comment_form_block_is_not_imported(db):
    call_command("import_article", str(FIXTURES / "small-article.txt"), "--publish")
    body = ArticleVersion.objects.get().body
    assert "Leave a Reply" not in body
    assert "will not be published" not in body


def test_importing_again_adds_a_version(db):
    path = str(FIXTURES / "small-article.txt")
    call_command("import_article", path, "--publish")
    call_command("import_article", path)
    article = Article.objects.get()
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]
    assert article.published_version.number == 1


@pytest.mark.skipif(not SEED.exists(), reason=f"{SEED} is not there (CI puts ../shared beside us)")
def test_seed_article_page_shows_its_sections_and_lists(db, client):
    call_command("import_article", str(SEED), "--publish")
    page = client.get("/what-is-ketamine-used-for/").content.decode()
    assert "<h1>What is Ketamine Used For?</h1>" in page
    headings = [
        "Introduction to Ketamine",
        "Medical Uses of Ketamine",
        "How Ketamine Works",
        "Case Studies and Examples",
        "Statistics on Ketamine Efficacy",
        "Potential Risks and Side Effects",
        "Conclusion",
    ]
    body = page.split('<div class="article-body">')[1].split("</article>")[0]
    assert body.count("<h2 ") == 7
    for heading in headings:
        assert f">{heading}</h2>" in body
    assert body.count("<ul>") == 4
    assert "Leave a Reply" not in body


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "the file is empty"),
        ("binary.bin", "looks binary"),
        ("latin1.txt", "not UTF-8"),
        ("missing.txt", "cannot read"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_nothing_saved(db, name, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_article", str(FIXTURES / name), "--publish")
    assert "\n" not in str(error.value)
    assert not Article.objects.exists()


def test_bad_input_exits_with_code_1(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(empty)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "the file is empty" in result.stderr


def test_publish_is_refused_for_an_article_the_import_did_not_create(make_article, client):
    # An article by another hand whose slug is the one the text's title gives.
    existing = make_article(slug="sleep-and-health", body="Words an editor published.")
    with pytest.raises(CommandError, match="already an article") as error:
        call_command("import_article", str(FIXTURES / "small-article.txt"), "--publish")
    assert "\n" not in str(error.value)
    existing.refresh_from_db()
    assert existing.versions.count() == 1
    assert existing.published_version.number == 1
    assert "Words an editor published." in client.get("/sleep-and-health/").content.decode()


def test_without_publish_the_text_becomes_a_draft_of_the_existing_article(make_article, client):
    existing = make_article(slug="sleep-and-health", body="Words an editor published.")
    out = io.StringIO()
    call_command("import_article", str(FIXTURES / "small-article.txt"), stdout=out)
    assert "Updated /sleep-and-health/: version 2 saved as a draft." in out.getvalue()
    existing.refresh_from_db()
    assert existing.published_version.number == 1
    assert "Words an editor published." in client.get("/sleep-and-health/").content.decode()


@pytest.mark.skipif(not SEED.exists(), reason=f"{SEED} is not there (CI puts ../shared beside us)")
def test_the_readme_example_leaves_the_reviewed_demo_article_as_it_is(db, client):
    call_command("load_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="/what-is-ketamine-used-for/ is already an article"):
        call_command("import_article", str(SEED), "--publish")
    demo = Article.objects.get(slug="what-is-ketamine-used-for")
    assert demo.versions.count() == 2
    assert demo.published_version.number == 2
    assert "Medically reviewed by" in client.get(demo.get_absolute_url()).content.decode()
