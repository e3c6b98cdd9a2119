"""Why a comment waits in the queue: the short codes stored in ``Comment.hold_reasons``.

The moderation rules (comments/moderation.py) record a reason when they hold or reject a
comment, as {"code": CODE, "detail": "3 links"}; the queue shows each as a marker (its
label and detail) and filters by its code. A code is stored, so it never changes once in use:
add new ones, keep old ones. Codes only, no behaviour: models, rules and admin all read it.
"""

NEW_COMMENTER = "new_commenter"
LINKS = "links"
SUSPECT_WORD = "suspect_word"
PERSONAL_DATA = "personal_data"
CRISIS = "crisis"
REPORTED = "reported"
FAST_POST = "fast_post"
NO_JS = "no_js"
BANNED_WORD = "banned_word"
ALWAYS_HOLD = "always_hold"
OFTEN_REJECTED = "often_rejected"

# code -> what moderators read on the marker and in the filter, in the queue's order.
LABELS = {
    CRISIS: "Possible crisis",
    PERSONAL_DATA: "Personal data",
    REPORTED: "Reported",
    SUSPECT_WORD: "Suspect word",
    LINKS: "Links over the limit",
    NEW_COMMENTER: "New commenter",
    FAST_POST: "Posted very quickly",
    NO_JS: "No JavaScript",
    BANNED_WORD: "Banned word",
    ALWAYS_HOLD: "Always held (commenter's flag)",
    OFTEN_REJECTED: "Often rejected",
}

CHOICES = list(LABELS.items())


def label(code):
    """What moderators read for ``code``; a code this version does not know shows as is."""
    return LABELS.get(code, code.replace("_", " ").capitalize())
