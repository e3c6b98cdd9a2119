"""The Comment queue's ModelAdmin: its configuration, one-click decisions, the staff reply
and the bulk actions (see the package's docstring)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from ..blocklist import block_links
from ..models import Comment, Report
from ..paginators import SEARCH_COUNT_CEILING, QueuePaginator
from .changelist import (
    ACTION_OF,
    DECISIONS,
    QueueChangeList,
    log_approvals,
    log_decision,
    queue_url,
    replies_hidden_note,
)
from .columns import CommentColumns
from .featuring import feature_selected, unfeature_selected
from .filters import CommentArticleFilter, CommentStatusFilter, ReportedFilter, version_label
from .privacy import erase_commenter_data_action, export_commenter_data_action

# Where a comment came from and who decided on it: shown, never edited.
WHERE_IT_CAME_FROM = (
    "created_at",
    "ip_address",
    "user_agent",
    "staff_reply",
    "moderated_by",
    "moderated_at",
)


class StaffReplyForm(forms.Form):
    """A reply written in the admin: published at once, under a "Staff" badge."""

    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Comment._meta.get_field("body").max_length,
        help_text="Published at once, marked “Staff”. Plain text; links become links.",
    )
    sign_as = forms.ChoiceField(label="Sign as", choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(settings.SITE_NAME, f"{settings.SITE_NAME} (the site)")]
        full_name = user.get_full_name().strip()
        if full_name:
            choices.append((full_name, f"{full_name} (you)"))
        self.fields["sign_as"].choices = choices


@admin.register(Comment)
class CommentAdmin(CommentColumns, admin.ModelAdmin):
    list_display = (
        "excerpt",
        "name_and_address",
        "email",
        "article_link",
        "status",
        "date",
        "report_count",
        "decide",
    )
    # The excerpt is its own link (with the queue's filters): its cell also links the parent.
    list_display_links = None
    list_filter = (CommentStatusFilter, CommentArticleFilter, ReportedFilter)
    list_select_related = ("article__published_version",)
    search_fields = ("name", "email", "body", "ip_address")
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    # With two hundred thousand comments, counting them all on every page is the slow part.
    show_full_result_count = False
    actions = (
        "approve_selected",
        "mark_selected_spam",
        "remove_selected",
        "restore_selected",
        feature_selected,
        unfeature_selected,
        export_commenter_data_action,
        erase_commenter_data_action,
    )
    fieldsets = (
        (
            None,
            {"fields": ("article_link", "version_link", "parent_comment", "status")},
        ),
        (
            "Did it lead to a change?",
            {"fields": ("led_to_version",)},
        ),
        ("The comment", {"fields": ("name", "email", "website", "body", "as_readers_see_it")}),
        ("Readers' reports", {"fields": ("reports_received",)}),
        (
            "Where it came from",
            {"fields": WHERE_IT_CAME_FROM},
        ),
    )
    readonly_fields = (
        "article_link",
        "version_link",
        "parent_comment",
        "email",
        "as_readers_see_it",
        *WHERE_IT_CAME_FROM,
        "reports_received",
    )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = bool(request.GET.get("q", "").strip())
        return QueuePaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_ceiling=SEARCH_COUNT_CEILING if searching else None,
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"  # what readers type without a scheme today
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "led_to_version" in form.base_fields:
            # Only a version of the comment's own article can have acted on it.
            field = form.base_fields["led_to_version"]
            field.queryset = obj.article.versions.order_by("-number")
            field.label_from_instance = version_label
        return form

    def view_on_site(self, comment):
        # Only an approved comment is on the article page to be viewed.
        return comment.get_absolute_url() if comment.status == Comment.Status.APPROVED else None

    # Comments come from readers; the admin moderates them and never creates them.
    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        reports_per_comment = (
            Report.objects.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .select_related(
                "article__published_version", "article_version", "parent", "moderated_by"
            )
            # A subquery per comment shown, not a join and GROUP BY over every comment: the
            # queue then reads one page of comments from an index, however big the table.
            .annotate(report_count=Coalesce(Subquery(reports_per_comment), 0))
            # The admin shows versions by title and number; their text stays in the database.
            .defer(
                *(
                    f"{version}__{field}"
                    for version in ("article__published_version", "article_version")
                    for field in ("summary", "body", "body_html", "search_vector")
                )
            )
        )

    # Saving: a status changed in the form is a moderation decision like any other.

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            obj.set_status(obj.status, by=request.user)
        elif change:
            obj.save_edit()  # a moderator's correction: readers' pages show it
        else:
            super().save_model(request, obj, form, change)

    # The changelist title carries the size of the queue.

    def changelist_view(self, request, extra_context=None):
        pending = Comment.objects.pending().count()
        extra_context = {
            "title": f"Comments: {pending} pending",
            # The queue needs the page's width for its columns; breadcrumbs lead elsewhere.
            "is_nav_sidebar_enabled": False,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        comment = self.get_object(request, object_id)
        if comment is not None and self.has_change_permission(request, comment):
            extra_context.update(
                moderation_buttons=self.moderation_buttons(comment),
                unapproved_parents=comment.unapproved_parents(),
                approved_replies=comment.approved_reply_count(),
                reply_form=StaffReplyForm(user=request.user),
                block_links=block_links(comment),
                queue_filters=request.GET.get("_changelist_filters", ""),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def moderation_buttons(comment):
        """The one-click decisions offered for this comment: (action, label)."""
        labels = {
            "approve": "Approve",
            "spam": "Mark as spam",
            "remove": "Remove",
            "restore": "Back to pending",
        }
        current = {
            Comment.Status.APPROVED: "approve",
            Comment.Status.SPAM: "spam",
            Comment.Status.REMOVED: "remove",
            Comment.Status.PENDING: "restore",
        }[comment.status]
        return [(action, label) for action, label in labels.items() if action != current]

    # One-click moderation and the staff reply, from the change page.

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/moderate/<str:action>/",
                self.admin_site.admin_view(self.moderate_view),
                name="{}_{}_moderate".format(*info),
            ),
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="{}_{}_reply".format(*info),
            ),
            *super().get_urls(),
        ]

    def _comment_to_change(self, request, object_id):
        # get_object() answers None for an id that is not a number ("abc"), as for a missing one.
        comment = self.get_object(request, object_id)
        if comment is None:
            raise Http404("No comment with that id.")
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        return comment

    def moderate_view(self, request, object_id, action):
        """Approve, mark as spam, remove or restore one comment with one POST."""
        return require_POST(self._moderate)(request, object_id, action)

    def _moderate(self, request, object_id, action):
        comment = self._comment_to_change(request, object_id)
        if action == "approve":
            approved = comment.approve_with_parents(by=request.user)
            log_approvals(request, approved, "one click")
            parents = len([each for each in approved if each.pk != comment.pk])
            message = f"Approved the comment by {comment.name}"
            message += f" and {parents} parent comment{'s' * (parents != 1)}." if parents else "."
        elif action in ("spam", "remove", "restore"):
            decide = {
                "spam": comment.mark_spam,
                "remove": comment.remove,
                "restore": comment.restore,
            }[action]
            decide(by=request.user)
            log_decision(request, [comment], DECISIONS[action])
            message = (
                f"The comment by {comment.name} is now {comment.get_status_display().lower()}."
                f"{replies_hidden_note(comment.approved_reply_count())}"
            )
        else:
            raise PermissionDenied("unknown moderation action")
        self.message_user(request, message, messages.SUCCESS)
        # Back to the queue, as filtered when the moderator left it: the next comment is there.
        return HttpResponseRedirect(queue_url(request.GET.get("_changelist_filters", "")))

    def reply_view(self, request, object_id):
        """Publish a staff reply to this comment, approving the comment first if need be."""
        return require_POST(self._reply)(request, object_id)

    def _reply(self, request, object_id):
        parent = self._comment_to_change(request, object_id)
        change_url = reverse("admin:comments_comment_change", args=[parent.pk])
        form = StaffReplyForm(request.POST, user=request.user)
        if not form.is_valid():
            errors = "; ".join(error for errors in form.errors.values() for error in errors)
            self.message_user(request, f"The reply was not published: {errors}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        reply, newly_approved = parent.reply_as_staff(
            by=request.user, name=form.cleaned_data["sign_as"], body=form.cleaned_data["body"]
        )
        log_approvals(request, newly_approved, "by replying to it")
        self.log_addition(request, reply, "Published as a staff reply.")
        note = " The comment you answered is approved too." if newly_approved else ""
        self.message_user(
            request,
            format_html(
                'Your reply is published: <a href="{}">see it on the article</a>.{}',
                reply.get_absolute_url(),
                note,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    # Bulk actions.

    def _moderate_selected(self, request, queryset, status, done):
        """Give every selected comment ``status``; those that have it already are not counted."""
        decide = {
            Comment.Status.SPAM: Comment.mark_spam,
            Comment.Status.REMOVED: Comment.remove,
            Comment.Status.PENDING: Comment.restore,
        }[status]
        count = replies = 0
        decided = []
        for comment in queryset.exclude(status=status):
            decide(comment, by=request.user)
            decided.append(comment)
            count += 1
            replies += comment.approved_reply_count()
        log_decision(request, decided, f"{DECISIONS[ACTION_OF[status]][:-1]} (bulk action).")
        message = f"{count} comment{'s' * (count != 1)} {done}.{replies_hidden_note(replies)}"
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve_selected(self, request, queryset):
        comments = list(queryset.select_related("parent"))
        selected = {comment.pk for comment in comments}
        orphans = []
        for comment in comments:
            hidden = [each for each in comment.unapproved_parents() if each.pk not in selected]
            if hidden:
                orphans.append((comment, hidden))
        if orphans and not request.POST.get("approve_parents"):
            # Ask first: a reply published under a hidden parent would read as an orphan.
            context = {
                **self.admin_site.each_context(request),
                "title": "Approve the parent comments too?",
                "opts": self.opts,
                "comments": comments,
                "orphans": orphans,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/comments/comment/approve_with_parents.html", context
            )
        approved = set()
        for comment in comments:
            changed = comment.approve_with_parents(by=request.user)
            log_approvals(request, changed, "bulk action")
            approved.update(each.pk for each in changed)
        count = len(approved)
        self.message_user(
            request, f"{count} comment{'s' * (count != 1)} approved.", messages.SUCCESS
        )

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_selected_spam(self, request, queryset):
        self._moderate_selected(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove_selected(self, request, queryset):
        self._moderate_selected(request, queryset, Comment.Status.REMOVED, "removed")

    @admin.action(description="Restore selected comments to pending", permissions=["change"])
    def restore_selected(self, request, queryset):
        self._moderate_selected(request, queryset, Comment.Status.PENDING, "restored to pending")
