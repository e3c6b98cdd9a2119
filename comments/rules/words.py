"""Words and phrases from a list (the moderators' lists, the settings' lists) in a text."""

import re


def _pattern(phrases):
    # Whole words, any case, any spacing between a phrase's words; lookarounds rather than
    # \b so that a phrase may start or end with a sign ("c.o.d", "$$$").
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases),
        key=len,
        reverse=True,
    )
    alternatives = [each for each in alternatives if each]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def find_phrase(phrases, text):
    """The first phrase of ``phrases`` found in ``text``, whole and in any case, as the list
    spells it; None when there is none."""
    pattern = _pattern(phrases)  # re keeps the compiled pattern of a recent list
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    found = " ".join(match.group().split()).lower()
    return next((phrase for phrase in phrases if " ".join(phrase.split()).lower() == found), found)
