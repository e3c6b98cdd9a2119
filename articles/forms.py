"""The admin's article form: it writes a new version, it never changes an old one."""

import re

from django import forms
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from .markup import library_image_ids
from .models import Article, ArticleVersion, Image, VersionConflict

# A body is rendered (Markdown, then bleach) when it is saved, in the editor's request:
# these bounds keep that well under the worker timeout, far above any real article.
MAX_BODY_CHARACTERS = 200_000
MAX_NESTING = 20
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
QUOTE_MARKERS = re.compile(r"^(?:[ \t]{0,3}>)+", re.MULTILINE)
MARKER_RUN = re.compile(rf"[*_~`]{{{MAX_NESTING + 1},}}")

# Addresses the site's own pages take: an article there could never be reached.
FIXED_PAGES = {
    "articles:search": "the search page",
    "articles:rss": "the RSS feed",
    "articles:atom": "the Atom feed",
    "articles:topics": "the topics A–Z",
    "privacy": "the privacy page",
    "healthz": "the health check",
    "robots": "robots.txt",
    "sitemap": "the sitemap",
}
# First path segments served before the URLs are read, or used by the site's own URLs.
RESERVED_SEGMENTS = {
    "admin": "the admin",
    "static": "the static files",
    "media": "uploaded files",
    "comments": "the comment pages",
    "feed": "the feeds",
    "search": "the search page",
    "sitemap": "the sitemap",
    "topics": "the topic pages",
    "tags": "the tag pages",
    "authors": "the pages of writers and reviewers",
}


def nesting_depth(text):
    """How deep quotes and HTML elements nest in a Markdown body, in one pass each."""
    deepest = depth = 0
    for closing, name, self_closing in HTML_TAG.findall(text):
        if name.lower() in VOID_ELEMENTS or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    for markers in QUOTE_MARKERS.findall(text):
        deepest = max(deepest, markers.count(">"))
    return deepest


def fixed_page_at(slug):
    """What the site serves at /<slug>/ instead of an article, or None when the address is free."""
    if slug.lower() in RESERVED_SEGMENTS:
        return RESERVED_SEGMENTS[slug.lower()]
    for path in (f"/{slug}/", f"/{slug}"):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name != "articles:detail":
            return FIXED_PAGES.get(match.view_name, "a page of the site")
    return None


# What a version holds; a save that changes none of these (nor what the library says of
# its images) adds no version.
CONTENT_FIELDS = ("title", "summary", "body", "lead_image", "key_takeaways")
# The article's own, not a version's: when it comes down and where readers go then.
WITHDRAWAL_FIELDS = ("withdraw_at", "replaced_by", "withdrawal_note")
# Said of the new version only: never copied from the version before.
CORRECTION_FIELDS = ("is_correction", "correction_note")


class PlainLineBreaksField(forms.CharField):
    """Text whose line breaks are stored as "\n", whatever the browser sent.

    Browsers submit a textarea with "\r\n"; without this, re-saving an
    unchanged text would look like an edit and add a version.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class LibraryImageField(forms.ModelChoiceField):
    """A library image, named in the list by its id, title and alt text: the id is the one
    the body's ``![](image:ID)`` uses."""

    def label_from_instance(self, image):
        described = image.alt_text or ("decorative" if image.decorative else "no alt text yet")
        return f"{image.pk}: {image.title or 'untitled'} ({described})"


def _version_field(name, **widget_attrs):
    """The form field of an ArticleVersion column, so lengths and labels follow the model."""
    field = ArticleVersion._meta.get_field(name).formfield(form_class=PlainLineBreaksField)
    field.widget.attrs.update(widget_attrs)
    return field


class ArticleVersionForm(forms.ModelForm):
    """Edit an article as a new version, starting from its latest one.

    ``base_version`` (hidden) carries the number of the version the editor
    started from, so a save made while someone else saved a newer version
    raises VersionConflict instead of overwriting their work.
    """

    title = _version_field("title", size=80)
    summary = _version_field("summary", rows=3)
    body = _version_field("body", rows=30)
    lead_image = LibraryImageField(
        queryset=Image.objects.all(),
        required=False,
        label="Lead image",
        help_text="Shown at the top of the article, on lists and when the page is shared. "
        "The images of the library are listed beside the text, with their ids.",
    )
    key_takeaways = _version_field("key_takeaways", rows=4)
    change_note = _version_field("change_note", size=80)
    publish_at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Used by “Save and publish”: readers see the new version from this time on. "
        "Empty: at once.",
    )
    # The article's own (Meta.fields), typed like publish_at rather than in the admin's
    # split date and time boxes.
    withdraw_at = forms.DateTimeField(
        label="Withdraw at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=Article._meta.get_field("withdraw_at").help_text,
    )
    is_correction = ArticleVersion._meta.get_field("is_correction").formfield()
    correction_note = _version_field("correction_note", rows=2)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Article
        fields = [
            "slug",
            "comments_open",
            "review_interval_months",
            "primary_topic",
            "topics",
            "tags",
            *WITHDRAWAL_FIELDS,
        ]
        help_texts = {"slug": "The address of the article. Empty: made from the title."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_note"].help_text = "What changed and why, for the version history."
        if "slug" in self.fields:
            self.fields["slug"].required = False
        latest = self.instance.latest_version() if self.instance.pk else None
        self.base = latest
        if latest is not None:
            for name in CONTENT_FIELDS:
                # The lead image by its id: no query for the Image itself.
                attribute = "lead_image_id" if name == "lead_image" else name
                self.initial.setdefault(name, getattr(latest, attribute))
        self.initial.setdefault("base_version", latest.number if latest else 0)
        publish_at = self.instance.scheduled_at or self.instance.publish_at
        if publish_at and publish_at > timezone.now():
            # A scheduled article or update keeps its time unless the editor changes it.
            self.initial.setdefault("publish_at", timezone.localtime(publish_at))
        # Without its base an edit could not be checked for a conflict.
        self.fields["base_version"].required = latest is not None

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > MAX_BODY_CHARACTERS:
            raise forms.ValidationError(
                f"The text is {len(body):,} characters long; an article may have at most "
                f"{MAX_BODY_CHARACTERS:,}. Split it into several articles."
            )
        depth = nesting_depth(body)
        if depth > MAX_NESTING or MARKER_RUN.search(body):
            raise forms.ValidationError(
                f"The text nests quotes or HTML elements (or repeats *, _, ~ or `) more than "
                f"{MAX_NESTING} levels deep{f' ({depth:,} levels)' if depth > MAX_NESTING else ''}"
                ". Flatten the deepest part; nothing was saved."
            )
        wanted = library_image_ids(body)
        known = set(Image.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [str(image_id) for image_id in wanted if image_id not in known]
        if missing:
            images = "image " + missing[0] if len(missing) == 1 else "images " + ", ".join(missing)
            raise forms.ValidationError(
                f"There is no {images} in the library. Choose an id from the library's "
                "list beside the text; nothing was saved."
            )
        return body

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug") and cleaned_data.get("title"):
            cleaned_data["slug"] = slugify(cleaned_data["title"])[:200]
            if Article.objects.filter(slug=cleaned_data["slug"]).exists():
                self.add_error("slug", "An article with this address exists already.")
        if cleaned_data.get("is_correction"):
            if not cleaned_data.get("correction_note", "").strip():
                self.add_error(
                    "correction_note",
                    "Tell readers what was wrong and what changed: the note is published "
                    "with the correction.",
                )
            if self.base is not None and not self.content_changed:
                self.add_error(
                    "is_correction", "A correction changes the text, and nothing changed."
                )
        elif cleaned_data.get("correction_note", "").strip():
            self.add_error(
                "is_correction",
                "Tick this box to publish the correction note, or empty the note.",
            )
        replacement = cleaned_data.get("replaced_by")
        if replacement is not None and replacement.pk == self.instance.pk:
            self.add_error("replaced_by", "An article cannot replace itself: choose another.")
        if (replacement or cleaned_data.get("withdrawal_note")) and not cleaned_data.get(
            "withdraw_at"
        ):
            self.add_error(
                "withdraw_at", "Say when the article comes down, or empty the fields below."
            )
        slug = cleaned_data.get("slug")
        if "slug" in self.fields and slug and "slug" not in self.errors:
            taken_by = fixed_page_at(slug)
            if taken_by:
                self.add_error(
                    "slug",
                    f"The address /{slug}/ clashes with {taken_by}, which comes first, so "
                    "readers could never reach this article. Choose another address.",
                )
        return cleaned_data

    @property
    def content_changed(self):
        """True when the editor changed what a version holds (not only the article's settings)."""
        return any(name in self.changed_data for name in CONTENT_FIELDS)

    def images_changed(self):
        """True when the library now describes the version's images otherwise than the
        base version keeps them (a new alt text, caption, credit): saving makes a version
        that shows the change, and the change log says what it was. Two queries at most."""
        lead = self.cleaned_data.get("lead_image")
        fresh = ArticleVersion.snapshot_images(lead.pk if lead else None, self.cleaned_data["body"])
        return fresh != self.base.images

    def save_version(self, article, *, author, publish):
        """Add the edited version to ``article`` (saved already) and publish it if asked.

        Returns ``(version, created)``. Nothing changed in the content, nor in what the
        library says of its images: no new version; "publish" then publishes the latest
        version, the one the editor saw.
        Raises VersionConflict when a newer version than the editor's base exists.
        A version that may not be published yet (Article.publishing_refusal) is kept
        as a draft, and ``publishing_refused`` says why.
        """
        self.publishing_refused = ""
        base_number = self.cleaned_data.get("base_version")
        if self.base is None or self.content_changed or self.images_changed():
            content = {name: self.cleaned_data[name] for name in CONTENT_FIELDS + CORRECTION_FIELDS}
            version = article.add_version(
                **content,
                author=author,
                change_note=self.cleaned_data["change_note"],
                base_number=base_number if self.base is not None else None,
            )
            created = True
        else:
            version = article.latest_version()
            if base_number is not None and version.number != base_number:
                raise VersionConflict(article, base_number, version)
            created = False
        if publish:
            self.publishing_refused = article.publishing_refusal(version)
        if publish and not self.publishing_refused:
            article.publish(version, when=self.cleaned_data["publish_at"])
        return version, created
