"""How articles are organised: topics (a tree, "Mental health › Depression") and flat tags."""

from django.db import models


class TopicQuerySet(models.QuerySet):
    def roots(self):
        """The topics at the top of the tree."""
        return self.filter(parent__isnull=True)


class Topic(models.Model):
    """A subject readers browse by; a topic may sit under another one."""

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


class Tag(models.Model):
    """A keyword several articles share ("ketamine"); tags have no hierarchy."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Its address: /tags/<slug>/.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
