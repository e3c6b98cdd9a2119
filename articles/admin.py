"""Writing and publishing articles in Django's admin.

The change form edits a new version, starting from the latest one: "Save
draft" adds it, "Save and publish" adds and publishes it (at "Publish at" if
set), "Send for review" adds it and asks for its medical review (with a note,
optionally naming the reviewer: articles/reviewing.py emails them). With
REVIEW_REQUIRED_TO_PUBLISH on (the default), "Send for review" is the primary
button and an approved version is published with "Publish version N". Old
versions are never changed. A save from a stale base shows a conflict page
(409) instead of overwriting a colleague. The article's writers (the byline,
in order) are edited in the form too; saving a version never changes them.

ArticleAdmin's other pages come from two mixins it inherits. The version
history, the comparison of any two versions, "revert" (after a confirmation
page, as Django's delete asks) and the preview of the unsaved Markdown beside
the editor are in articles/version_admin.py. Medical reviewers (the "Medical
reviewers" group) have a queue of versions awaiting review and sign a review
of one exact version (approve, or send back with a note) on its review page;
the review schedule lists the articles due for their next review: those are
in articles/review_admin.py.
"""

import copy

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from . import (
    records_admin,  # noqa: F401 (registers the signed reviews and dead links, read-only)
    topic_admin,  # noqa: F401 - registers TopicAdmin and TagAdmin
)
from .forms import WITHDRAWAL_FIELDS, ArticleVersionForm
from .image_admin import library_picker
from .models import (
    Article,
    ArticleVersion,
    MedicalReview,
    VersionConflict,
    purge_topic_pages,
)
from .people_admin import BylineInline, PersonAdmin  # noqa: F401 (PersonAdmin: registered)
from .review_admin import MedicalReviewViewsMixin, ReviewRequestForm
from .version_admin import VersionViewsMixin, compare_versions

REVIEW_LABELS = {
    None: "Awaits review",
    MedicalReview.Decision.APPROVE: "Approved",
    MedicalReview.Decision.SEND_BACK: "Changes requested",
}


@admin.register(Article)
class ArticleAdmin(VersionViewsMixin, MedicalReviewViewsMixin, admin.ModelAdmin):
    form = ArticleVersionForm
    inlines = [BylineInline]
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
    autocomplete_fields = ("primary_topic", "topics", "tags", "replaced_by")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "summary",
                    "key_takeaways",
                    "lead_image",
                    "body",
                    "change_note",
                    "base_version",
                )
            },
        ),
        # The article's own, not a version's: a change is not a new version.
        ("Topics and tags", {"fields": ("primary_topic", "topics", "tags")}),
        ("Correction", {"fields": ("is_correction", "correction_note")}),
        (
            "Publishing",
            {"fields": ("publish_at", "comments_open", "review_interval_months", "slug")},
        ),
        # Issue 21: scheduled withdrawal (articles/schedule.py carries it out at its time).
        ("Withdrawal", {"fields": WITHDRAWAL_FIELDS, "classes": ("collapse",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Only the form's Meta fields are the Article's own; "publish_at" and the
        # text fields belong to the new version and must not be written to the
        # article by the ModelForm (publish() sets the article's schedule).
        readonly = self.get_readonly_fields(request, obj)
        kwargs["fields"] = [name for name in ArticleVersionForm.Meta.fields if name not in readonly]
        form = super().get_form(request, obj, change, **kwargs)
        for name, label in (("publish_at", "Publish at"), ("withdraw_at", "Withdraw at")):
            if name in form.base_fields:
                # The time typed is read in the site's time zone: the label says which.
                # A copy, so the form class shared by every request is left as it is.
                zone = timezone.get_current_timezone_name()
                field = copy.deepcopy(form.base_fields[name])
                field.label = f"{label} ({zone})"
                field.help_text = f"{field.help_text} Times are in the {zone} time zone."
                form.base_fields[name] = field
        if "lead_image" in form.base_fields:
            # A library of thousands: searched as one types (articles/image_admin.py).
            field = copy.deepcopy(form.base_fields["lead_image"])
            field.widget = AutocompleteSelect(
                ArticleVersion._meta.get_field("lead_image"), self.admin_site
            )
            form.base_fields["lead_image"] = field
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
        if article.withdraw_at:
            when = date_format(timezone.localtime(article.withdraw_at), "j M Y H:i")
            done = article.is_withdrawn()
            state = f"Withdrawn {when}" if done else f"{state}; to be withdrawn {when}"
        return state

    # Saving: a new version every time the content changes, never an edit of an old one.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
        else:
            # Only the settings this form edits: publishing state belongs to publish().
            settings_changed = [
                name
                for name in (
                    "comments_open",
                    "review_interval_months",
                    "primary_topic",
                    *WITHDRAWAL_FIELDS,
                )
                if name in form.changed_data
            ]
            if "withdraw_at" in settings_changed:
                # A new time (or none): the withdrawal is carried out anew at that time.
                obj.withdrawn_at = None
                settings_changed.append("withdrawn_at")
            if settings_changed:
                obj.save(update_fields=settings_changed)
            if "primary_topic" in form.changed_data:
                # Its old topic's pages listed it; its breadcrumbs name the new one.
                old_topic = form.initial.get("primary_topic")
                if old_topic:
                    purge_topic_pages([old_topic])
                obj.expire_pages()
        publish = "_publish" in request.POST
        version, created = form.save_version(obj, author=request.user, publish=publish)
        if "_send_for_review" in request.POST:
            self._send_for_review(request, obj, version, created)
            return
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # A new byline: the pages that show it render afresh.
            form.instance.expire_pages()

    def _back_to_editing(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        # save_model said what happened; the editor stays on the article.
        return self._back_to_editing(request, obj)

    def response_change(self, request, obj):
        return self._back_to_editing(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The text and its preview need the page's width; the breadcrumbs lead elsewhere.
        extra_context = {
            "is_nav_sidebar_enabled": False,
            "library_images": library_picker(),
            "review_form": ReviewRequestForm(),
            "review_required": settings.REVIEW_REQUIRED_TO_PUBLISH,
            **(extra_context or {}),
        }
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
        lead = cleaned.get("lead_image")
        editor_text.images = ArticleVersion.snapshot_images(
            lead.pk if lead else None, editor_text.body
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
                "open_request": (
                    latest.review_requests.undecided().select_related("reviewer").last()
                    if latest
                    else None
                ),
                "may_publish_latest": bool(
                    latest
                    and latest.pk != article.published_version_id
                    and not article.publishing_refusal(latest)
                    and latest.approving_review()
                ),
                "withdrawn": article.is_withdrawn(),
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)
