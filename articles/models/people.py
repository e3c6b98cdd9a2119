"""People readers see named (writers, medical reviewers), each with a page of their own.

Below Article: nothing here imports the article modules. Article, which knows its pages,
renders afresh the pages a person's byline or review line shows on (person_saved in
article.py); a person's own page is purged here, under ``cache_key``.
"""

import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify

from cms.caching import purge_after_commit

from .images import Image

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


class Person(models.Model):
    """A writer or reviewer as readers meet them: /authors/<slug>/, linked from every byline
    and review line. ``user`` is their account, when they have one (an imported WordPress
    author may have none): a version's author and a review's reviewer find their person
    through it (``Person.of(user)``).

    The one place for what readers are told of them: name, role, credentials, bio (its
    first paragraph follows the byline and the review line), photo and links. A signed
    MedicalReview keeps its own copy of the name and credentials it was signed with."""

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        purge_after_commit(self.cache_key)

    def get_absolute_url(self):
        return f"/authors/{self.slug}/"

    def delete(self, *args, **kwargs):
        key = self.cache_key
        result = super().delete(*args, **kwargs)
        purge_after_commit(key)
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        # The account the person had when read: a page that moves to another account
        # changes the bylines of both (person_saved, article.py).
        person.loaded_user_id = person.user_id
        return person

    @property
    def cache_key(self):
        """The surrogate key of this person's page in the shared HTTP cache."""
        return f"person-{self.pk}"

    def clean(self):
        for address in self.link_list:
            try:
                WEB_ADDRESS(address)
            except ValidationError:
                raise ValidationError(
                    {"links": f"“{address}” is not a web address (https://…): one per line."}
                ) from None

    @property
    def link_list(self):
        """The addresses of ``links``, one per line, blank lines left out."""
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def web_links(self):
        """The http(s) addresses of ``links`` (nothing else is ever drawn as a link), each
        as (address, what readers see: the address without its scheme)."""
        return [
            (address, address.split("://", 1)[1].rstrip("/"))
            for address in self.link_list
            if address.lower().startswith(("https://", "http://"))
        ]

    @property
    def short_bio(self):
        """The bio's first paragraph, on one line: what follows the byline and review line."""
        paragraphs = PARAGRAPH_BREAK.split(self.bio.strip(), maxsplit=1)
        return " ".join(paragraphs[0].split())

    @property
    def bio_paragraphs(self):
        """The bio's paragraphs, for the person's page."""
        return [" ".join(part.split()) for part in PARAGRAPH_BREAK.split(self.bio) if part.strip()]

    @property
    def initials(self):
        """What stands in for a photo: the first letters of the first and last names."""
        words = [word for word in re.split(r"[\s.]+", self.name) if word[:1].isalpha()]
        if not words:
            return ""
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()

    @staticmethod
    def of(user):
        """``user``'s Person, or None (no user, or no page). No query when the relation was
        read with select_related ("author__person", "reviewer__person")."""
        if user is None:
            return None
        try:
            return user.person
        except ObjectDoesNotExist:
            return None

    @classmethod
    def unique_slug(cls, name):
        """A slug for ``name`` no other person has: "amina-rahman", else "amina-rahman-2"…"""
        base = slugify(name)[:190] or "person"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug
