"""The queue's columns and the comment page's read-only fields, as moderators read them."""

from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.templatetags.html_time import html_datetime

from ..models import Comment
from ..reports import report_summary


class CommentColumns:
    """The display methods of CommentAdmin (a mixin): columns of the queue and fields of the
    comment page."""

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
            html_datetime(local),
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


def reply_to(parent):
    """ "Reply to Ada: “first words…”", linked to the parent's change page."""
    return format_html(
        'Reply to <a href="{}">{}</a>: “{}”',
        reverse("admin:comments_comment_change", args=[parent.pk]),
        parent.name,
        Truncator(Truncator(parent.body).words(8, truncate="…")).chars(60),
    )


def _sanitised(html):
    """A comment's stored body_html, safe to print: bleach cleaned it when it was saved."""
    return mark_safe(html)  # noqa: S308 - sanitised by comments.markup.render_comment
