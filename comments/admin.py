"""The moderation queue in Django's admin.

The Comment changelist opens on the pending comments, newest first. Bulk
actions and the one-click buttons on the change page call the model's own
approve/mark_spam/remove/restore, so every decision records who made it and when;
each is also written to the comment's History (Django's LogEntry), whoever decided it
and however (a row's button, a bulk action, the change page, a staff reply).
The queue's rows carry Approve and Spam buttons that post, with the changelist form's
CSRF token, to the same one-comment view as the change page's buttons, and come back to
the same filtered page of the queue.
A reply is never published under a parent readers cannot see: approving it
approves the parents too, after the moderator has confirmed that.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from articles.models import Article

from . import queue_admin  # noqa: F401 - registers emails, subscriptions, reports, block list
from .blocklist import block_links
from .models import Comment
from .paginators import SEARCH_COUNT_CEILING, QueuePaginator
from .privacy import erase_commenter_data_action, export_commenter_data_action
from .reports import Report, report_summary

# What an article's address may be (a SlugField); anything else finds no article, unread.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class CommentStatusFilter(admin.SimpleListFilter):
    """Status filter whose default is the pending queue; "All" is a choice of its own."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.everything, "All")]

    def value(self):
        # An unknown status (a mistyped or forged address) shows the default queue.
        value = super().value()
        known = {self.everything, *Comment.Status.values}
        return value if value in known else self.default

    def queryset(self, request, queryset):
        if self.value() == self.everything:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        # The parent class adds an "All" link that removes the parameter, which
        # here means "pending"; our own "all" choice replaces it.
        for choice in super().choices(changelist):
            if choice["query_string"] != changelist.get_query_string(remove=[self.parameter_name]):
                yield choice


class CommentArticleFilter(admin.SimpleListFilter):
    """Filter by the article's address (its slug), typed in a box: a site of ten thousand
    articles cannot list them all in the sidebar. Only the chosen article is read."""

    title = "article"
    parameter_name = "article"
    template = "admin/comments/comment/article_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.article = None
        slug = self.value()
        if slug and SLUG.fullmatch(slug):
            self.article = (
                Article.objects.filter(slug=slug).select_related("published_version").first()
            )
        # lookups() ran before the article was read; they name it now.
        self.lookup_choices = list(self.lookups(request, model_admin))

    def lookups(self, request, model_admin):
        article = getattr(self, "article", None)
        return [(article.slug, str(article))] if article else []

    def has_output(self):
        return True

    def choices(self, changelist):
        # The search box resubmits every other parameter of the list (status, search, order).
        self.kept_parameters = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield from super().choices(changelist)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.article is None:
            return queryset.none()
        return queryset.filter(article=self.article)


def _version_label(version):
    kind = "correction" if version.is_correction else "update"
    when = version.published_at.strftime("%d %b %Y") if version.published_at else "not published"
    return f"Version {version.number} ({kind}, {when}): {version.change_note or version.title}"


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported (with any status)."""

    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            # A subquery, not a join: the "reports" column counts each report once.
            return queryset.filter(Exists(Report.objects.filter(comment=OuterRef("pk"))))
        return queryset


class QueueChangeList(ChangeList):
    """The queue's changelist: each comment shown knows the queue's filters, so that its
    row's links and buttons come back to this same page (status, article, search, page)."""

    def get_results(self, request):
        super().get_results(request)
        may_decide = self.model_admin.has_change_permission(request)
        for comment in self.result_list:
            comment.queue_filters = self.preserved_filters
            comment.may_decide = may_decide


# What each one-comment decision writes in the comment's History.
DECISIONS = {
    "approve": "Approved.",
    "spam": "Marked as spam.",
    "remove": "Removed.",
    "restore": "Sent back to pending.",
}


def log_decision(request, comments, message):
    """Write a moderation decision into the History of each comment (one INSERT for all):
    Django's LogEntry keeps who (request.user) and when."""
    comments = list(comments)
    if comments:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=comments, action_flag=CHANGE, change_message=message
        )


def log_approvals(request, approved, how):
    """History for approve_with_parents(): the comment chosen, and each parent it took along."""
    if not approved:
        return
    *parents, last = approved
    log_decision(request, [last], f"Approved ({how}).")
    for parent in parents:
        log_decision(
            request, [parent], f"Approved ({how}), with the reply #{last.pk} that answers it."
        )


def queue_url(filters):
    """The queue's address with the filters it was showing (only our own changelist's)."""
    changelist = reverse("admin:comments_comment_changelist")
    if not filters:
        return changelist
    # Parsed and encoded again: whatever was sent stays a query string of our own page.
    return f"{changelist}?{QueryDict(filters).urlencode()}"


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
class CommentAdmin(admin.ModelAdmin):
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
            {
                "fields": (
                    "created_at",
                    "ip_address",
                    "user_agent",
                    "staff_reply",
                    "moderated_by",
                    "moderated_at",
                )
            },
        ),
    )
    readonly_fields = (
        "article_link",
        "version_link",
        "parent_comment",
        "email",
        "as_readers_see_it",
        "created_at",
        "ip_address",
        "user_agent",
        "staff_reply",
        "moderated_by",
        "moderated_at",
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
            field.label_from_instance = _version_label
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

    # Columns and read-only fields.

    @admin.display(description="comment")
    def excerpt(self, comment):
        """A short excerpt linked to the comment (its longer text in the link's title), and
        the comment it answers, if any. The parent comes with the page's one query."""
        filters = getattr(comment, "queue_filters", "")
        url = add_preserved_filters(
            {"preserved_filters": filters, "opts": self.opts},
            reverse("admin:comments_comment_change", args=[comment.pk]),
        )
        link = format_html(
            '<a href="{}" title="{}">{}</a>',
            url,
            Truncator(comment.body).chars(300),
            # Fourteen words at most, and 120 characters: a long word or address is cut too.
            Truncator(Truncator(comment.body).words(14, truncate="…")).chars(120),
        )
        if comment.parent_id is None:
            return link
        return format_html('{}<span class="reply-to">{}</span>', link, reply_to(comment.parent))

    @admin.display(description="date", ordering="created_at")
    def date(self, comment):
        local = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            local.isoformat(),
            date_format(local, "j F Y, H:i T"),
            date_format(local, "j M Y H:i"),
        )

    @admin.display(description="decide")
    def decide(self, comment):
        """Approve and Spam, one click each: submit buttons of the changelist's own form
        (so they post its CSRF token) sent to the one-comment view, back to this page.
        Approving a reply under a hidden comment approves that one too: the button says so
        (the parent comes with the page's one query)."""
        if not getattr(comment, "may_decide", False):
            return ""
        hidden_parent = comment.parent_id and comment.parent.status != Comment.Status.APPROVED
        buttons = []
        if comment.status != Comment.Status.APPROVED:
            if hidden_parent:
                buttons.append(
                    (
                        "approve",
                        "Approve both",
                        "Approve both, the comment it answers and the comment by",
                    )
                )
            else:
                buttons.append(("approve", "Approve", "Approve the comment by"))
        if comment.status != Comment.Status.SPAM:
            buttons.append(("spam", "Spam", "Spam the comment by"))
        filters = getattr(comment, "queue_filters", "")
        return format_html_join(
            "",
            '<button type="submit" class="button row-decision{}" formaction="{}"'
            ' aria-label="{} {}">{}</button>',
            (
                (
                    " default" if action == "approve" else "",
                    add_preserved_filters(
                        {"preserved_filters": filters, "opts": self.opts},
                        reverse("admin:comments_comment_moderate", args=[comment.pk, action]),
                    ),
                    described,
                    comment.name,
                    label,
                )
                for action, label, described in buttons
            ),
        )

    # Who wrote it and from where, in one column: a separate IP column pushed the row's
    # buttons out of a 1280 px screen.
    @admin.display(description="name", ordering="name")
    def name_and_address(self, comment):
        if not comment.ip_address:
            return comment.name
        return format_html(
            '{}<span class="ip-address" title="IP address">{}</span>',
            comment.name,
            comment.ip_address,
        )

    @admin.display(description="article", ordering="article")
    def article_link(self, comment):
        url = reverse("admin:articles_article_change", args=[comment.article_id])
        return format_html('<a href="{}">{}</a>', url, comment.article)

    @admin.display(description="written on")
    def version_link(self, comment):
        version = comment.article_version
        if version is None:
            return "–"
        url = reverse(
            "articles:preview", kwargs={"slug": comment.article.slug, "number": version.number}
        )
        current = version.pk == comment.article.published_version_id
        return format_html(
            '<a href="{}">Version {}</a> {}',
            url,
            version.number,
            "(the published version)" if current else "(no longer the published version)",
        )

    @admin.display(description="in reply to")
    def parent_comment(self, comment):
        parent = comment.parent
        if parent is None:
            return "– (a comment on the article itself)"
        url = reverse("admin:comments_comment_change", args=[parent.pk])
        return format_html(
            '<div class="comment-parent"><p class="reply-to">{}</p>'
            '<p><a href="{}">{}</a>, {}, {}</p>'
            '<div class="comment-text">{}</div></div>',
            reply_to(parent),
            url,
            parent.name,
            parent.get_status_display().lower(),
            parent.created_at.strftime("%d %b %Y %H:%M"),
            _sanitised(parent.body_html),
        )

    @admin.display(description="as readers see it")
    def as_readers_see_it(self, comment):
        return format_html('<div class="comment-text">{}</div>', _sanitised(comment.body_html))

    @admin.display(description="reports", ordering="report_count")
    def report_count(self, comment):
        return comment.report_count or ""

    @admin.display(description="reports")
    def reports_received(self, comment):
        return report_summary(comment) or "None"

    @admin.display(description="staff reply", boolean=True)
    def staff_reply(self, comment):
        return comment.is_staff_reply

    # Saving: a status changed in the form is a moderation decision like any other.

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            obj.set_status(obj.status, by=request.user)
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
                f"{_replies_hidden_note(comment.approved_reply_count())}"
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
        newly_approved = parent.approve_with_parents(by=request.user)
        log_approvals(request, newly_approved, "by replying to it")
        now = timezone.now()
        reply = Comment(
            article=parent.article,
            article_version_id=parent.article.published_version_id,
            parent=parent,
            name=form.cleaned_data["sign_as"],
            email=request.user.email or settings.DEFAULT_FROM_EMAIL,
            body=form.cleaned_data["body"],
            is_staff_reply=True,
            status=Comment.Status.APPROVED,
            moderated_by=request.user,
            moderated_at=now,
            created_at=now,
        )
        reply.save()
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
        message = f"{count} comment{'s' * (count != 1)} {done}.{_replies_hidden_note(replies)}"
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


ACTION_OF = {
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "remove",
    Comment.Status.PENDING: "restore",
}


def reply_to(parent):
    """ "Reply to Ada: “first words…”", linked to the parent's change page."""
    return format_html(
        'Reply to <a href="{}">{}</a>: “{}”',
        reverse("admin:comments_comment_change", args=[parent.pk]),
        parent.name,
        Truncator(Truncator(parent.body).words(8, truncate="…")).chars(60),
    )


def _replies_hidden_note(replies):
    """What becomes of the approved replies under comments that readers no longer see."""
    if not replies:
        return ""
    return (
        f" {replies} approved repl{'ies' if replies != 1 else 'y'} below "
        f"{'are' if replies != 1 else 'is'} hidden from readers too (from the page, the count "
        "and the feed) until the comment answered is approved again."
    )


def _sanitised(html):
    """A comment's stored body_html, safe to print: bleach cleaned it when it was saved."""
    return mark_safe(html)  # noqa: S308 - sanitised by comments.markup.render_comment
