"""Word-level differences between two texts, as HTML with <ins> and <del>.

Readable without colour: insertions and deletions are real ins/del elements,
which browsers underline and strike through and screen readers can announce.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Words and the whitespace after them stay together, so the output keeps the
# original spacing and line breaks.
TOKEN = re.compile(r"\S+\s*|\s+")


def word_diff(old, new):
    """HTML of ``new`` with the words added since ``old`` in <ins> and those removed in <del>."""
    old_words, new_words = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(new_words[new_start:new_end])))
            continue
        if operation in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old_words[old_start:old_end]))}</del>")
        if operation in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new_words[new_start:new_end]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def has_changes(old, new):
    """True when the two texts differ in more than whitespace."""
    return (old or "").split() != (new or "").split()
