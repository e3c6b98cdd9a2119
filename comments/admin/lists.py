"""Admin lists for what surrounds the comments: outgoing emails, subscriptions, reports
and the block list."""

from django.contrib import admin, messages
from django.utils.text import Truncator

from ..mail import last_heartbeat, send_again, unsent_emails, worker_is_late
from ..models import BlockedSender, OutgoingEmail, Report, Subscription


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Every email the site queued: failed ones show here with their error, for staff."""

    list_display = ("subject", "kind", "status", "attempts", "created_at", "sent_at", "error")
    list_filter = ("status", "kind")
    search_fields = ("subject",)
    actions = ("send_again",)
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    list_per_page = 50
    change_list_template = "admin/comments/outgoingemail/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="last error")
    def error(self, email):
        return Truncator(email.last_error).chars(80)

    @admin.action(description="Send the selected unsent emails again", permissions=["view"])
    def send_again(self, request, queryset):
        unsent = list(unsent_emails(queryset))
        for email in unsent:
            send_again(email)
        self.message_user(request, f"{len(unsent)} unsent email(s) queued again.", messages.SUCCESS)
        skipped = queryset.count() - len(unsent)
        if skipped:
            self.message_user(
                request,
                f"{skipped} left as they are: sent already, or being sent by a worker right now.",
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        """The list, headed by the mail worker's last heartbeat: is anyone sending?"""
        worker = last_heartbeat()
        extra_context = {
            **(extra_context or {}),
            "mail_worker": worker,
            "mail_worker_late": worker_is_late(worker),
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "article", "comment_id", "created_at", "confirmed_at")
    list_filter = ("kind", ("confirmed_at", admin.EmptyFieldListFilter))
    list_select_related = ("article__published_version",)
    search_fields = ("email",)
    readonly_fields = ("email", "kind", "article", "comment", "created_at", "confirmed_at")

    def has_add_permission(self, request):
        return False  # only the address's owner subscribes, from the comment form


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("comment_excerpt", "reason", "created_at", "reporter_ip", "email")
    list_filter = ("reason",)
    list_select_related = ("comment",)
    readonly_fields = ("comment", "reason", "note", "email", "reporter_ip", "created_at")

    def has_add_permission(self, request):
        return False

    @admin.display(description="comment")
    def comment_excerpt(self, report):
        return Truncator(report.comment.body).words(10, truncate="…")


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    """The block list: the comment page's "Block ..." links open the add form filled in."""

    list_display = ("value", "kind", "note", "expires_at", "created_at", "created_by")
    list_filter = ("kind",)
    search_fields = ("value", "note")
    fields = ("kind", "value", "note", "expires_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
