"""What moderators set for the moderation rules in the admin: the word lists, each
commenter's standing and notes, and the texts readers in crisis are shown.

comments/moderation.py reads them; comments/admin/rules.py edits them.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

# The word lists, as {"suspect": [...], "banned": [...]}, in the shared cache: a comment
# posted costs a cache read, not a query; any change to a word deletes the key.
WORD_LISTS_CACHE_KEY = "comments:moderation-word-lists"


class ModerationWordQuerySet(models.QuerySet):
    def lists(self):
        """{"suspect": [...], "banned": [...]}: the phrases of each list, from the cache
        (filled from the database when missing)."""
        lists = cache.get(WORD_LISTS_CACHE_KEY)
        if lists is None:
            lists = {kind: [] for kind in ModerationWord.Kind.values}
            for phrase, kind in self.values_list("phrase", "kind"):
                lists[kind].append(phrase)
            cache.set(WORD_LISTS_CACHE_KEY, lists, timeout=None)
        return lists


class ModerationWord(models.Model):
    """A word or phrase moderators watch for: a suspect one holds the comment for them, a
    banned one rejects it (status "removed"). Matched as whole words, in any case."""

    class Kind(models.TextChoices):
        SUSPECT = "suspect", "Suspect: hold for a moderator"
        BANNED = "banned", "Banned: reject the comment"

    phrase = models.CharField(
        max_length=100,
        unique=True,
        help_text="A word or a few words, matched whole and in any case.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPECT)
    note = models.CharField(max_length=200, blank=True, help_text="Why: for the other moderators.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ModerationWordQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = "moderation word"

    def __str__(self):
        return self.phrase

    def clean(self):
        # Stored trimmed, its inner spaces single: "  self  harm " is "self harm", and
        # the uniqueness check (after clean) sees it so.
        self.phrase = " ".join(self.phrase.split())


@receiver(post_save, sender=ModerationWord, dispatch_uid="comments.words.saved")
@receiver(post_delete, sender=ModerationWord, dispatch_uid="comments.words.deleted")
def _forget_word_lists(**kwargs):
    # post_delete also fires for the admin's bulk delete, which skips Model.delete().
    cache.delete(WORD_LISTS_CACHE_KEY)


class Commenter(models.Model):
    """What moderators decided about one email address: its standing (trusted, always
    held) and their notes. Keyed on the mailbox key of the address (comments/identity.py);
    shown in the admin only, never on a public page."""

    class Standing(models.TextChoices):
        NORMAL = "normal", "Normal: the usual rules"
        TRUSTED = "trusted", "Trusted: published at once when the address is proved"
        ALWAYS_HOLD = "always_hold", "Always hold for a moderator"

    email = models.EmailField(
        max_length=254,
        unique=True,
        help_text="Stored as the key of its mailbox: one row for every spelling.",
    )
    standing = models.CharField(max_length=12, choices=Standing.choices, default=Standing.NORMAL)
    notes = models.TextField(
        blank=True, help_text="For the other moderators; never shown to readers."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


DEFAULT_SAFETY_MESSAGE = (
    "We read what you wrote, and we are worried about you. Help is "
    "there right now. If you are in danger or have taken something, call 911 or go to the "
    "nearest emergency department. To talk to someone at any hour, call or text 988 (the "
    "Suicide & Crisis Lifeline, in the US). Outside the US, find a free helpline at "
    "https://findahelpline.com. A moderator will read your comment soon."
)
DEFAULT_STAFF_REPLY = (
    "Thank you for telling us how you feel. We are sorry you are going through this, and we "
    "want you to be safe. Please talk to someone now: call or text 988 (the Suicide & Crisis "
    "Lifeline, in the US, any hour), or find a helpline where you live at "
    "https://findahelpline.com. If you are in danger, call 911."
)


class CrisisTexts(models.Model):
    """The site's words for readers in crisis (one row, made on first use): the safety
    message a reader sees after posting a comment held as a possible crisis, and the
    staff reply moderators can post under such a comment in one click."""

    safety_message = models.TextField(
        default=DEFAULT_SAFETY_MESSAGE,
        help_text="Shown to the reader right after posting. Plain text; web addresses "
        "become links. Name a helpline for your readers' country.",
    )
    staff_reply = models.TextField(
        default=DEFAULT_STAFF_REPLY,
        help_text="Posted under the comment, signed with the site's name, by “Post the "
        "crisis reply” on the comment's page.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "crisis texts"
        verbose_name_plural = "crisis texts"

    def __str__(self):
        return "Texts for readers in crisis"

    @classmethod
    def current(cls):
        """The one row of texts, made with the defaults the first time it is asked for."""
        texts, _created = cls.objects.get_or_create(pk=1)
        return texts
