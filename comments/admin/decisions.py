"""The queue's one-comment decisions, as views of CommentAdmin (a mixin): approve, reject
with a reason (and, if the moderator chooses, an email to the author saying why), spam,
remove, back to pending, undo, and the staff reply, from a row of the queue or from the
comment's page. Every decision goes into the comment's History and its message offers Undo.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from ..mail import queue_email, render_email
from ..models import Comment, OutgoingEmail, RejectionReason, moderation_state
from .changelist import DECISIONS, log_approvals, log_decision, queue_url, replies_hidden_note
from .undo import read_undo, states_before, undo_form


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


def email_rejection(comment):
    """Queue the email telling the comment's author it was rejected, and why
    (templates/comments/email/rejected*.txt)."""
    queue_email(
        kind=OutgoingEmail.Kind.REJECTION,
        recipients=[comment.email],
        **render_email(
            "rejected",
            {
                "name": comment.name,
                "title": str(comment.article),
                "link": f"{settings.SITE_URL}{comment.article.get_absolute_url()}",
                "reason": comment.rejection_reason,
                "body": comment.body,
            },
        ),
    )


def queue_filters(request):
    """The queue's filters a decision came with: in the address (the comment's page, a
    link) or in the changelist's form (a row's button)."""
    return request.GET.get("_changelist_filters") or request.POST.get("_changelist_filters", "")


def posted(request, comment, name):
    """A field of a decision about ``comment``: a queue row names it "<name>-<id>" (every
    row's fields share one form), the comment's page plainly "<name>"."""
    return request.POST.get(f"{name}-{comment.pk}", request.POST.get(name, ""))


class DecisionViews:
    """The one-comment views of CommentAdmin and their addresses."""

    def decision_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("undo/", view(self.undo_view), name="{}_{}_undo".format(*info)),
            path(
                "<path:object_id>/moderate/<str:action>/",
                view(self.moderate_view),
                name="{}_{}_moderate".format(*info),
            ),
            path(
                "<path:object_id>/reply/", view(self.reply_view), name="{}_{}_reply".format(*info)
            ),
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
        """Approve, reject, mark as spam, remove or restore one comment with one POST."""
        return require_POST(self._moderate)(request, object_id, action)

    def _moderate(self, request, object_id, action):
        comment = self._comment_to_change(request, object_id)
        filters = queue_filters(request)
        back = HttpResponseRedirect(queue_url(filters))
        if action == "approve":
            before = states_before([comment, *comment.unapproved_parents()])
            changed = comment.approve_with_parents(by=request.user)
            log_approvals(request, changed, "one click")
            parents = len([each for each in changed if each.pk != comment.pk])
            message = f"Approved the comment by {comment.name}"
            message += f" and {parents} parent comment{'s' * (parents != 1)}." if parents else "."
        elif action == "reject":
            reason = posted(request, comment, "reason")
            if reason not in RejectionReason.values:
                self.message_user(
                    request, "Choose why the comment is rejected; nothing changed.", messages.ERROR
                )
                return back
            notify = bool(posted(request, comment, "notify"))
            before, changed = states_before([comment]), [comment]
            comment.reject(reason, by=request.user)
            if notify:
                email_rejection(comment)
            told = " Its author is emailed the reason." if notify else ""
            log_decision(
                request, [comment], f"Rejected: {comment.get_rejection_reason_display()}.{told}"
            )
            message = (
                f"Rejected the comment by {comment.name}: {comment.get_rejection_reason_display()}."
                f"{told}{replies_hidden_note(comment.approved_reply_count())}"
            )
        elif action in ("spam", "remove", "restore"):
            before, changed = states_before([comment]), [comment]
            {"spam": comment.mark_spam, "remove": comment.remove, "restore": comment.restore}[
                action
            ](by=request.user)
            log_decision(request, [comment], DECISIONS[action])
            message = (
                f"The comment by {comment.name} is now {comment.get_status_display().lower()}."
                f"{replies_hidden_note(comment.approved_reply_count())}"
            )
        else:
            raise PermissionDenied("unknown moderation action")
        self.message_user(
            request,
            format_html("{} {}", message, undo_form(request, before, changed, filters)),
            messages.SUCCESS,
        )
        # Back to the queue, as filtered when the moderator left it: the next comment is there.
        return back

    def undo_view(self, request):
        """Put the comments of a decision back as they were before it (the Undo button)."""
        return require_POST(self._undo)(request)

    def _undo(self, request):
        back = HttpResponseRedirect(queue_url(request.POST.get("_changelist_filters", "")))
        try:
            states = read_undo(request.POST.get("undo", ""))
        except signing.BadSignature:
            self.message_user(
                request, "That Undo has expired (after an hour); nothing changed.", messages.ERROR
            )
            return back
        found = Comment.objects.in_bulk([state["id"] for state in states])
        undone, changed_since = [], []
        for state in states:
            comment = found.get(state["id"])
            if comment is None or not self.has_change_permission(request, comment):
                continue
            if moderation_state(comment) != state["after"]:
                changed_since.append(comment)  # someone decided again since: theirs stands
                continue
            comment.undo_decision(state["before"])
            log_decision(
                request,
                [comment],
                f"Decision undone: {comment.get_status_display().lower()} again.",
            )
            undone.append(comment)
        parts = []
        if undone:
            names = ", ".join(comment.name for comment in undone)
            parts.append(f"Undone: the comment{'s' * (len(undone) != 1)} by {names} as before.")
        if changed_since:
            parts.append(
                f"{len(changed_since)} comment{'s' * (len(changed_since) != 1)} changed since "
                "and stay as they are now."
            )
        self.message_user(
            request,
            " ".join(parts) or "Nothing to undo.",
            messages.SUCCESS if undone else messages.WARNING,
        )
        return back

    def reply_view(self, request, object_id):
        """Publish a staff reply to this comment, approving the comment first if need be."""
        return require_POST(self._reply)(request, object_id)

    def _reply(self, request, object_id):
        parent = self._comment_to_change(request, object_id)
        from_queue = f"reply-{parent.pk}-body" in request.POST
        if from_queue:
            # A row of the queue: the text under its own name, signed as the site.
            data = {"body": request.POST[f"reply-{parent.pk}-body"], "sign_as": settings.SITE_NAME}
            back = queue_url(queue_filters(request))
        else:
            data = request.POST
            back = reverse("admin:comments_comment_change", args=[parent.pk])
        form = StaffReplyForm(data, user=request.user)
        if not form.is_valid():
            errors = "; ".join(error for errors in form.errors.values() for error in errors)
            self.message_user(request, f"The reply was not published: {errors}", messages.ERROR)
            return HttpResponseRedirect(back)
        reply, newly_approved = parent.reply_as_staff(
            by=request.user, name=form.cleaned_data["sign_as"], body=form.cleaned_data["body"]
        )
        log_approvals(request, newly_approved, "by replying to it")
        self.log_addition(request, reply, "Published as a staff reply.")
        note = " The comment you answered is approved too." if newly_approved else ""
        self.message_user(
            request,
            format_html(
                'Your reply to {} is published: <a href="{}">see it on the article</a>.{}',
                parent.name,
                reply.get_absolute_url(),
                note,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)
