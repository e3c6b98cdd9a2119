"""Why a comment waits in the queue: the short codes stored in ``Comment.hold_reasons``.

The moderation rules record a code when they hold a comment; the queue shows each code as
a marker (its label) and filters by it. A code is stored, so it never changes once in use:
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
}

CHOICES = list(LABELS.items())


def label(code):
    """What moderators read for ``code``; a code this version does not know shows as is."""
    return LABELS.get(code, code.replace("_", " ").capitalize())
