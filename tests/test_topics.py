"""Topics and tags: their pages, the A–Z, breadcrumbs, the front page, feeds, sitemap,
the admin, and the purges of the shared HTTP cache when an article in them changes."""

import json
import re

import pytest

from articles.models import Article, Tag, Topic
from articles.search import excerpt
from articles.views import newest_by_root
from tests.article_form import writers_management_form


@pytest.fixture
def tree(db):
    mental = Topic.objects.create(name="Mental health", slug="mental-health")
    depression = Topic.objects.create(name="Depression", slug="depression", parent=mental)
    sleep = Topic.objects.create(name="Sleep", slug="sleep", description="Rest & recovery.")
    return {"mental": mental, "depression": depression, "sleep": sleep}


def _titles(page):
    return re.findall(r'<h[23]><a href="/[^"]*/">([^<]*)</a></h[23]>', page)


def test_a_topic_page_lists_its_and_its_subtopics_published_articles_newest_first(
    client, make_article, tree
):
    make_article(title="Low mood", primary_topic=tree["depression"])
    other = make_article(title="Talking therapy")
    other.topics.add(tree["mental"])
    make_article(title="Draft on depression", primary_topic=tree["depression"], publish=False)
    make_article(title="About sleep", primary_topic=tree["sleep"])
    page = client.get("/topics/mental-health/").content.decode()
    assert _titles(page) == ["Talking therapy", "Low mood"]
    assert '<a href="/topics/depression/">Depression</a>' in page  # its subtopic
    sub = client.get("/topics/depression/").content.decode()
    assert _titles(sub) == ["Low mood"]
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_a_topic_page_shows_breadcrumbs_and_breadcrumb_json_ld(client, tree):
    page = client.get("/topics/depression/").content.decode()
    assert '<a href="/">Home</a>' in page and '<a href="/topics/mental-health/">Mental health</a>'
    assert '<span aria-current="page">Depression</span>' in page
    data = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    ]
    crumbs = next(item for item in data if item["@type"] == "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home",
        "Mental health",
        "Depression",
    ]
    assert crumbs["itemListElement"][2]["item"] == "http://127.0.0.1:8000/topics/depression/"


def test_an_article_page_has_breadcrumbs_from_its_primary_topic(client, make_article, tree):
    article = make_article(title="Low mood", primary_topic=tree["depression"])
    page = client.get(article.get_absolute_url()).content.decode()
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', page).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", nav) == [
        "Home",
        "Mental health",
        "Depression",
        "Low mood",
    ]
    assert '"@type": "BreadcrumbList"' in page
    tree["mental"].name = "Mind"
    tree["mental"].save()  # the cached page renders afresh with the new name
    assert ">Mind</a>" in client.get(article.get_absolute_url()).content.decode()


def test_topic_and_tag_pages_take_a_fixed_number_of_queries(
    client, make_article, make_comment, tree, settings, django_assert_num_queries
):
    settings.ARTICLES_PER_PAGE = 50
    tag = Tag.objects.create(name="Ketamine", slug="ketamine")
    first = make_article(primary_topic=tree["depression"])
    first.tags.add(tag)
    make_comment(first)
    # The tree, the count, the page (comment counts stored), the next scheduled change.
    with django_assert_num_queries(4):
        client.get("/topics/mental-health/")
    with django_assert_num_queries(4):  # the tag in place of the tree
        client.get("/tags/ketamine/")
    for _ in range(12):
        article = make_article(primary_topic=tree["depression"])
        article.tags.add(tag)
        make_comment(article)
    with django_assert_num_queries(4):
        page = client.get("/topics/mental-health/").content.decode()
    assert page.count("1 comment<") == 13
    with django_assert_num_queries(4):
        assert client.get("/tags/ketamine/").content.decode().count("1 comment<") == 13


def test_topic_pages_are_paginated(client, make_article, tree, settings):
    settings.ARTICLES_PER_PAGE = 2
    for number in range(5):
        make_article(title=f"Sleep {number}", primary_topic=tree["sleep"])
    page = client.get("/topics/sleep/", {"page": 3}).content.decode()
    assert _titles(page) == ["Sleep 0"] and "Page 3 of 3" in page


def test_the_topics_a_to_z_lists_every_topic_with_its_subtopics(client, tree):
    page = client.get("/topics/").content.decode()
    assert page.index(">Mental health</a>") < page.index(">Depression</a>") < page.index(">Sleep<")
    assert '<h2 id="letter-1">M</h2>' in page
    assert '<a href="/topics/">Topics</a>' in page  # the navigation on every page


def test_every_page_has_one_search_box(client, article):
    for address in ("/", "/search/?q=sleep", article.get_absolute_url(), "/topics/"):
        page = client.get(address).content.decode()
        assert page.count('type="search"') == 1, address
        assert '<a href="/search/">Search</a>' not in page


def test_the_front_page_has_a_lead_story_then_a_section_per_top_level_topic(
    client, make_article, tree, django_assert_num_queries
):
    for number in range(6):
        make_article(title=f"Mood {number}", primary_topic=tree["depression"])
    make_article(title="Rest", primary_topic=tree["sleep"])
    lead = make_article(title="Newest of all")
    # Count, page (comment counts stored), next change, the tree and every section in one.
    with django_assert_num_queries(5):
        page = client.get("/").content.decode()
    assert 'class="lead-story"' in page and page.index("Newest of all") < page.index("Mood 5")
    mental = page[page.index('id="section-mental-health"') : page.index('id="section-sleep"')]
    assert _titles(mental) == ["Mood 5", "Mood 4", "Mood 3", "Mood 2"]
    assert page.count(f'href="{lead.get_absolute_url()}">') == 1  # not again in the latest


def test_each_topic_has_a_feed_linked_from_its_page(client, make_article, tree):
    make_article(title="Low mood", primary_topic=tree["depression"])
    make_article(title="Rest", primary_topic=tree["sleep"])
    page = client.get("/topics/mental-health/").content.decode()
    assert 'type="application/rss+xml"' in page and 'href="/topics/mental-health/feed/"' in page
    feed = client.get("/topics/mental-health/feed/")
    assert feed.status_code == 200 and feed["Surrogate-Key"].startswith(
        f"topic-{tree['mental'].pk} "
    )
    body = feed.content.decode()
    assert "<title>Low mood</title>" in body and "Rest" not in body
    assert client.get("/topics/none/feed/").status_code == 404


def test_topic_and_tag_pages_are_in_the_sitemap(client, make_article, tree):
    tag = Tag.objects.create(name="Ketamine", slug="ketamine")
    Tag.objects.create(name="Unused", slug="unused")
    make_article(primary_topic=tree["sleep"]).tags.add(tag)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-topics.xml" in index and "sitemap-tags.xml" in index
    topics = client.get("/sitemap-topics.xml").content.decode()
    assert "http://127.0.0.1:8000/topics/depression/" in topics
    tags = client.get("/sitemap-tags.xml").content.decode()
    assert "/tags/ketamine/" in tags and "/tags/unused/" not in tags


def test_topic_pages_are_shared_under_their_keys_and_those_of_their_articles(
    client, make_article, tree
):
    article = make_article(primary_topic=tree["sleep"])
    keys = client.get("/topics/sleep/")["Surrogate-Key"].split()
    assert keys == [f"topic-{tree['sleep'].pk}", f"article-{article.pk}", "site"]
    assert client.get("/topics/")["Surrogate-Key"] == "topics site"


@pytest.fixture
def purged(settings, monkeypatch):
    from cms import caching

    settings.HTTP_CACHE_NODES = ["http://127.0.0.1:6081"]
    keys = []
    monkeypatch.setattr(caching, "purge", lambda *purged_keys: keys.extend(purged_keys))
    return keys


def test_publishing_and_unpublishing_purge_the_articles_topic_and_tag_pages(
    make_article, tree, purged, django_capture_on_commit_callbacks
):
    tag = Tag.objects.create(name="Ketamine", slug="ketamine")
    article = make_article(primary_topic=tree["depression"], publish=False)
    article.tags.add(tag)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.publish(article.latest_version())
    expected = {f"topic-{tree['depression'].pk}", f"topic-{tree['mental'].pk}", f"tag-{tag.pk}"}
    assert expected <= set(purged) and "articles" in purged
    assert f"topic-{tree['sleep'].pk}" not in purged
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert expected <= set(purged)


def test_re_topicing_an_article_purges_the_old_and_new_topics(
    make_article, tree, purged, django_capture_on_commit_callbacks
):
    article = make_article()
    article.topics.add(tree["sleep"])
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.topics.set([tree["depression"]])
    assert {f"topic-{tree['sleep'].pk}", f"topic-{tree['depression'].pk}"} <= set(purged)
    assert f"topic-{tree['mental'].pk}" in purged  # it lists its subtopics' articles


def test_renaming_a_topic_purges_its_pages_the_a_to_z_and_the_front_page(
    tree, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tree["mental"].name = "Mind"
        tree["mental"].save()
    assert {f"topic-{tree['mental'].pk}", f"topic-{tree['depression'].pk}", "topics"} <= set(purged)
    assert "articles" in purged


def test_the_editor_sets_primary_topic_topics_and_tags(
    editor_client, tree, purged, django_capture_on_commit_callbacks
):
    tag = Tag.objects.create(name="Ketamine", slug="ketamine")
    form = {
        "title": "Ketamine",
        "summary": "A summary.",
        "body": "Body.",
        "change_note": "",
        "slug": "ketamine",
        "comments_open": "on",
        "review_interval_months": "12",
        "primary_topic": tree["depression"].pk,
        "topics": [tree["sleep"].pk],
        "tags": [tag.pk],
        "base_version": "0",
        "_publish": "1",
        **writers_management_form(),
    }
    response = editor_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="ketamine")
    assert article.primary_topic == tree["depression"]
    assert list(article.topics.all()) == [tree["sleep"]] and list(article.tags.all()) == [tag]
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="primary_topic"' in page and 'name="tags"' in page
    form.update(primary_topic=tree["sleep"].pk, base_version="1")
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    article.refresh_from_db()
    assert article.primary_topic == tree["sleep"]
    assert f"topic-{tree['depression'].pk}" in purged  # its old topic no longer lists it


def test_the_topic_admin_shows_each_topic_with_its_path(admin_client, tree):
    page = admin_client.get("/admin/articles/topic/").content.decode()
    assert "Mental health › Depression" in page
    assert admin_client.get("/admin/articles/tag/").status_code == 200


def test_an_excerpt_keeps_a_heading_apart_from_the_paragraph_after_it(client, make_article):
    make_article(
        title="Ketamine",
        summary="What it is.",
        body="## Introduction to Ketamine\n\nKetamine entered medicine in the 1960s.",
    )
    page = client.get("/search/", {"q": "medicine"}).content.decode()
    found = re.search(r'<p class="excerpt">(.*?)</p>', page, re.DOTALL).group(1)
    assert "Introduction to Ketamine — Ketamine entered" in found
    assert "Ketamine Ketamine" not in found


def test_a_search_without_results_suggests_topics_and_the_latest_articles(
    client, make_article, tree
):
    make_article(title="Rest well")
    page = client.get("/search/", {"q": "zanzibar"}).content.decode()
    assert "No articles found" in page
    assert '<a href="/topics/mental-health/">Mental health</a>' in page
    assert ">Rest well</a>" in page


def test_an_article_slug_may_not_take_the_topics_address(db):
    from articles.forms import fixed_page_at

    assert fixed_page_at("topics") and fixed_page_at("tags")


def test_excerpt_helper_on_a_plain_result(make_article):
    article = make_article(body="# Title here\nFollowing words about sleep.")
    assert "Title here — Following" in excerpt(article, "sleep")


def test_the_front_page_reads_a_few_articles_per_top_level_topic_not_per_subtopic(
    make_article, tree
):
    # At a publisher's scale (200 topics) ranking by subtopic read four articles of each of
    # 180 subtopics, with their versions and review stamps, to show four per top-level topic.
    for name in ("Anxiety", "Grief", "Stress"):
        subtopic = Topic.objects.create(name=name, slug=name.lower(), parent=tree["mental"])
        for number in range(4):
            make_article(title=f"{name} {number}", primary_topic=subtopic)
    make_article(title="Rest", primary_topic=tree["sleep"])
    newest = list(newest_by_root(Topic.objects.tree(), length=4))
    assert [article.published_version.title for article in newest] == [
        "Rest", "Stress 3", "Stress 2", "Stress 1", "Stress 0"
    ]  # fmt: skip


def test_the_front_page_shows_the_topics_with_the_freshest_articles(
    client, make_article, monkeypatch
):
    monkeypatch.setattr("articles.views.FRONT_PAGE_SECTIONS", 2)
    topics = {}
    for name in ("Allergy", "Bones", "Cancer"):
        topics[name] = Topic.objects.create(name=name, slug=name.lower())
        make_article(title=f"About {name}", primary_topic=topics[name])
    make_article(title="Later news", primary_topic=topics["Allergy"])
    make_article(title="Lead story")
    page = client.get("/").content.decode()
    # Allergy and Cancer have the freshest articles; Bones is left out. A–Z order kept.
    assert 'id="section-allergy"' in page and 'id="section-cancer"' in page
    assert 'id="section-bones"' not in page
    assert page.index('id="section-allergy"') < page.index('id="section-cancer"')
