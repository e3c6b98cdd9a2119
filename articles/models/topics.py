"""How articles are organised: topics (a tree, "Mental health › Depression") and flat tags.

The tree is small (hundreds of topics), so a whole TopicTree is read in one query
whenever a page needs paths or subtopics, rather than walking parents one query each.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from cms.caching import (
    ARTICLE_LISTS,
    TOPIC_INDEX,
    purge_after_commit,
    purge_keys_after_commit,
    tag_key,
    topic_key,
)

# Between the names of a topic's path, in the admin and the breadcrumbs.
PATH_SEPARATOR = " › "


class TopicQuerySet(models.QuerySet):
    def roots(self):
        """The topics at the top of the tree."""
        return self.filter(parent__isnull=True)

    def tree(self):
        """Every topic as a TopicTree (one query)."""
        return TopicTree(self.order_by("name"))


class TopicTree:
    """All topics, read once: paths to the root and subtopics without another query."""

    def __init__(self, topics):
        self.by_id = {topic.pk: topic for topic in topics}
        self.children = {}
        for topic in self.by_id.values():  # in name order, so subtopics come A–Z
            self.children.setdefault(topic.parent_id, []).append(topic)

    def roots(self):
        return self.children.get(None, [])

    def subtopics(self, topic_id):
        return self.children.get(topic_id, [])

    def path(self, topic_id):
        """The topics from the root down to ``topic_id`` (itself last); [] if unknown."""
        path = []
        seen = set()
        topic = self.by_id.get(topic_id)
        while topic is not None and topic.pk not in seen:  # a cycle saved by hand ends here
            seen.add(topic.pk)
            path.append(topic)
            topic = self.by_id.get(topic.parent_id)
        return path[::-1]

    def root_of(self, topic_id):
        path = self.path(topic_id)
        return path[0] if path else None

    def with_descendants(self, topic_id):
        """The id of ``topic_id`` and of every topic below it."""
        found, waiting = [], [topic_id]
        while waiting:
            current = waiting.pop()
            if current in found:
                continue
            found.append(current)
            waiting.extend(child.pk for child in self.subtopics(current))
        return found

    def with_ancestors(self, topic_ids):
        """The ids of ``topic_ids`` and of every topic above them."""
        return {topic.pk for topic_id in topic_ids for topic in self.path(topic_id)}


class Topic(models.Model):
    """A subject readers browse by; a topic may sit under another one.

    Its page (/topics/<slug>/) lists the articles of the topic and of its subtopics.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Its address: /topics/<slug>/.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(
        blank=True, help_text="A sentence or two at the top of its page."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.purge_pages()

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        self.purge_pages()
        return super().delete(*args, **kwargs)

    def purge_pages(self):
        """A topic's name, place or description shows on its page, its parent's (the
        subtopics), its subtopics' (the breadcrumbs), the A–Z and the front page (the
        sections): all are purged once the change commits. The article pages whose
        breadcrumbs name it are expired by Article (articles/models/topic_pages.py)."""
        if not settings.HTTP_CACHE_NODES:
            return  # no shared cache: nothing to read the tree for
        tree = Topic.objects.tree()
        shown_on = set(tree.with_descendants(self.pk)) | {self.pk}
        if self.parent_id:
            shown_on.add(self.parent_id)
        purge_after_commit(
            *(topic_key(topic_id) for topic_id in sorted(shown_on)), TOPIC_INDEX, ARTICLE_LISTS
        )


def purge_topic_pages(topic_ids):
    """Once the change commits, purge the pages of ``topic_ids`` and of every topic above
    them (whose lists include their subtopics' articles)."""
    topic_ids = list(topic_ids)
    if topic_ids:
        purge_keys_after_commit(
            lambda: [
                topic_key(topic_id)
                for topic_id in sorted(Topic.objects.tree().with_ancestors(topic_ids))
            ]
        )


class Tag(models.Model):
    """A keyword several articles share ("ketamine"); tags have no hierarchy."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Its address: /tags/<slug>/.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The sitemap lists tags with the other lists of articles.
        purge_after_commit(tag_key(self.pk), ARTICLE_LISTS)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        purge_after_commit(tag_key(self.pk), ARTICLE_LISTS)
        return super().delete(*args, **kwargs)
