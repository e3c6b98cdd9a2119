"""The commenter's history on a comment's admin page: {% commenter_history original %}
(templates/admin/comments/comment/change_form.html). Moderators only; no public page
loads it."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from comments.commenters import history_of
from comments.moderation import REASONS

register = template.Library()


@register.inclusion_tag("admin/comments/comment/_commenter_history.html", takes_context=True)
def commenter_history(context, comment):
    """Why ``comment`` was held, the history of its address (counts by status, the latest
    comments, the moderators' notes and standing) and, for a possible crisis, the button
    that posts the crisis reply. Empty for someone who may not view comments."""
    request = context["request"]
    if comment is None or not request.user.has_perm("comments.view_comment"):
        return {"shown": False}
    history = history_of(comment.email)
    if history.commenter is not None:
        edit_url = reverse("admin:comments_commenter_change", args=[history.commenter.pk])
    else:
        edit_url = (
            reverse("admin:comments_commenter_add") + "?" + urlencode({"email": history.email})
        )
    return {
        "shown": True,
        "comment": comment,
        "reasons": [
            (REASONS.get(each.get("code"), each.get("code")), each.get("detail", ""))
            for each in comment.hold_reasons or []
        ],
        "history": history,
        "edit_url": edit_url,
        "may_reply": request.user.has_perm("comments.change_comment"),
        "csrf_token": context.get("csrf_token"),
    }
