"""Reader comments: threaded, moderated, with an email that is never shown publicly."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models, transaction
from django.db.models import Func, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Upper
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleVersion

from ..avatars import avatar_class, avatar_colour, initials
from ..identity import mailbox_key
from ..markup import render_comment
from ..signals import comment_published
from .comment_queryset import CommentQuerySet
from .decision import RejectionReason, put_back
from .thread_sql import LONGEST_CHAIN


class Comment(models.Model):
    """A reader's comment on an article, possibly a reply to another comment.

    ``email`` is required but private: it is shown to moderators in the admin
    and nowhere else. ``body_html`` is sanitised once, when the body is saved.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    article_version = models.ForeignKey(
        ArticleVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version the reader saw when writing.",
    )
    led_to_version = models.ForeignKey(
        ArticleVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prompted_by_comments",
        verbose_name="led to version",
        help_text="The version of the article that acted on this comment (a correction or "
        "an update). Readers then see “This comment led to a correction on …”.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    # The mailbox the email reaches (comments/identity.py): privacy requests and other
    # lookups by address find every spelling of it through one index.
    # (Nullable: SQLite then adds the column without rebuilding the table.)
    mailbox = models.CharField(max_length=254, null=True, blank=True, editable=False)  # noqa: DJ001
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    body_html = models.TextField(editable=False)
    avatar_colour = models.PositiveSmallIntegerField(default=0, editable=False)
    is_staff_reply = models.BooleanField(default=False, editable=False)
    # Kept by `import_wordpress --with-pingbacks`: a link from another site, not a reader's words.
    is_pingback = models.BooleanField(default=False, editable=False)
    # The comment's id on the WordPress site it was imported from: a second import skips it.
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # The same post sent again (a timeout, Back) finds the first by this key and saves
    # nothing (comments/resubmission.py). An HMAC, never shown; null for imports and staff.
    posting_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the author last changed the text (comments/editing.py); readers see "(edited)".
    # A moderator's decision is not an edit and leaves it as it is.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while readers' reports keep it off the page (comments/reports.py): readers see a
    # placeholder in its place, and its approved replies under it. A moderator's decision
    # clears it.
    hidden_after_reports_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Why it was rejected (status "removed" only).
    rejection_reason = models.CharField(
        max_length=20, blank=True, choices=RejectionReason.choices, editable=False
    )
    # Why the moderation policy held (or rejected) it: [{"code": "links", "detail": "3 links"}]
    # with the codes of comments/hold_reasons.py. Empty when nothing held it.
    hold_reasons = models.JSONField(default=list, blank=True, editable=False)
    # Possible crisis (self-harm, suicidal intent, an overdose): first in the queue.
    urgent = models.BooleanField(default=False)
    # An editors' pick, featured by a moderator (comments/featured.py): readers see it
    # listed above the thread while it is approved.
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_page"),
            # A page of the thread: its top-level comments in order, an OFFSET away in the
            # index alone however long the thread (comments/threads.py). The condition is
            # the one readers see a root by (thread_sql.shown_condition, a comment hidden
            # after reports showing as a placeholder): PostgreSQL uses the index only then.
            models.Index(
                fields=["article", "created_at", "id"],
                condition=Q(parent=None)
                & (Q(status="approved") | Q(hidden_after_reports_at__isnull=False)),
                name="comment_thread_roots",
            ),
            # An article's editors' picks (comments/featured.py), without its thread.
            models.Index(
                fields=["article", "featured_at"],
                condition=Q(featured_at__isnull=False),
                name="comment_featured",
            ),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            # The pending queue with urgent comments first, newest first within each (its
            # default; "Oldest first" reads it backwards within each).
            models.Index(
                fields=["status", "-urgent", "-created_at", "-id"], name="comment_queue_urgent"
            ),
            models.Index(fields=["email", "status"], name="comment_by_email"),
            models.Index(fields=["mailbox"], name="comment_by_mailbox"),
            # The queue's "All", newest first, a page at a time.
            models.Index(fields=["created_at", "id"], name="comment_newest"),
            # The queue's search (icontains, which is UPPER(column) LIKE '%...%' on
            # PostgreSQL) reads trigram indexes there; on SQLite it reads the table.
            *(
                GinIndex(OpClass(Upper(expression), name="gin_trgm_ops"), name=name)
                for expression, name in (
                    (Cast("name", TextField()), "comment_name_trigram"),
                    (Cast("email", TextField()), "comment_email_trigram"),
                    (Cast("body", TextField()), "comment_body_trigram"),
                    (Func("ip_address", function="HOST"), "comment_ip_trigram"),
                )
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "wordpress_id"], name="unique_wordpress_comment"
            ),
            # Also the index that finds an earlier posting (migration 0010 builds it
            # CONCURRENTLY on PostgreSQL).
            models.UniqueConstraint(
                fields=["article", "posting_key"],
                condition=Q(posting_key__isnull=False),
                name="unique_posting_key",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}"

    def save(self, *args, **kwargs):
        """Save the comment with its derived fields (render) and its depth in the thread.

        Saving changes nothing readers see by itself: the verbs below (submit, set_status,
        hold, save_edit, reply_as_staff) say what the change means to readers' pages and
        to subscribers, so that whoever reads a verb sees its effects.
        """
        self.render()
        if self.parent_id:
            if self._state.adding:
                self.reply_to(self.parent)
            else:
                self.depth = min(self.parent.depth + 1, settings.COMMENTS_MAX_DEPTH)
        super().save(*args, **kwargs)
        self._status_in_database = self.status

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        # What readers saw before a change of status: no second query to find it out.
        comment._status_in_database = comment.__dict__.get("status")
        return comment

    def render(self):
        """Fill in what is derived from the typed fields: the sanitised HTML of the text and
        the avatar's colour. ``save()`` calls it; so does a bulk insert (the WordPress import)."""
        self.body_html = render_comment(self.body)
        self.avatar_colour = avatar_colour(self.email)
        self.mailbox = mailbox_key(self.email) or None

    def reply_to(self, parent):
        """Make this new comment a reply to ``parent`` (None: a top-level comment), by the rule
        every reply follows: within COMMENTS_MAX_DEPTH (attach_within_depth_limit), with the
        depth it shows at."""
        self.parent = parent
        if parent is not None:
            self.attach_within_depth_limit()
        self.depth = min(self.parent.depth + 1, settings.COMMENTS_MAX_DEPTH) if self.parent else 1

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.expire_pages()
        return result

    def get_admin_url(self):
        return reverse("admin:comments_comment_change", args=[self.pk])

    @property
    def initials(self):
        return initials(self.name)

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def avatar_class(self):
        """The avatar's CSS class: its colour once approved, a neutral one until then."""
        return avatar_class(self.avatar_colour, approved=self.is_approved)

    def expire_pages(self):
        """The article's pages show this comment's change: they render afresh (page stamp),
        leave the shared cache, and their stored counts are counted again."""
        Comment.objects.refresh_threads([self.article_id])

    def _save_status_change(self, announce=True):
        """Save a change of status and its effects on readers' pages and on subscribers:
        a comment newly approved is announced (signals.comment_published, heard by
        comments/notifications.py) once the change is committed."""
        was = getattr(self, "_status_in_database", None)
        with transaction.atomic():
            self.save()
            if self.status == self.Status.APPROVED or was == self.Status.APPROVED:
                self.expire_pages()
            if announce and self.status == self.Status.APPROVED and was != self.Status.APPROVED:
                self._announce_after_commit(was_held=was == self.Status.PENDING)

    def _announce_after_commit(self, *, was_held):
        comment_id = self.pk
        transaction.on_commit(
            lambda: comment_published.send(Comment, comment_id=comment_id, was_held=was_held)
        )

    def submit(self):
        """Save a new comment with the status it was given (by the moderation policy, or
        approved as a staff reply). Readers' pages change only when it is approved: a flood
        of spam or held comments leaves them cached. Subscribers hear of an approved one."""
        with transaction.atomic():
            self.save()
            if self.status == self.Status.APPROVED:
                self.expire_pages()
                self._announce_after_commit(was_held=False)

    def save_edit(self):
        """Save a change to a comment that is there already (its author's new text, a
        moderator's correction): readers' pages show it."""
        with transaction.atomic():
            self.save()
            self.expire_pages()

    def set_status(self, status, by=None, reason=""):
        """Record a moderation decision (who, when, and for a rejection why) and save it,
        with its effects."""
        self.status = status
        self.rejection_reason = reason if status == self.Status.REMOVED else ""
        self.moderated_at = timezone.now()
        self.moderated_by = by
        self.hidden_after_reports_at = None
        self._save_status_change()

    def approve(self, by=None):
        self.set_status(self.Status.APPROVED, by)

    def mark_spam(self, by=None):
        self.set_status(self.Status.SPAM, by)

    def remove(self, by=None):
        self.set_status(self.Status.REMOVED, by)

    def restore(self, by=None):
        self.set_status(self.Status.PENDING, by)

    def reject(self, reason, by=None):
        """Remove the comment for ``reason`` (a RejectionReason), kept with the decision."""
        self.set_status(self.Status.REMOVED, by, reason)

    def undo_decision(self, state):
        """Put back exactly the status and moderation record ``state`` holds (taken before a
        decision by decision.moderation_state): readers' pages change as for any change of
        status; nobody is announced a comment again."""
        put_back(self, state)
        self._save_status_change(announce=False)

    def hold(self):
        """Take the comment off readers' pages until a moderator decides (after readers'
        reports): no moderator decided this, so the moderation record stays as it was."""
        self.status = self.Status.PENDING
        self._save_status_change()

    def hide_after_reports(self):
        """Take the comment off readers' pages after readers' reports, until a moderator
        decides: readers see a placeholder in its place, and its approved replies stay."""
        self.hidden_after_reports_at = timezone.now()
        self.hold()

    def reply_as_staff(self, *, by, name, body):
        """Publish a staff reply to this comment, signed ``name``, approving this comment (and
        any hidden parent) first, so the reply never hangs under a comment readers cannot
        see. Returns (the reply, the comments newly approved on the way)."""
        with transaction.atomic():
            newly_approved = self.approve_with_parents(by=by)
            now = timezone.now()
            reply = Comment(
                article=self.article,
                article_version_id=self.article.published_version_id,
                name=name,
                email=by.email or settings.DEFAULT_FROM_EMAIL,
                body=body,
                is_staff_reply=True,
                status=self.Status.APPROVED,
                moderated_by=by,
                moderated_at=now,
                created_at=now,
            )
            reply.reply_to(self)
            reply.submit()
        return reply, newly_approved

    def attach_within_depth_limit(self):
        """A new reply to a comment at the deepest level (COMMENTS_MAX_DEPTH) becomes a reply
        to that comment's parent, so it shows at the same level, as readers expect.

        Chains stored before this rule may be deeper than the limit: the reply then
        attaches to the nearest ancestor above the limit, found in one query.
        """
        deepest = settings.COMMENTS_MAX_DEPTH
        if self.parent.depth < deepest:
            return
        for ancestor in self.parent.ancestors():
            if ancestor.depth < deepest:
                self.parent = ancestor
                return
        self.parent = None

    def ancestors(self):
        """The comments above this one, nearest first, in one query whatever the chain."""
        if self.parent_id is None:
            return []
        table = self._meta.db_table
        return list(
            Comment.objects.raw(
                "WITH RECURSIVE chain (id, level) AS ("  # noqa: S608, S611 (names from the model, values as parameters)
                " SELECT CAST(%s AS BIGINT), 1"
                " UNION ALL"
                f" SELECT up.parent_id, chain.level + 1 FROM {table} up"
                " JOIN chain ON up.id = chain.id"
                " WHERE up.parent_id IS NOT NULL AND chain.level < %s"
                f") SELECT comment.* FROM {table} comment JOIN chain ON comment.id = chain.id"
                " ORDER BY chain.level",
                [self.parent_id, LONGEST_CHAIN],
            )
        )

    def approved_reply_count(self):
        """How many approved replies (at any level) sit under this comment: readers see
        them only while this comment is approved (CommentQuerySet.seen_by_readers)."""
        table = self._meta.db_table
        below = (
            "WITH RECURSIVE below (id, level) AS ("  # noqa: S608 (names from the model, values as parameters)
            f" SELECT id, 1 FROM {table} WHERE parent_id = %s"
            " UNION ALL"
            f" SELECT reply.id, below.level + 1 FROM {table} reply"
            " JOIN below ON reply.parent_id = below.id WHERE below.level < %s"
            ") SELECT id FROM below"
        )
        return (
            Comment.objects.approved()
            .filter(pk__in=RawSQL(below, [self.pk, LONGEST_CHAIN]))  # noqa: S611
            .count()
        )

    def unapproved_parents(self):
        """The ancestors of this comment that readers cannot see, nearest first."""
        return [parent for parent in self.ancestors() if parent.status != self.Status.APPROVED]

    def approve_with_parents(self, by=None):
        """Approve this comment and every unapproved ancestor, from the top of the thread down.

        Returns the comments whose status changed (ancestors first), so a reply is
        never published under a parent readers cannot see. An approved comment is
        left as it is: its moderation record keeps the first decision.
        """
        chain = [*reversed(self.unapproved_parents()), self]
        # Statuses are read again: in a bulk action another comment's approval may
        # already have approved a parent this chain holds as a stale instance.
        hidden = set(
            Comment.objects.filter(pk__in=[each.pk for each in chain])
            .exclude(status=self.Status.APPROVED)
            .values_list("pk", flat=True)
        )
        changed = [each for each in chain if each.pk in hidden]
        for each in changed:
            each.approve(by=by)
        return changed
