"""Differences between two texts, as HTML with <ins> and <del>.

Readable without colour: insertions and deletions are real ins/del elements,
which browsers underline and strike through and screen readers can announce.

``word_diff`` compares two texts word by word (the admin compares Markdown with it).
``block_diff`` compares two rendered bodies as a reader sees them: it splits the
sanitised HTML (articles/markup.py) into blocks (headings, paragraphs, list items,
table rows, quotes...), compares the blocks with difflib, and returns only the
changed ones, word-marked, with a little context. Everything it returns is plain
text escaped here: no markup of the body reaches the page, links show as their text.

lxml.html.diff was considered: it marks the whole document (we want the changed
blocks only) and keeps the body's markup, which would need a second sanitising.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from lxml import etree

# Words and the whitespace after them stay together, so the output keeps the
# original spacing and line breaks.
TOKEN = re.compile(r"\S+\s*|\s+")

HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# The elements that start and end a block of text. A list item holding paragraphs or
# a nested list gives one block per paragraph and per nested item.
BLOCKS = HEADINGS | {"p", "li", "tr", "pre", "blockquote", "section", "ol", "ul", "table", "hr"}
CELLS = frozenset({"td", "th"})
CELL_SEPARATOR = " · "
# Pairing the old and new blocks of one replaced run by likeness costs the product of
# their numbers: past this product, they are shown as removed and added instead.
MAX_PAIRING = 400
# Past this many differing words in two versions of a block (after their common start
# and end), the difference is one replacement rather than compared word by word.
MAX_WORDS = 3000
# Blocks less alike than this are a removal and an addition, not one changed block.
PAIRING_RATIO = 0.5


def word_diff(old, new):
    """HTML of ``new`` with the words added since ``old`` in <ins> and those removed in <del>.

    Words are compared without the whitespace after them, which is kept only for showing:
    "risks." at the end of one text and "risks.\n" at the end of another are the same word
    (a browser's form drops a text's last line break)."""
    old_words, new_words = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(
        a=[word.strip() for word in old_words],
        b=[word.strip() for word in new_words],
        autojunk=False,
    )
    marked = _mark(matcher.get_opcodes(), old_words, new_words, "")
    return mark_safe(marked)  # noqa: S308 - _mark escapes every piece of text


def _mark(opcodes, old_words, new_words, space):
    """The new words joined by ``space``, escaped, the changes in <ins> and <del>."""
    parts = []
    for operation, old_start, old_end, new_start, new_end in opcodes:
        if operation == "equal":
            parts.append(escape(space.join(new_words[new_start:new_end])))
            continue
        if operation in ("delete", "replace"):
            parts.append(f"<del>{escape(space.join(old_words[old_start:old_end]))}</del>")
        if operation in ("insert", "replace"):
            parts.append(f"<ins>{escape(space.join(new_words[new_start:new_end]))}</ins>")
    return space.join(parts)


def has_changes(old, new):
    """True when the two texts differ in more than whitespace."""
    return (old or "").split() != (new or "").split()


def before_after(old, new):
    """(before, after) HTML of two short plain texts (a title, a summary): ``old`` with
    the words it lost in <del>, ``new`` with the words it gained in <ins>."""
    old_words, new_words = (old or "").split(), (new or "").split()
    before, after = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_text = escape(" ".join(old_words[old_start:old_end]))
        new_text = escape(" ".join(new_words[new_start:new_end]))
        if operation == "equal":
            before.append(old_text)
            after.append(new_text)
            continue
        if old_text:
            before.append(f"<del>{old_text}</del>")
        if new_text:
            after.append(f"<ins>{new_text}</ins>")
    # Every piece of text above is escaped.
    return mark_safe(" ".join(before)), mark_safe(" ".join(after))  # noqa: S308


# Reading rendered HTML as blocks of text.


@dataclass(frozen=True)
class Block:
    """One block of a rendered body as a reader reads it: its ``kind`` (heading,
    paragraph, item, row, code, quote) and its text, whitespace collapsed. ``section``
    is the index of the heading it comes under (-1: none)."""

    kind: str
    text: str
    section: int = field(default=-1, compare=False)


KINDS = {"li": "item", "tr": "row", "pre": "code", "blockquote": "quote"} | dict.fromkeys(
    HEADINGS, "heading"
)
# A plain parser: lxml.html's element classes cost a lookup per element.
PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


class _BlockReader:
    """Walks an lxml tree once, in document order, and cuts its text into blocks."""

    def __init__(self):
        self.blocks = []
        self.words = []
        self.section = -1

    def flush(self, kind):
        if not self.words:
            return
        text = " ".join("".join(self.words).split())
        self.words = []
        if not text:
            return
        if kind == "heading":
            self.section = len(self.blocks)
        self.blocks.append(Block(kind, text, self.section))

    def walk(self, element, kind):
        """Read ``element``, in a block of ``kind``; its tail is left to the caller."""
        tag = element.tag
        if tag in BLOCKS:
            self.flush(kind)
            kind = KINDS.get(tag, kind)  # a paragraph in a list item or a quote is one of them
        elif tag in CELLS:
            if "".join(self.words).strip():
                self.words.append(CELL_SEPARATOR)
        elif tag == "img":
            if element.get("alt"):
                self.words.append(f" (image: {element.get('alt')}) ")
        elif tag == "br":
            self.words.append(" ")
        elif tag == "a" and element.get("class") == "backref":
            return  # a reference's way back to the text ("↩") is navigation, not words
        if element.text:
            self.words.append(element.text)
        for child in element:
            self.walk(child, kind)
            if child.tail:
                self.words.append(child.tail)
        if tag in BLOCKS:
            self.flush(kind)


def blocks_of(html):
    """The blocks of text of rendered ``html`` (a version's body_html), in reading order."""
    if not (html or "").strip():
        return []
    try:
        document = etree.fromstring(html, PARSER)  # the fragment, in <html><body>
    except (etree.LxmlError, ValueError):
        # Not from markup.py (which never makes such HTML): its plain text, as one block.
        return [Block("paragraph", " ".join(strip_tags(html).split()))]
    body = document.find("body") if document is not None else None
    if body is None:
        return []  # nothing but a comment, say
    reader = _BlockReader()
    reader.walk(body, "paragraph")
    reader.flush("paragraph")
    return reader.blocks


# Comparing blocks.


@dataclass
class Row:
    """One line of a body's diff: ``state`` is "context", "changed", "added", "removed" or
    "gap" (blocks left out); ``html`` its text, escaped, with <ins>/<del> marks."""

    state: str
    kind: str
    html: str

    def __post_init__(self):
        self.html = mark_safe(self.html)  # noqa: S308 - Rows are built from escaped text only


GAP = Row("gap", "gap", "…")


def _word_opcodes(old_words, new_words):
    """difflib opcodes between two lists of words, and how many words they share. The
    common start and end are taken off first, so a sentence changed in a long paragraph
    costs the length of that sentence, not of the paragraph; past MAX_WORDS differing
    words, the middles are one replacement and their shared words are not counted."""
    shortest = min(len(old_words), len(new_words))
    start = 0
    while start < shortest and old_words[start] == new_words[start]:
        start += 1
    end = 0
    while end < shortest - start and old_words[-1 - end] == new_words[-1 - end]:
        end += 1
    old_end, new_end = len(old_words) - end, len(new_words) - end
    opcodes = [("equal", 0, start, 0, start)] if start else []
    if len(old_words) + len(new_words) - 2 * (start + end) > MAX_WORDS:
        opcodes.append(("replace", start, old_end, start, new_end))
        shared = start + end
    else:
        matcher = difflib.SequenceMatcher(
            a=old_words[start:old_end], b=new_words[start:new_end], autojunk=False
        )
        for operation, old_from, old_to, new_from, new_to in matcher.get_opcodes():
            opcodes.append(
                (operation, old_from + start, old_to + start, new_from + start, new_to + start)
            )
        shared = start + end + sum(size for *_, size in matcher.get_matching_blocks())
    if end:
        opcodes.append(("equal", old_end, len(old_words), new_end, len(new_words)))
    return [opcode for opcode in opcodes if opcode[2] > opcode[1] or opcode[4] > opcode[3]], shared


def _marked_words(old, new):
    """HTML of one changed block: the new text with its changed words marked."""
    old_words, new_words = old.split(" "), new.split(" ")
    return _mark(_word_opcodes(old_words, new_words)[0], old_words, new_words, " ")


def _alike(old, new):
    """True when two blocks share at least half their words, in order."""
    old_words, new_words = old.text.split(" "), new.text.split(" ")
    total = len(old_words) + len(new_words)
    if min(len(old_words), len(new_words)) * 2 < PAIRING_RATIO * total:
        return False  # too different in length to share enough words
    return 2 * _word_opcodes(old_words, new_words)[1] >= PAIRING_RATIO * total


def _replaced(old_blocks, new_blocks):
    """The rows of a run of old blocks replaced by new ones: each old block paired, in
    order, with the first alike new block (a changed block); the rest removed or added."""
    rows, next_new = [], 0
    pairing = len(old_blocks) * len(new_blocks) <= MAX_PAIRING

    def added(up_to):
        nonlocal next_new
        for block in new_blocks[next_new:up_to]:
            rows.append(Row("added", block.kind, f"<ins>{escape(block.text)}</ins>"))
        next_new = up_to

    for old in old_blocks:
        match = None
        if pairing:
            match = next(
                (
                    index
                    for index in range(next_new, len(new_blocks))
                    if new_blocks[index].kind == old.kind and _alike(old, new_blocks[index])
                ),
                None,
            )
        if match is None:
            rows.append(Row("removed", old.kind, f"<del>{escape(old.text)}</del>"))
            continue
        added(match)
        new = new_blocks[match]
        rows.append(Row("changed", new.kind, _marked_words(old.text, new.text)))
        next_new = match + 1
    added(len(new_blocks))
    return rows


def _context(block):
    return Row("context", block.kind, escape(block.text))


def block_diff(old_blocks, new_blocks, context=1):
    """What a reader would see change between two rendered bodies, given as their blocks
    (blocks_of(body_html), read once per version however many comparisons use it), as a
    list of Rows: the changed blocks, with ``context`` unchanged blocks before and after
    them and, first, the heading of the section they are in; a "gap" row ("…") where
    blocks are left out.
    An empty list when the two read the same. Cost: one pass over each body, a
    comparison of whole blocks, and a word comparison of the changed blocks only."""
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    rows, shown_up_to = [], 0  # shown_up_to: the new blocks before it are shown or skipped
    for group in matcher.get_grouped_opcodes(context):
        if all(operation == "equal" for operation, *_ in group):
            continue  # two identical bodies give one group with nothing changed
        first_new = group[0][3]
        section = new_blocks[first_new].section if first_new < len(new_blocks) else -1
        if section >= shown_up_to and section != first_new:
            if section > shown_up_to and rows:  # at the start, the heading says where
                rows.append(GAP)
            rows.append(_context(new_blocks[section]))
            shown_up_to = section + 1
        if first_new > shown_up_to and (rows or new_blocks[first_new].kind != "heading"):
            rows.append(GAP)
        for position, (operation, old_start, old_end, new_start, new_end) in enumerate(group):
            old_run, new_run = old_blocks[old_start:old_end], new_blocks[new_start:new_end]
            if operation != "equal":
                rows.extend(_replaced(old_run, new_run))
                shown_up_to = new_end
                continue
            if 0 < position == len(group) - 1:
                # The context after a change stays in its section: not the next heading.
                headings = [index for index, block in enumerate(new_run) if block.kind == "heading"]
                new_run = new_run[: headings[0]] if headings else new_run
            rows.extend(_context(block) for block in new_run)
            shown_up_to = new_start + len(new_run)
    if rows and shown_up_to < len(new_blocks):
        rows.append(GAP)
    return rows


# What readers are told of an image, in the order a change of it is told.
IMAGE_DETAILS = (
    ("alt", "alt text"),
    ("caption", "caption"),
    ("credit", "credit"),
    ("licence", "licence"),
)


def _quoted(text):
    return f"“{text}”" if text else "none"


def _image_name(snapshot):
    return f"“{snapshot['alt']}”" if snapshot.get("alt") else f"image {snapshot['id']}"


def _detail_changes(old, new):
    return [
        f"{label} changed from {_quoted(old.get(key, ''))} to {_quoted(new.get(key, ''))}"
        for key, label in IMAGE_DETAILS
        if (old.get(key) or "") != (new.get(key) or "")
    ]


def image_changes(old_images, new_images):
    """What changed in the images two versions show (ArticleVersion.images), in words:
    a list of plain sentences such as "Lead image: alt text changed from “…” to “…”."
    Empty when a reader sees the same images, described the same way."""
    old_images, new_images = old_images or {}, new_images or {}
    sentences = []
    old_lead, new_lead = old_images.get("lead"), new_images.get("lead")
    if old_lead and not new_lead:
        sentences.append(f"Lead image removed: {_image_name(old_lead)}.")
    elif new_lead and not old_lead:
        sentences.append(f"Lead image added: {_image_name(new_lead)}.")
    elif old_lead and new_lead and old_lead["id"] != new_lead["id"]:
        sentences.append(
            f"Lead image replaced: {_image_name(old_lead)} by {_image_name(new_lead)}."
        )
    elif old_lead and new_lead:
        changes = _detail_changes(old_lead, new_lead)
        if changes:
            sentences.append(f"Lead image: {'; '.join(changes)}.")
    body_keys = [key for key in new_images if key != "lead"]
    for key in [key for key in old_images if key != "lead" and key not in new_images]:
        sentences.append(f"Image removed from the text: {_image_name(old_images[key])}.")
    for key in body_keys:
        if key not in old_images:
            sentences.append(f"Image added to the text: {_image_name(new_images[key])}.")
            continue
        changes = _detail_changes(old_images[key], new_images[key])
        if changes:
            sentences.append(f"Image {_image_name(old_images[key])}: {'; '.join(changes)}.")
    return sentences
