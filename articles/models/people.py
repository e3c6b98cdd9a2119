"""People readers see named (writers, medical reviewers), each with a page of their own."""

from django.conf import settings
from django.db import models

from .images import Image


class Person(models.Model):
    """A writer or reviewer as readers meet them: /authors/<slug>/, linked from every byline
    and review line. ``user`` is their account, when they have one (an imported WordPress
    author may have none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(max_length=200, help_text="As readers see it.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Its page: /authors/<slug>/.")
    role = models.CharField(
        max_length=150, blank=True, help_text="E.g. “Health writer”, “Consultant psychiatrist”."
    )
    credentials = models.CharField(max_length=150, blank=True, help_text="E.g. “MD, FRCP”.")
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    links = models.TextField(
        blank=True,
        help_text="Their profiles elsewhere (a hospital page, ORCID, LinkedIn), one address "
        "per line.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/authors/{self.slug}/"

    @property
    def link_list(self):
        """The addresses of ``links``, one per line, blank lines left out."""
        return [line.strip() for line in self.links.splitlines() if line.strip()]
