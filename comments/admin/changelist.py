"""The queue's changelist and what every moderation decision writes down: its History entry,
the way back to the same filtered page, and the note on replies it hides."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.http import QueryDict
from django.urls import reverse

from ..models import Comment


class QueueChangeList(ChangeList):
    """The queue's changelist: each comment shown knows the queue's address and filters, so
    that its row's links come back to this same page (status, article, search, page); its
    buttons post the filters with the changelist's form (change_list.html)."""

    def get_results(self, request):
        super().get_results(request)
        may_decide = self.model_admin.has_change_permission(request)
        # Worked out once for the page, not per row: a row's addresses are this base, the
        # comment's id and the view's path (CommentAdmin.get_urls and decision_urls).
        base = reverse("admin:comments_comment_changelist")
        # preserved_filters is "_changelist_filters=<this page's query, encoded>".
        back = f"?{self.preserved_filters}" if self.preserved_filters else ""
        self.queue_filters = QueryDict(self.preserved_filters).get("_changelist_filters", "")
        for comment in self.result_list:
            comment.queue_base = base
            comment.queue_back = back
            comment.may_decide = may_decide

    def get_ordering(self, request, queryset):
        """In the pending queue, urgent comments (a possible crisis, comments/moderation.py)
        first, whatever order the moderator chose for the rest; its index
        (comment_queue_urgent) leads with the same columns. The other lists keep their
        order, and their own indexes (urgent means nothing once decided)."""
        ordering = super().get_ordering(request, queryset)
        if self.params.get("status", Comment.Status.PENDING) != Comment.Status.PENDING:
            return ordering
        return ["-urgent", *ordering]

    def order_choices(self):
        """[(label, address, chosen)] for "Newest first" and "Oldest first", by date written
        (the date column's sort), each from the first page."""
        column = str(self.list_display.index("date"))
        oldest = self.params.get(ORDER_VAR) == column
        return [
            (label, self.get_query_string({ORDER_VAR: order}, remove=[PAGE_VAR]), chosen)
            for label, order, chosen in (
                ("Newest first", f"-{column}", not oldest),
                ("Oldest first", column, oldest),
            )
        ]

    def other_queues(self):
        """[(label, address)] of the statuses this page does not show, for an empty queue."""
        shown = self.params.get("status", Comment.Status.PENDING)
        return [
            (label, self.get_query_string({"status": status}, remove=[PAGE_VAR, "reason"]))
            for status, label in [*Comment.Status.choices, ("all", "All")]
            if status != shown
        ]


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


ACTION_OF = {
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "remove",
    Comment.Status.PENDING: "restore",
}


def replies_hidden_note(replies):
    """What becomes of the approved replies under comments that readers no longer see."""
    if not replies:
        return ""
    return (
        f" {replies} approved repl{'ies' if replies != 1 else 'y'} below "
        f"{'are' if replies != 1 else 'is'} hidden from readers too (from the page, the count "
        "and the feed) until the comment answered is approved again."
    )
