"""The queue's columns and the comment page's read-only fields, as moderators read them."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.templatetags.html_time import html_datetime

from .. import hold_reasons
from ..models import Comment, RejectionReason
from ..reports import report_summary

# How much of a comment the queue shows before "more": most comments whole, a long one's
# opening, cut at a word.
SHOWN_CHARACTERS = 300

# The reasons of a rejection, as the options of every row's menu: rendered once. The first
# says none is chosen yet: a Reject without a reason is refused, not guessed.
REASON_OPTIONS = format_html_join(
    "", '<option value="{}">{}</option>', [("", "Choose…"), *RejectionReason.choices]
)


def shown_datetime(value):
    """An instant as the site shows it (cms/formats), in a <time> element."""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>', html_datetime(local), date_format(local, "DATETIME_FORMAT")
    )


def address_breaking_at_dots(email):
    """An email address that may wrap only before its "@" and after a dot ("helen.reader" /
    "@example.org"), never inside a word ("helen.reader@exa" / "mple.org")."""
    escaped = escape(email)  # entities hold no "." and no "@"
    return mark_safe(escaped.replace(".", ".<wbr>").replace("@", "<wbr>@"))  # noqa: S308


def hold_markers(comment):
    """The reasons the rules held the comment, as markers with their detail ("3 links", the
    word matched), "" when there are none."""
    return format_html_join(
        "",
        '<span class="hold-reason hold-{}">{}{}</span>',
        (
            (
                each.get("code", ""),
                hold_reasons.label(each.get("code", "")),
                f": {each['detail']}" if each.get("detail") else "",
            )
            for each in comment.hold_reasons or ()
        ),
    )


def text_with_more(body):
    """The comment's text up to SHOWN_CHARACTERS, the rest behind "more" (a <details>, so
    it opens without JavaScript)."""
    if len(body) <= SHOWN_CHARACTERS:
        return format_html('<div class="queue-text">{}</div>', body)
    head = body[:SHOWN_CHARACTERS].rsplit(" ", 1)[0] or body[:SHOWN_CHARACTERS]
    return format_html(
        '<div class="queue-text">{}<details class="more"><summary>… more</summary>{}</details>'
        "</div>",
        head,
        body[len(head) :],
    )


class CommentColumns:
    """The display methods of CommentAdmin (a mixin): columns of the queue and fields of the
    comment page."""

    @admin.display(description="comment")
    def comment_text(self, comment):
        """Why it is held, the text (the start of a long one, the rest behind "more") and the
        comment it answers, if any. The parent comes with the page's one query."""
        markers = hold_markers(comment)
        shown = format_html(
            "{}{}",
            format_html('<p class="hold-reasons">{}</p>', markers) if markers else "",
            text_with_more(comment.body),
        )
        if comment.parent_id is None:
            return shown
        return format_html('{}<span class="reply-to">{}</span>', shown, reply_to(comment.parent))

    @admin.display(description="from", ordering="name")
    def sender(self, comment):
        """The name (the link to the comment's page, with the queue's filters), then the
        email (wrapping only at its dots and "@") and the IP address (never wrapped), each
        on a line of its own."""
        url = f"{comment.queue_base}{comment.pk}/change/{comment.queue_back}"
        return format_html(
            '<a href="{}" class="sender-name">{}</a><span class="email">{}</span>{}',
            url,
            comment.name,
            address_breaking_at_dots(comment.email),
            format_html(
                '<span class="unbroken ip-address"><abbr title="IP address">IP</abbr> {}</span>',
                comment.ip_address,
            )
            if comment.ip_address
            else "",
        )

    @admin.display(description="date", ordering="created_at")
    def date(self, comment):
        return shown_datetime(comment.created_at)

    @admin.display(description="decide")
    def decide(self, comment):
        """Approve, Reject (with its reason, and whether to email it) and Spam, then Reply:
        submit buttons of the changelist's own form (so they post its CSRF token) sent to
        the one-comment views, which come back to this page. Approving a reply under a
        hidden comment approves that one too: the button says so."""
        if not getattr(comment, "may_decide", False):
            return comment.get_status_display()
        # The queue's filters go with the changelist's form (change_list.html), once.
        base = f"{comment.queue_base}{comment.pk}"

        hidden_parent = comment.parent_id and comment.parent.status != Comment.Status.APPROVED
        approve = reject = spam = ""
        if comment.status != Comment.Status.APPROVED:
            approve = format_html(
                '<button type="submit" class="button decide-approve" formaction="{}"'
                ' aria-label="{} {}">{}</button>',
                f"{base}/moderate/approve/",
                "Approve both, the comment it answers and the comment by"
                if hidden_parent
                else "Approve the comment by",
                comment.name,
                "Approve both" if hidden_parent else "Approve",
            )
        if comment.status != Comment.Status.REMOVED:
            reject = format_html(
                '<details class="decide-reject"><summary>Reject…</summary>'
                '<label>Reason <select name="reason-{pk}">{options}</select></label>'
                '<label class="notify"><input type="checkbox" name="notify-{pk}"> Email the'
                " reason</label>"
                '<button type="submit" class="button" formaction="{url}">Reject</button>'
                "</details>",
                pk=comment.pk,
                options=REASON_OPTIONS,
                url=f"{base}/moderate/reject/",
            )
        if comment.status != Comment.Status.SPAM:
            spam = format_html(
                '<button type="submit" class="button decide-spam" formaction="{}"'
                ' aria-label="Spam the comment by {}">Spam</button>',
                f"{base}/moderate/spam/",
                comment.name,
            )
        return format_html(
            '<span class="row-status">{}</span>{}{}{}'
            '<details class="queue-reply"><summary>Reply…</summary>'
            "<label>Reply to {}, published at once as the site"
            '<textarea name="reply-{}-body" rows="4"></textarea></label>'
            '<button type="submit" class="button" formaction="{}">Publish reply</button>'
            "</details>",
            comment.get_status_display(),
            approve,
            reject,
            spam,
            comment.name,
            comment.pk,
            f"{base}/reply/",
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
            shown_datetime(parent.created_at),
            _sanitised(parent.body_html),
        )

    @admin.display(description="as readers see it")
    def as_readers_see_it(self, comment):
        return format_html('<div class="comment-text">{}</div>', _sanitised(comment.body_html))

    @admin.display(description="reports", ordering="report_count", empty_value="")
    def report_count(self, comment):
        return comment.report_count or ""

    @admin.display(description="reports")
    def reports_received(self, comment):
        return report_summary(comment) or "None"

    @admin.display(description="staff reply", boolean=True)
    def staff_reply(self, comment):
        return comment.is_staff_reply

    @admin.display(description="written")
    def written_at(self, comment):
        return shown_datetime(comment.created_at)

    @admin.display(description="decided")
    def decided_at(self, comment):
        return shown_datetime(comment.moderated_at) if comment.moderated_at else "–"

    @admin.display(description="held because")
    def held_because(self, comment):
        return hold_markers(comment) or "–"

    @admin.display(description="rejected because")
    def rejected_because(self, comment):
        return comment.get_rejection_reason_display() or "–"


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
