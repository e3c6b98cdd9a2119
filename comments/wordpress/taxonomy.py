"""A WordPress export's categories, tags and authors, as this site's topics, tags and people.

Categories become Topics with their hierarchy (``wp:category_parent`` names the parent's
slug), tags become Tags, each found again by its slug on a second run; their archive
addresses (``/category/mental-health/depression/``, ``/tag/ketamine/``) are kept as old
addresses answering 301 to the topic's and tag's pages. An author becomes a Person with
their display name, linked to the user the import signs their versions with.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.db import transaction
from django.utils.text import slugify

from articles.models import LegacyAddress, Person, Tag, Topic

NAME_MAX, SLUG_MAX = 100, 100
# The pages another part of the site draws for a topic and a tag (articles/urls.py).
TOPIC_PAGE, TAG_PAGE = "/topics/{}/", "/tags/{}/"


def clean_name(name, fallback):
    """A name as a column may hold it: no NUL (PostgreSQL refuses one), at most NAME_MAX."""
    return (" ".join(name.replace("\x00", "").split()) or fallback)[:NAME_MAX]


def term_slug(nicename, name):
    """A WordPress nicename (percent-encoded when not ASCII) as a slug here."""
    return slugify(unquote(nicename))[:SLUG_MAX].strip("-") or slugify(name)[:SLUG_MAX] or "topic"


def free_person_slug(name, fallback):
    base = slugify(name)[:190].strip("-") or slugify(fallback)[:190] or "author"
    slug, number = base, 2
    while Person.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@dataclass
class Taxonomy:
    """The categories and tags of one import: those of the channel, saved first (parents
    before children), and those items name without the channel listing them."""

    counts: Counter = field(default_factory=Counter)  # the importer's
    dry_run: bool = False
    categories: dict = field(default_factory=dict)  # nicename -> WordPressTerm
    tags: dict = field(default_factory=dict)
    # What was added, by (kind, slug): a dry run rolls every item back, so its posts make the
    # channel's topics again; each is counted once.
    added: set = field(default_factory=set)

    def count(self, key, slug):
        if (key, slug) not in self.added:
            self.added.add((key, slug))
            self.counts[key] += 1

    def remember(self, term):
        """Keep a <wp:category> or <wp:tag> of the channel, saved by ``save_terms``."""
        if term.slug:
            (self.categories if term.taxonomy == "category" else self.tags)[term.slug] = term

    def save_terms(self):
        """Save the channel's topics and tags, each in a transaction of its own."""
        for nicename in self.categories:
            with transaction.atomic():
                self.topic(nicename, self.categories[nicename].name)
                if self.dry_run:
                    transaction.set_rollback(True)
        for nicename, term in self.tags.items():
            with transaction.atomic():
                self.tag(nicename, term.name)
                if self.dry_run:
                    transaction.set_rollback(True)

    def _archive_path(self, nicename):
        """WordPress's archive address of a category: its parents' nicenames, then its own."""
        chain = [nicename]
        while (term := self.categories.get(chain[-1])) and term.parent in self.categories:
            if term.parent in chain:
                break  # a loop in the export's parents: stop where it closes
            chain.append(term.parent)
        return "/category/" + "/".join(unquote(each) for each in reversed(chain)) + "/"

    def topic(self, nicename, name, seen=()):
        """The Topic of a category (its parent first), made if new."""
        slug = term_slug(nicename, name)
        term = self.categories.get(nicename)
        parent = None
        if term and term.parent and term.parent != nicename and term.parent not in seen:
            parent_term = self.categories.get(term.parent)
            parent = self.topic(
                term.parent, parent_term.name if parent_term else term.parent, (*seen, nicename)
            )
        topic, made = Topic.objects.get_or_create(
            slug=slug, defaults={"name": clean_name(name, slug), "parent": parent}
        )
        if made:
            self.count("topics added", slug)
        self._keep_archive(self._archive_path(nicename), TOPIC_PAGE.format(topic.slug))
        return topic

    def tag(self, nicename, name):
        slug = term_slug(nicename, name)
        tag, made = Tag.objects.get_or_create(slug=slug, defaults={"name": clean_name(name, slug)})
        if made:
            self.count("tags added", slug)
        self._keep_archive(f"/tag/{unquote(nicename)}/", TAG_PAGE.format(tag.slug))
        return tag

    def _keep_archive(self, path, target):
        if "\x00" in path or len(path) > 500:
            return
        if not LegacyAddress.objects.filter(path=path).exists():
            LegacyAddress.objects.create(path=path, target_url=target)
            self.count("archive addresses kept", path)

    def file_article(self, article, post):
        """Set the article's topics (the post's first category is the primary one) and tags."""
        topics = [self.topic(slug, name) for slug, name in post.term_list("category") if slug]
        tags = [self.tag(slug, name) for slug, name in post.term_list("post_tag") if slug]
        if topics:
            article.primary_topic = topics[0]
            article.save(update_fields=["primary_topic"])
            article.topics.add(*topics)
        if tags:
            article.tags.add(*tags)

    def person_for(self, user, author):
        """The Person of a WordPress author's user, made with their display name if new."""
        if user is None:
            return None
        person = Person.objects.filter(user=user).first()
        if person is not None:
            return person
        name = (author.display_name if author else "") or user.get_full_name() or user.username
        name = " ".join(name.replace("\x00", "").split())[:200] or user.username
        self.count("people added", user.username)
        return Person.objects.create(
            user=user, name=name, slug=free_person_slug(name, user.username)
        )
