"""The media library in the admin: images and documents.

Adding an image asks for its file and what readers are told about it; the file goes
through ``store_picture`` (articles/images.py): decoded, turned upright, stripped of its
metadata, stored under a content-hashed name, its renditions made at once. A file that
is refused (not an image we accept, too large, a bomb) is the form's error on the file
field; everything else the editor typed stays in the form. Editing changes the details
only: a picture is replaced by uploading the new one.

The list shows a thumbnail of each image (from the renditions prefetched with the page:
one query for the lot) and filters the images that need alt text (imported without it).
Documents (a PDF leaflet) are judged by their content in articles/documents.py.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Prefetch, Q
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join

from .documents import ACCEPTED_NAMES as DOCUMENT_NAMES
from .documents import RefusedDocument, judge_document, store_document
from .images import ACCEPTED_NAMES as IMAGE_NAMES
from .images import RefusedImage, check_size, read_upload, store_picture
from .models import Document, Image, Rendition
from .models.images import snapshot

DETAILS = ["title", "alt_text", "decorative", "caption", "credit", "licence"]
# Thumbnails come from the fallback renditions, which every browser shows.
THUMBNAIL_FORMATS = ["jpeg", "png"]


def _limit():
    return filesizeformat(settings.IMAGES_MAX_BYTES)


class StoredOnUpload:
    """For the library's admins: an upload is saved by save_form (store_image or
    store_document, which judge and store the file), so only a change is saved again here."""

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


class ImageDetailsForm(forms.ModelForm):
    """What readers are told about an image (Image.clean: alt text unless decorative)."""

    class Meta:
        model = Image
        fields = DETAILS


class ImageUploadForm(ImageDetailsForm):
    """The add form: the file, judged by read_upload while the form is validated, so that a
    refusal is the file field's error and the picture decoded once."""

    upload = forms.FileField(
        label="Image file",
        help_text=f"{IMAGE_NAMES}; at most {_limit()} and "
        f"{settings.IMAGES_MAX_PIXELS / 1_000_000:,.0f} million pixels. "
        "Location and camera data are removed.",
    )

    class Meta(ImageDetailsForm.Meta):
        fields = ["upload", *DETAILS]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_size(upload.size)  # before reading a byte of it
            self.picture = read_upload(upload.read())
        except RefusedImage as refusal:
            raise forms.ValidationError(str(refusal), code="refused") from refusal
        return upload


class NeedsAltTextFilter(admin.SimpleListFilter):
    """Images without alt text that are not decorative (the WordPress import leaves them
    so rather than invent a description)."""

    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Needs alt text"), ("given", "Has alt text or is decorative")]

    def queryset(self, request, queryset):
        missing = Q(decorative=False) & Q(alt_text__regex=r"^\s*$")
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "given":
            return queryset.exclude(missing)
        return queryset


def _rendition_tag(image, largest):
    """An <img> of the widest fallback rendition at most ``largest`` pixels wide, from the
    prefetched ``thumbnails``; the alt is empty: the title or alt text stands beside it."""
    fitting = [each for each in image.thumbnails if each.width <= largest]
    rendition = fitting[-1] if fitting else (image.thumbnails[0] if image.thumbnails else None)
    if rendition is None:
        return "—"
    shown = min(largest, rendition.width)
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" style="height:auto">',
        rendition.file.url,
        shown,
        round(rendition.height * shown / rendition.width),
    )


@admin.register(Image)
class ImageAdmin(StoredOnUpload, admin.ModelAdmin):
    list_display = ("thumbnail", "__str__", "alt_text_state", "size", "uploaded_at")
    # One link per row, on the name: a link around the thumbnail (its alt empty, the name
    # beside it) would be a second link with no text of its own.
    list_display_links = ("__str__",)
    list_filter = (NeedsAltTextFilter, "decorative")
    search_fields = ("title", "alt_text", "caption")
    date_hierarchy = "uploaded_at"
    readonly_fields = ("preview", "files")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "renditions",
                    queryset=Rendition.objects.filter(format__in=THUMBNAIL_FORMATS).order_by(
                        "width"
                    ),
                    to_attr="thumbnails",
                )
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageDetailsForm if obj is not None else ImageUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", *DETAILS]
        return ["preview", *DETAILS, "files"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        image = store_picture(
            form.picture,
            name=form.cleaned_data["upload"].name,
            uploaded_by=request.user,
            **{field: form.cleaned_data[field] for field in DETAILS},
        )
        if image.already_in_library:
            messages.warning(
                request,
                f"This picture was already in the library as “{image}”: its details were "
                "kept as they were. Change them on its page if needed.",
            )
        return image

    @admin.display(description="")
    def thumbnail(self, image):
        return _rendition_tag(image, 120)

    @admin.display(description="Alt text", ordering="alt_text")
    def alt_text_state(self, image):
        if image.decorative:
            return "Decorative"
        return image.alt_text or format_html("<strong>{}</strong>", "Needs alt text")

    @admin.display(description="Size")
    def size(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Image")
    def preview(self, image):
        return _rendition_tag(image, 640)

    @admin.display(description="Files")
    def files(self, image):
        renditions = image.renditions.order_by("format", "width")
        return format_html(
            '<a href="{}">Original</a>, {} × {} pixels, no metadata. Renditions: {}',
            image.file.url,
            image.width,
            image.height,
            format_html_join(
                ", ",
                '<a href="{}">{} {}w</a>',
                ((each.file.url, each.get_format_display(), each.width) for each in renditions),
            ),
        )


class DocumentDetailsForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title"]


class DocumentUploadForm(DocumentDetailsForm):
    """The add form: the file, judged by its content (articles/documents.py)."""

    upload = forms.FileField(
        label="File",
        help_text=f"{DOCUMENT_NAMES}; at most {_limit()}. HTML, SVG and scripts are refused.",
    )

    class Meta(DocumentDetailsForm.Meta):
        fields = ["upload", "title"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.IMAGES_MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; documents may be at most {_limit()}."
            )
        self.data_bytes = upload.read()
        try:
            judge_document(self.data_bytes, upload.name)
        except RefusedDocument as refusal:
            raise forms.ValidationError(str(refusal), code="refused") from refusal
        return upload


@admin.register(Document)
class DocumentAdmin(StoredOnUpload, admin.ModelAdmin):
    list_display = ("title", "content_type", "file_size", "uploaded_at", "link")
    search_fields = ("title",)
    date_hierarchy = "uploaded_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = DocumentDetailsForm if obj is not None else DocumentUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["title", "link"] if obj is not None else ["upload", "title"]

    def get_readonly_fields(self, request, obj=None):
        return ("link",) if obj is not None else ()

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        return store_document(
            form.data_bytes,
            name=form.cleaned_data["upload"].name,
            title=form.cleaned_data["title"],
        )

    @admin.display(description="Size", ordering="size")
    def file_size(self, document):
        return filesizeformat(document.size)

    @admin.display(description="Link")
    def link(self, document):
        return format_html('<a href="{}">{}</a>', document.file.url, document.file.url)


# The library's newest images, listed beside the text for the editor to insert.
PICKER_LENGTH = 12


def library_picker():
    """The library's newest images for the picker beside the text: dicts of ``id``,
    ``title``, ``alt`` (or "decorative"), ``needs_alt_text`` and ``thumbnail`` (the
    smallest fallback rendition's address). Two queries."""
    images = Image.objects.prefetch_related("renditions")[:PICKER_LENGTH]
    return [
        {
            "id": image.pk,
            "title": image.title,
            "alt": "decorative" if image.decorative else image.alt_text,
            "needs_alt_text": image.needs_alt_text,
            "thumbnail": snapshot(image)["fallback"]["srcset"][0][0],
        }
        for image in images
    ]
