"""The one comparison of two versions, as a reader would see them change: used by the public
change log, the admin's Compare, the revert confirmation, the conflict page and the
medical review page.

``differences(old, new)`` says what changed, part by part: the title and summary (before
and after), the key takeaways and the body (only the changed blocks, with a little context;
the references are the body's last section), and the images (alt text, captions, credits,
in words). ``comparison_html(old, new)`` is the same as HTML, the partial
templates/articles/_differences.html: the function to call from any page that shows two
versions. Both build on articles/diff.py.
"""

from django.template.loader import render_to_string

from .diff import before_after, block_diff, blocks_of, has_changes, image_changes
from .markup import render_key_takeaways, render_markdown

# Key takeaways are a short list: shown whole when one point changes.
TAKEAWAYS_CONTEXT = 20


class BodyBlocks(dict):
    """The blocks of text of each version's body (articles/diff.py), read once per request
    however many comparisons use them: ``blocks[version]``."""

    def __missing__(self, version):
        self[version] = blocks = blocks_of(version.body_html)
        return blocks


def _body_blocks(version, blocks):
    if version.pk is None:  # the editor's text, not saved (the conflict page): rendered here
        return blocks_of(version.body_html or render_markdown(version.body, version.images))
    return blocks[version]


def _takeaways_html(version):
    if version.pk is None and not version.key_takeaways_html:
        return render_key_takeaways(version.key_takeaways)  # a version not saved
    return version.key_takeaways_html


def differences(old, new, blocks=None):
    """What a reader sees change from version ``old`` to ``new``, as a dict:

    - ``title`` and ``summary``: (before, after) HTML, None when their words did not change;
    - ``key_takeaways`` and ``body``: lists of diff Rows (articles/diff.py: the changed
      blocks with their context), empty when they read the same; the body's rows include
      its references, under their heading "References";
    - ``images``: sentences (diff.image_changes: a lead image replaced, an alt text or a
      caption changed), empty when they are the same;
    - ``changed``: True when any of these changed.

    ``blocks`` (a BodyBlocks) shares the reading of each body among several comparisons.
    Whitespace alone is never a change (the end of a text saved through a browser form
    loses its last line break)."""
    blocks = BodyBlocks() if blocks is None else blocks
    found = {}
    for field in ("title", "summary"):
        before, after = getattr(old, field), getattr(new, field)
        found[field] = before_after(before, after) if has_changes(before, after) else None
    old_points, new_points = _takeaways_html(old), _takeaways_html(new)
    found["key_takeaways"] = (
        []
        if old_points == new_points
        else block_diff(blocks_of(old_points), blocks_of(new_points), context=TAKEAWAYS_CONTEXT)
    )
    same_body = bool(old.body_html) and old.body_html == new.body_html
    found["body"] = (
        [] if same_body else block_diff(_body_blocks(old, blocks), _body_blocks(new, blocks))
    )
    found["images"] = image_changes(old.images, new.images)
    found["changed"] = any(
        found[part] for part in ("title", "summary", "key_takeaways", "body", "images")
    )
    return found


def comparison_html(old, new, blocks=None):
    """The comparison of two versions as HTML (the partial articles/_differences.html, in a
    <div class="diff">): what changed from ``old`` to ``new``, or a sentence saying the
    words are the same. For any page, public or admin, that shows two versions."""
    return render_to_string(
        "articles/_comparison.html",
        {"differences": differences(old, new, blocks), "old": old, "new": new},
    )
