"""Writing and publishing articles in Django's admin.

The change form edits a new version, starting from the latest one: "Save
draft" adds it, "Save and publish" adds and publishes it (at "Publish at" if
set). Old versions are never changed. The version history, the comparison of
any two versions and "revert" (after a confirmation page, as Django's delete
asks) are admin views of their own, and a save from a stale base shows a
conflict page (409) instead of overwriting a colleague. Beside the text, the
editor shows a preview of the unsaved Markdown as readers will see it: the
"Preview" button posts the form to a preview view shown in a frame.

Medical reviewers (the "Medical reviewers" group) have a queue of versions
awaiting review and sign a review of one exact version (approve, or send back
with a note) on its review page; the review schedule lists the articles due
for their next review.
"""

import copy

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from .diff import has_changes, word_diff
from .forms import (
    MARKER_RUN,
    MAX_BODY_CHARACTERS,
    MAX_NESTING,
    ArticleVersionForm,
    nesting_depth,
)
from .markup import render_markdown
from .models import (
    Article,
    ArticleVersion,
    AuthorProfile,
    DeadLink,
    MedicalReview,
    ReviewerProfile,
    VersionConflict,
)

REVIEW_LABELS = {
    None: "Awaits review",
    MedicalReview.Decision.APPROVE: "Approved",
    MedicalReview.Decision.SEND_BACK: "Sent back",
}


def compare_versions(old, new):
    """The word-level differences between two versions: (label, HTML, changed) per part."""
    return [
        (
            label,
            word_diff(getattr(old, name), getattr(new, name)),
            has_changes(getattr(old, name), getattr(new, name)),
        )
        for label, name in (("Title", "title"), ("Summary", "summary"), ("Body", "body"))
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleVersionForm
    list_display = (
        "title",
        "slug",
        "state",
        "latest_number",
        "medical_review",
        "publish_at",
        "comments_open",
    )
    list_select_related = ("published_version",)
    search_fields = ("slug", "versions__title")
    list_filter = ("comments_open",)
    fieldsets = (
        (None, {"fields": ("title", "summary", "body", "change_note", "base_version")}),
        ("Correction", {"fields": ("is_correction", "correction_note")}),
        (
            "Publishing",
            {"fields": ("publish_at", "comments_open", "review_interval_months", "slug")},
        ),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Only the form's Meta fields are the Article's own; "publish_at" and the
        # text fields belong to the new version and must not be written to the
        # article by the ModelForm (publish() sets the article's schedule).
        readonly = self.get_readonly_fields(request, obj)
        kwargs["fields"] = [name for name in ArticleVersionForm.Meta.fields if name not in readonly]
        form = super().get_form(request, obj, change, **kwargs)
        if "publish_at" in form.base_fields:
            # The time typed is read in the site's time zone: the label says which.
            # A copy, so the form class shared by every request is left as it is.
            zone = timezone.get_current_timezone_name()
            field = copy.deepcopy(form.base_fields["publish_at"])
            field.label = f"Publish at ({zone})"
            field.help_text = f"{field.help_text} Times are in the {zone} time zone."
            form.base_fields["publish_at"] = field
        return form

    def get_readonly_fields(self, request, obj=None):
        # The address of a published page does not change under its readers.
        return ("slug",) if obj is not None else ()

    def get_queryset(self, request):
        latest = ArticleVersion.objects.filter(article=OuterRef("pk")).order_by("-number")
        latest_decision = MedicalReview.objects.filter(version_id=OuterRef("latest_id")).order_by(
            "-created_at", "-pk"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_number=Subquery(latest.values("number")[:1]),
                latest_title=Subquery(latest.values("title")[:1]),
                latest_id=Subquery(latest.values("pk")[:1]),
            )
            .annotate(latest_decision=Subquery(latest_decision.values("decision")[:1]))
        )

    # Changelist columns.

    @admin.display(description="title", ordering="latest_title")
    def title(self, article):
        version = article.published_version
        return version.title if version else article.latest_title

    @admin.display(description="latest version", ordering="latest_number")
    def latest_number(self, article):
        return article.latest_number

    @admin.display(description="medical review of the latest version")
    def medical_review(self, article):
        if article.latest_number is None:
            return "–"
        return REVIEW_LABELS[article.latest_decision]

    @admin.display(description="state")
    def state(self, article):
        version = article.published_version
        if version is None:
            return "Draft"
        if article.publish_at and article.publish_at > timezone.now():
            state = (
                f"Scheduled for {date_format(timezone.localtime(article.publish_at), 'j M Y H:i')}"
            )
        else:
            state = "Published"
        if article.scheduled_at and article.scheduled_version_id:
            when = date_format(timezone.localtime(article.scheduled_at), "j M Y H:i")
            state += f"; an update is scheduled for {when}"
        if article.latest_number and article.latest_number > version.number:
            state += f"; version {article.latest_number} is a draft"
        return state

    # Saving: a new version every time the content changes, never an edit of an old one.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
        else:
            # Only the settings this form edits: publishing state belongs to publish().
            settings_changed = [
                name
                for name in ("comments_open", "review_interval_months")
                if name in form.changed_data
            ]
            if settings_changed:
                obj.save(update_fields=settings_changed)
        publish = "_publish" in request.POST
        version, created = form.save_version(obj, author=request.user, publish=publish)
        if form.publishing_refused:
            saved = "is saved as a draft" if created else "stays a draft"
            self.message_user(
                request,
                f"{form.publishing_refused} Version {version.number} {saved}; "
                "a medical reviewer finds it in their review queue.",
                messages.WARNING,
            )
            return
        if publish and obj.scheduled_version_id == version.pk:
            when = date_format(timezone.localtime(obj.scheduled_at), "j F Y H:i")
            message = (
                f"Version {version.number} is scheduled: readers see it from {when}, "
                f"and version {obj.published_version.number} until then."
            )
        elif publish and obj.publish_at and obj.publish_at > timezone.now():
            when = date_format(timezone.localtime(obj.publish_at), "j F Y H:i")
            message = f"Version {version.number} is scheduled: readers see it from {when}."
        elif publish:
            message = f"Version {version.number} is published."
        elif created:
            message = f"Version {version.number} is saved as a draft; readers do not see it yet."
        else:
            message = "Settings saved; the text did not change, so there is no new version."
        self.message_user(request, message, messages.SUCCESS)

    def _back_to_editing(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        # save_model said what happened; the editor stays on the article.
        return self._back_to_editing(request, obj)

    def response_change(self, request, obj):
        return self._back_to_editing(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The text and its preview need the page's width; the breadcrumbs lead elsewhere.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict as conflict:
            # Everything this request saved was rolled back with the conflict.
            return self.conflict_response(request, conflict, form_url)

    def conflict_response(self, request, conflict, form_url=""):
        """The form again with the editor's text, and what changed in the newer version (409)."""
        article = self.get_object(request, str(conflict.article.pk))
        latest = conflict.latest
        data = request.POST.copy()
        # Saving from this page builds on the newer version the editor has now seen.
        data["base_version"] = str(latest.number)
        fieldsets = self.get_fieldsets(request, article)
        form_class = self.get_form(
            request, article, change=True, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(data, instance=article)
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            {},
            self.get_readonly_fields(request, article),
            model_admin=self,
        )
        # The cleaned text (line breaks as the versions store them), the raw text if invalid.
        cleaned = form.cleaned_data if form.is_valid() else {}
        editor_text = ArticleVersion(
            **{name: cleaned.get(name, data.get(name, "")) for name in ("title", "summary", "body")}
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Someone saved a newer version",
            "subtitle": str(article),
            "adminform": admin_form,
            "object_id": article.pk,
            "original": article,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "conflict_base": conflict.base_number,
            "conflict_latest": latest,
            "conflict_diffs": compare_versions(latest, editor_text),
        }
        response = self.render_change_form(
            request, context, change=True, obj=article, form_url=form_url
        )
        response.template_name = "admin/articles/article/conflict.html"
        response.status_code = 409
        return response

    # Version history, comparison and revert.

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="{}_{}_versions".format(*info),
            ),
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/revert/<int:number>/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            path(
                "preview/",
                self.admin_site.admin_view(self.text_preview_view),
                name="{}_{}_text_preview".format(*info),
            ),
            path(
                "<path:object_id>/review/<int:number>/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "review-queue/",
                self.admin_site.admin_view(self.review_queue_view),
                name="{}_{}_review_queue".format(*info),
            ),
            path(
                "review-schedule/",
                self.admin_site.admin_view(self.review_schedule_view),
                name="{}_{}_review_schedule".format(*info),
            ),
            *super().get_urls(),
        ]

    def _article_to_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if (
            article is not None
            and request.method == "GET"
            and not self.has_change_permission(request, article)
            and self.has_view_permission(request, article)
        ):
            # Medical reviewers read versions, not the editors' form: send them to the
            # latest version's review page.
            latest = article.latest_version()
            if latest is not None:
                return HttpResponseRedirect(
                    reverse("admin:articles_article_review", args=[article.pk, latest.number])
                )
        if article is not None:
            latest = article.latest_version()
            extra_context = {
                # The live article's primary button publishes, as "Save" does elsewhere.
                "primary_publish": article.published_version_id is not None,
                "latest_version": latest,
                "latest_review": latest.latest_review() if latest else None,
                "dead_links": list(article.dead_links.all()),
                "may_review": request.user.has_perm("articles.add_medicalreview"),
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": str(article),
            "has_change_permission": self.has_change_permission(request, article),
            **extra,
        }

    def versions_view(self, request, object_id):
        """Every version of the article, newest first, with preview, compare and revert."""
        article = self._article_to_view(request, object_id)
        versions = list(article.versions.select_related("author").order_by("-number"))
        context = self._context(
            request,
            article,
            "Version history",
            versions=versions,
            newest=versions[0] if versions else None,
            oldest=versions[-1] if versions else None,
        )
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

    def compare_view(self, request, object_id):
        """Word-level differences between two versions: ?from=N&to=M (default: the last two)."""
        article = self._article_to_view(request, object_id)
        versions = list(article.versions.select_related("author").order_by("-number"))
        by_number = {version.number: version for version in versions}
        newest = versions[0] if versions else None
        try:
            new = by_number[int(request.GET.get("to", newest.number if newest else 0))]
            default_old = max((n for n in by_number if n < new.number), default=new.number)
            old = by_number[int(request.GET.get("from", default_old))]
        except (KeyError, ValueError):
            raise Http404("No such version of this article.") from None
        context = self._context(
            request,
            article,
            f"Compare version {old.number} with version {new.number}",
            versions=versions,
            old=old,
            new=new,
            diffs=compare_versions(old, new),
        )
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revert_view(self, request, object_id, number):
        """Publish a copy of an older version; history is never rewritten. A GET shows
        what reverting would do and asks to confirm; the confirmation POSTs."""
        return require_http_methods(["GET", "POST"])(self._revert)(request, object_id, number)

    def _revert(self, request, object_id, number):
        article = self._article_to_view(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(article.versions, number=number)
        if request.method == "GET" and not settings.REVIEW_REQUIRED_TO_PUBLISH:
            published = article.published_version
            latest = article.latest_version()
            context = self._context(
                request,
                article,
                f"Revert to version {version.number}?",
                version=version,
                published=published,
                new_number=latest.number + 1,
                diffs=compare_versions(published, version) if published else None,
            )
            return TemplateResponse(
                request, "admin/articles/article/revert_confirmation.html", context
            )
        if settings.REVIEW_REQUIRED_TO_PUBLISH:
            # The copy would be a new version, never reviewed: it may not go live.
            self.message_user(
                request,
                "Reverting publishes a copy of the old version as a new version, and this "
                "site publishes only versions a medical reviewer has approved "
                "(REVIEW_REQUIRED_TO_PUBLISH). Save the old text as a draft from the article "
                "form instead, and publish it once a reviewer has approved it.",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_versions", args=[article.pk])
            )
        copy = article.revert_to(version, author=request.user)
        self.message_user(
            request,
            f"Version {copy.number} is published: a copy of version {version.number}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[article.pk]))

    # The preview beside the text.

    def text_preview_view(self, request):
        """The editor's text, not saved, rendered as readers would see it, for the frame
        beside the form. A POST carries the form's title, summary and body; a GET with
        ?article=<id> shows the latest version, so the frame is filled from the start."""
        return _framed_by_the_admin(require_http_methods(["GET", "POST"])(self._text_preview))(
            request
        )

    def _text_preview(self, request):
        if request.method == "POST":
            if not (self.has_change_permission(request) or self.has_add_permission(request)):
                raise PermissionDenied
            text = {name: request.POST.get(name, "") for name in ("title", "summary", "body")}
        else:
            article = None
            if request.GET.get("article", "").isdigit():
                article = self.get_object(request, request.GET["article"])
            if article is None or not self.has_view_or_change_permission(request, article):
                raise Http404("No such article.")
            latest = article.latest_version()
            text = {name: getattr(latest, name) for name in ("title", "summary", "body")}
        context = {**text, "body_html": _rendered_or_none(text["body"])}
        return TemplateResponse(request, "admin/articles/article/text_preview.html", context)

    # Medical review: the queue, the review of one version, the schedule.

    def review_queue_view(self, request):
        """The versions awaiting a medical reviewer's decision, the longest waiting first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Versions awaiting medical review",
            "versions": ArticleVersion.objects.awaiting_review(),
            "may_review": request.user.has_perm("articles.add_medicalreview"),
        }
        return TemplateResponse(request, "admin/articles/article/review_queue.html", context)

    def review_schedule_view(self, request):
        """Live articles whose next medical review is due within 30 days or overdue."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Medical reviews due",
            "articles": Article.objects.review_schedule(),
        }
        return TemplateResponse(request, "admin/articles/article/review_schedule.html", context)

    def review_view(self, request, object_id, number):
        """One version as readers would see it, and the reviewer's signature: approve it,
        or send it back with a note. Only medical reviewers may sign (add_medicalreview)."""
        article = self._article_to_view(request, object_id)
        version = get_object_or_404(article.versions.select_related("author"), number=number)
        may_sign = request.user.has_perm("articles.add_medicalreview")
        if request.method == "POST":
            if not may_sign:
                raise PermissionDenied("Only medical reviewers sign reviews.")
            form = MedicalReviewForm(request.POST, version=version, reviewer=request.user)
            if form.is_valid():
                review = form.sign()
                self.message_user(request, _review_message(review), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_review_queue"))
        else:
            form = MedicalReviewForm(version=version, reviewer=request.user)
        # What changed since the last version a reviewer approved, to read first.
        previous = article.versions.filter(number__lt=version.number).order_by("-number").first()
        last_approved = article.review_status(previous)[0] if previous else None
        context = self._context(
            request,
            article,
            f"Medical review of version {version.number}",
            version=version,
            form=form if may_sign else None,
            reviews=list(version.reviews.select_related("reviewer")),
            last_approved=last_approved,
            diffs=compare_versions(last_approved.version, version) if last_approved else None,
        )
        return TemplateResponse(request, "admin/articles/article/review.html", context)


def _framed_by_the_admin(view):
    """The preview is shown in a frame of the admin's own page, and only there."""
    return xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF]})(view))


def _rendered_or_none(body):
    """The body rendered as the article page renders it, or None for a text the form
    refuses (too long, nested too deep): the form says why on saving, and the preview
    does not spend the server's time on it."""
    if len(body) > MAX_BODY_CHARACTERS:
        return None
    if nesting_depth(body) > MAX_NESTING or MARKER_RUN.search(body):
        return None
    return render_markdown(body)


def _review_message(review):
    number = review.version.number
    if review.is_approval:
        published = review.version.article.published_version_id == review.version_id
        readers = " Readers now see the review line." if published else ""
        return f"You approved version {number}.{readers}"
    return f"You sent version {number} back to the editors with your note."


class MedicalReviewForm(forms.Form):
    """A reviewer's signature on one version: credentials (kept on their profile), a note."""

    credentials = forms.CharField(
        max_length=150,
        required=False,
        help_text="As readers will see them after your name, e.g. “MD, FRCP”. "
        "Kept for your next reviews.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Required when you send the version back: tell the editors what to change.",
    )

    def __init__(self, *args, version, reviewer, **kwargs):
        self.version, self.reviewer = version, reviewer
        profile = ReviewerProfile.objects.filter(user=reviewer).first()
        kwargs.setdefault("initial", {"credentials": profile.credentials if profile else ""})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if "_approve" in self.data:
            cleaned_data["decision"] = MedicalReview.Decision.APPROVE
        elif "_send_back" in self.data:
            cleaned_data["decision"] = MedicalReview.Decision.SEND_BACK
            if not cleaned_data.get("note", "").strip():
                self.add_error("note", "Tell the editors what to change before sending it back.")
        else:
            raise forms.ValidationError("Choose “Approve” or “Send back”.")
        if not self.reviewer.get_full_name().strip():
            raise forms.ValidationError(
                "Readers see the name you sign with: ask an administrator to add your first "
                "and last name to your user before you sign a review."
            )
        if self.version.author_id and self.version.author_id == self.reviewer.pk:
            raise forms.ValidationError(
                "You wrote this version: another medical reviewer must review it."
            )
        return cleaned_data

    def sign(self):
        return MedicalReview.sign(
            self.version,
            self.reviewer,
            self.cleaned_data["decision"],
            note=self.cleaned_data["note"].strip(),
            credentials=self.cleaned_data["credentials"].strip(),
        )


@admin.register(MedicalReview)
class MedicalReviewAdmin(admin.ModelAdmin):
    """Every signed review, for the record: nobody adds, changes or deletes one here."""

    list_display = ("version", "decision", "reviewer_name", "credentials", "created_at")
    list_filter = ("decision",)
    list_select_related = ("version__article",)
    search_fields = ("reviewer_name", "version__title")
    readonly_fields = (
        "version",
        "reviewer",
        "reviewer_name",
        "credentials",
        "decision",
        "note",
        "created_at",
    )

    def has_add_permission(self, request):
        return False  # reviews are signed on the version's review page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "credentials", "bio")
    search_fields = ("user__username", "user__first_name", "user__last_name", "credentials")


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    """The bios readers see in the bylines."""

    list_display = ("user", "bio")
    search_fields = ("user__username", "user__first_name", "user__last_name")


@admin.register(DeadLink)
class DeadLinkAdmin(admin.ModelAdmin):
    """The links check_references found dead, for the record; the command rewrites them."""

    list_display = ("url", "article", "problem", "checked_at")
    list_select_related = ("article__published_version",)
    readonly_fields = ("article", "url", "status_code", "error", "checked_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
