"""The Comment queue's ModelAdmin: its configuration, its pages and the bulk actions (see
the package's docstring); the one-comment decisions are in decisions.py, the monthly
report in report.py."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from ..blocklist import block_links
from ..models import Comment, RejectionReason, Report
from ..paginators import SEARCH_COUNT_CEILING, QueuePaginator
from .changelist import (
    ACTION_OF,
    DECISIONS,
    QueueChangeList,
    log_approvals,
    log_decision,
    replies_hidden_note,
)
from .columns import REASON_OPTIONS, CommentColumns
from .decisions import DecisionViews, StaffReplyForm
from .featuring import feature_selected, unfeature_selected
from .filters import (
    CommentArticleFilter,
    CommentStatusFilter,
    HoldReasonFilter,
    ReportedFilter,
    version_label,
)
from .privacy import erase_commenter_data_action, export_commenter_data_action
from .report import ReportView
from .undo import states_before, undo_form

# Where a comment came from and who decided on it: shown, never edited.
WHERE_IT_CAME_FROM = (
    "written_at",
    "ip_address",
    "user_agent",
    "staff_reply",
    "moderated_by",
    "decided_at",
    "rejected_because",
)


@admin.register(Comment)
class CommentAdmin(CommentColumns, DecisionViews, ReportView, admin.ModelAdmin):
    list_display = (
        "comment_text",
        "sender",
        "article_link",
        "date",
        "report_count",
        "decide",
    )
    # The sender's name links to the comment (with the queue's filters); the text cell links
    # the parent.
    list_display_links = None
    list_filter = (CommentStatusFilter, HoldReasonFilter, CommentArticleFilter, ReportedFilter)
    list_select_related = ("article__published_version",)
    search_fields = ("name", "email", "body", "ip_address")
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    # With two hundred thousand comments, counting them all on every page is the slow part.
    show_full_result_count = False
    # The status filter counts its own choices in one query; Django's facets would count
    # every choice of every filter.
    show_facets = admin.ShowFacets.NEVER
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
    # The text first (and why it is held), then the decision (the template puts it after
    # this first fieldset), then where it stands and the rest.
    fieldsets = (
        ("The comment", {"fields": ("as_readers_see_it", "held_because", "name", "email")}),
        (
            "On the article",
            {"fields": ("article_link", "version_link", "parent_comment", "status")},
        ),
        ("Readers' reports", {"fields": ("reports_received",)}),
        ("Correct the text", {"fields": ("body", "website")}),
        (
            "Did it lead to a change?",
            {"fields": ("led_to_version",)},
        ),
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
        "held_because",
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
            # The form changed the instance already: what Undo restores is in the database.
            before = states_before(Comment.objects.filter(pk=obj.pk))
            obj.set_status(obj.status, by=request.user)
            self.message_user(
                request,
                format_html(
                    "The comment by {} is now {}. {}",
                    obj.name,
                    obj.get_status_display().lower(),
                    undo_form(request, before, [obj]),
                ),
                messages.SUCCESS,
            )
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
            "reasons": RejectionReason.choices,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        # Deleting cannot be undone: last in the menu, never the first thing offered.
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = actions.pop("delete_selected")
        return actions

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
                reason_options=REASON_OPTIONS,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def moderation_buttons(comment):
        """The one-click decisions offered for this comment: (action, label)."""
        # Rejecting, with its reason, has a menu of its own on the page.
        labels = {
            "approve": "Approve",
            "spam": "Mark as spam",
            "restore": "Back to pending",
        }
        current = {
            Comment.Status.APPROVED: "approve",
            Comment.Status.SPAM: "spam",
            Comment.Status.REMOVED: "remove",
            Comment.Status.PENDING: "restore",
        }[comment.status]
        return [(action, label) for action, label in labels.items() if action != current]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="{}_{}_report".format(*info),
            ),
            *self.decision_urls(),
            *super().get_urls(),
        ]

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
        to_decide = list(queryset.exclude(status=status))
        before = states_before(to_decide)
        for comment in to_decide:
            decide(comment, by=request.user)
            decided.append(comment)
            count += 1
            replies += comment.approved_reply_count()
        log_decision(request, decided, f"{DECISIONS[ACTION_OF[status]][:-1]} (bulk action).")
        message = f"{count} comment{'s' * (count != 1)} {done}.{replies_hidden_note(replies)}"
        self.message_user(
            request,
            format_html("{} {}", message, undo_form(request, before, decided)),
            messages.SUCCESS,
        )

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
        approved = {}
        before = states_before(comments)
        for comment in comments:
            if comment.status == Comment.Status.APPROVED:
                continue
            before.update(states_before(comment.unapproved_parents()))
            changed = comment.approve_with_parents(by=request.user)
            log_approvals(request, changed, "bulk action")
            approved.update((each.pk, each) for each in changed)
        count = len(approved)
        self.message_user(
            request,
            format_html(
                "{} {}",
                f"{count} comment{'s' * (count != 1)} approved.",
                undo_form(request, before, approved.values()),
            ),
            messages.SUCCESS,
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
