"""Reading a plain-text article (title, lede, paragraphs, "•" bullets) into Markdown.

The shape is the one publishers paste from a word processor: first line the
title, the next paragraph the lede, short lines without a closing full stop
as section headings, indented "•" lines as bullet lists. A trailing "Leave a
Reply" block is the page's comment form, not content, and is dropped.
"""

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*[•●▪◦‣∙·*-]\s+")
LEAD_IN = re.compile(r"^([^.:!?]{1,60}):\s+(\S.*)$")
HEADING_MAX_LENGTH = 80
COMMENT_FORM_START = "leave a reply"
MARKDOWN_SPECIAL_START = re.compile(r"^(#|>|\d+[.)]\s|[-+*]\s)")


class UnreadableArticle(ValueError):
    """The text cannot be read as an article; the message says why, in one line."""


@dataclass
class ImportedArticle:
    title: str
    summary: str
    body: str


def decode(raw):
    """Bytes of a file to text, refusing what is empty, binary or not UTF-8."""
    if b"\x00" in raw:
        raise UnreadableArticle("the file looks binary (it contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableArticle(
            f"the file is not UTF-8 text (byte {error.start} is invalid)"
        ) from None
    if not text.strip():
        raise UnreadableArticle("the file is empty")
    return text


def _blocks(text):
    """Paragraphs: runs of non-blank lines, with trailing spaces removed."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_heading(block):
    line = block[0].strip()
    return (
        len(block) == 1
        and len(line) <= HEADING_MAX_LENGTH
        and not BULLET.match(block[0])
        and line[-1] not in ".:;,!?"
    )


def _bullet(line):
    text = BULLET.sub("", line).strip()
    lead_in = LEAD_IN.match(text)
    if lead_in:
        return f"- **{lead_in.group(1)}:** {lead_in.group(2)}"
    return f"- {text}"


def _paragraph(lines):
    text = " ".join(line.strip() for line in lines)
    # Plain text starting like Markdown syntax would change meaning: escape it.
    return "\\" + text if MARKDOWN_SPECIAL_START.match(text) else text


def parse_plain_text(text):
    """Turn a plain-text article into its title, lede and Markdown body."""
    blocks = _blocks(text)
    if len(blocks) < 2:
        raise UnreadableArticle("an article needs a title line and a lede paragraph after it")
    title_block, lede_block, *rest = blocks
    if len(title_block) != 1:
        raise UnreadableArticle("the first paragraph must be a single title line")
    parts = []
    for block in rest:
        if block[0].strip().lower().startswith(COMMENT_FORM_START):
            break  # the comment form of the page it was copied from, and what follows it
        bullets = [line for line in block if BULLET.match(line)]
        if bullets and len(bullets) == len(block):
            parts.append("\n".join(_bullet(line) for line in block))
        elif _is_heading(block):
            parts.append("## " + block[0].strip())
        else:
            parts.append(_paragraph(block))
    title = title_block[0].strip()
    if len(title) > 200:
        raise UnreadableArticle("the title line is longer than 200 characters")
    return ImportedArticle(
        title=title, summary=" ".join(line.strip() for line in lede_block), body="\n\n".join(parts)
    )
