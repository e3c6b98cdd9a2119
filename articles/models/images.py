"""The media library: images (with their renditions) and other documents (a PDF leaflet).

Files go through Django's storage API (the local MEDIA_ROOT, or an S3-compatible store),
under names that carry a hash of their content: a stored file never changes, so it can
be cached for a year. What decodes, checks, strips and resizes uploads lives in
articles/images.py; these are the records.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Image(models.Model):
    """An image of the library: the stored original (decoded, turned upright and stripped
    of EXIF, GPS and every other metadata) and what readers are told about it."""

    file = models.FileField(max_length=300, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # Of the stored (stripped) file: the same picture uploaded twice is one library item.
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    title = models.CharField(
        max_length=200, blank=True, help_text="For the library's list; readers do not see it."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=500,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required unless "
        "the image is decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Adds nothing to the text (a pattern, a mood picture): screen readers skip it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made it, or where it comes from."
    )
    licence = models.CharField(max_length=200, blank=True, help_text="E.g. “CC BY 4.0”.")
    # Where the WordPress import found it (its wp:attachment_url): a second import reuses it.
    source_url = models.URLField(max_length=500, blank=True, db_index=True, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title or self.alt_text or f"Image {self.pk}"

    def clean(self):
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {
                    "alt_text": "Describe the image for readers who cannot see it, "
                    "or mark it as decorative."
                }
            )

    @property
    def needs_alt_text(self):
        """Imported without alt text, and not decorative: listed for the editors to fill in."""
        return not self.decorative and not self.alt_text.strip()


class Rendition(models.Model):
    """One resized copy of an image in one format, made once (never on a reader's request)."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(max_length=300)

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="one_rendition_per_width_and_format"
            )
        ]

    def __str__(self):
        return f"{self.image} {self.width}w {self.format}"


class Document(models.Model):
    """A file readers download (a PDF leaflet), kept as it was sent."""

    file = models.FileField(max_length=300, editable=False)
    title = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    source_url = models.URLField(max_length=500, blank=True, db_index=True, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


def snapshot(image):
    """What a version keeps of ``image`` (ArticleVersion.images): what readers are told and
    the files that show it, so the page needs no query and no later change in the library
    reaches a published version. Reads ``image.renditions.all()`` (prefetch it).

    It lives with the records, not in articles/images.py, because a version fills its
    snapshots when it is saved (models/version.py) and the models never import the
    modules above them.
    """
    renditions = sorted(image.renditions.all(), key=lambda each: each.width)
    sources = {}
    for rendition in renditions:
        sources.setdefault(rendition.format, []).append([rendition.file.url, rendition.width])
    fallback_kind = "png" if "png" in sources else "jpeg"
    fallback = sources.get(fallback_kind) or [[image.file.url, image.width]]
    return {
        "id": image.pk,
        "alt": "" if image.decorative else image.alt_text,
        "decorative": image.decorative,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
        "width": image.width,
        "height": image.height,
        "sources": [
            {"type": MIME_TYPES[kind], "srcset": sources[kind]}
            for kind in settings.IMAGES_FORMATS
            if kind in sources
        ],
        "fallback": {"type": MIME_TYPES[fallback_kind], "srcset": fallback},
    }
