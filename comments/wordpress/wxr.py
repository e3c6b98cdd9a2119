"""Reading a WordPress export (WXR): the records it holds, as a stream.

The export is read with lxml's iterparse over the open file, one <item> at a
time, each cleared once used, so a 200 MB file never sits in memory; entities
are neither expanded nor fetched: a file that declares any is refused. WXR 1.0,
1.1 and 1.2 are read alike (their namespaces differ only by the version).
"""

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

WORDPRESS_NAMESPACE = "http://wordpress.org/export/"  # then 1.0/, 1.1/ or 1.2/
NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
NO_DATE = "0000-00-00 00:00:00"
# The channel's lists of categories and tags, and the taxonomy each belongs to.
TERM_ELEMENTS = {"wp:category": "category", "wp:tag": "post_tag"}


class UnreadableExport(ValueError):
    """The export cannot be read or imported; the message names the item and the line."""


@dataclass
class WordPressAuthor:
    """A <wp:author> of the export's channel: someone who wrote on the WordPress site."""

    id: int
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class WordPressTerm:
    """A <wp:category> or <wp:tag> of the export's channel: ``taxonomy`` is "category" or
    "post_tag"; ``parent`` is the slug (nicename) of a category's parent, or empty."""

    taxonomy: str
    slug: str
    name: str
    parent: str = ""


@dataclass
class WordPressComment:
    """A <wp:comment> of an item, as written in the export."""

    id: int
    parent_id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    user_id: int
    line: int


@dataclass
class WordPressPost:
    """An <item> of the export: a post, a page, an attachment, a menu item..."""

    id: int
    type: str
    status: str
    title: str
    name: str
    creator: str
    date: str
    date_gmt: str
    content: str
    excerpt: str
    password: str
    comments_open: bool
    line: int
    comments: list = field(default_factory=list)
    # (taxonomy, slug, name) of each <category domain=... nicename=...>, in file order.
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # wp:postmeta, key -> value (the first of a key)
    attachment_url: str = ""
    parent_id: int = 0

    def term_list(self, taxonomy):
        """The (slug, name) of the item's terms of ``taxonomy`` ("category", "post_tag")."""
        return [(slug, name) for kind, slug, name in self.terms if kind == taxonomy]

    def describe(self):
        """How error messages name this item."""
        return f"item “{self.title or '(no title)'}” (wp:post_id {self.id}, line {self.line})"


# Reading ----------------------------------------------------------------------------


def _short_name(element):
    """``wp:post_id``, ``content:encoded``, ``excerpt:encoded``, ``title``...: the WXR
    element name whatever the export version (1.0, 1.1, 1.2) in its namespace."""
    qualified = etree.QName(element)
    namespace = qualified.namespace or ""
    if namespace.startswith(WORDPRESS_NAMESPACE):
        prefix = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
    else:
        prefix = NAMESPACE_PREFIXES.get(namespace, "")
    return f"{prefix}:{qualified.localname}" if prefix else qualified.localname


def _children(element):
    """The text of each child element by name (the first of a name), and the children."""
    texts, children = {}, []
    for child in element:
        if isinstance(child.tag, str):  # not an XML comment or processing instruction
            name = _short_name(child)
            texts.setdefault(name, child.text or "")
            children.append((name, child))
    return texts, children


def _number(text, what, where):
    try:
        return int((text or "0").strip())
    except ValueError:
        raise UnreadableExport(f"{where}: {what} “{text}” is not a number") from None


def _read_author(element):
    texts, _ = _children(element)
    where = f"wp:author on line {element.sourceline}"
    return WordPressAuthor(
        id=_number(texts.get("wp:author_id"), "wp:author_id", where),
        login=texts.get("wp:author_login", "").strip(),
        email=texts.get("wp:author_email", "").strip(),
        display_name=texts.get("wp:author_display_name", "").strip(),
        first_name=texts.get("wp:author_first_name", "").strip(),
        last_name=texts.get("wp:author_last_name", "").strip(),
    )


def _read_term(element, taxonomy):
    texts, _ = _children(element)
    if taxonomy == "category":
        slug, name = texts.get("wp:category_nicename", ""), texts.get("wp:cat_name", "")
        parent = texts.get("wp:category_parent", "")
    else:
        slug, name, parent = texts.get("wp:tag_slug", ""), texts.get("wp:tag_name", ""), ""
    return WordPressTerm(
        taxonomy=taxonomy,
        slug=slug.strip(),
        name=html.unescape(name).strip(),
        parent=parent.strip(),
    )


def _read_meta(children):
    meta = {}
    for name, child in children:
        if name == "wp:postmeta":
            texts, _ = _children(child)
            meta.setdefault(texts.get("wp:meta_key", "").strip(), texts.get("wp:meta_value", ""))
    return meta


def _read_comment(element, where):
    texts, _ = _children(element)
    where = f"{where}, wp:comment on line {element.sourceline}"
    return WordPressComment(
        id=_number(texts.get("wp:comment_id"), "wp:comment_id", where),
        parent_id=_number(texts.get("wp:comment_parent"), "wp:comment_parent", where),
        author=texts.get("wp:comment_author", ""),
        email=texts.get("wp:comment_author_email", "").strip(),
        url=texts.get("wp:comment_author_url", "").strip(),
        ip=texts.get("wp:comment_author_IP", "").strip(),
        date=texts.get("wp:comment_date", "").strip(),
        date_gmt=texts.get("wp:comment_date_gmt", "").strip(),
        content=texts.get("wp:comment_content", ""),
        approved=texts.get("wp:comment_approved", "").strip(),
        type=texts.get("wp:comment_type", "").strip(),
        user_id=_number(texts.get("wp:comment_user_id"), "wp:comment_user_id", where),
        line=element.sourceline,
    )


def _read_post(element, with_comments=True):
    texts, children = _children(element)
    where = f"item on line {element.sourceline}"
    post = WordPressPost(
        id=_number(texts.get("wp:post_id"), "wp:post_id", where),
        type=texts.get("wp:post_type", "").strip(),
        status=texts.get("wp:status", "").strip(),
        title=html.unescape(texts.get("title", "")).strip(),
        name=texts.get("wp:post_name", "").strip(),
        creator=texts.get("dc:creator", "").strip(),
        date=texts.get("wp:post_date", "").strip(),
        date_gmt=texts.get("wp:post_date_gmt", "").strip(),
        content=texts.get("content:encoded", ""),
        excerpt=texts.get("excerpt:encoded", ""),
        password=texts.get("wp:post_password", ""),
        comments_open=texts.get("wp:comment_status", "open").strip() != "closed",
        line=element.sourceline,
        attachment_url=texts.get("wp:attachment_url", "").strip(),
        parent_id=_number(texts.get("wp:post_parent"), "wp:post_parent", where),
    )
    post.meta = _read_meta(children)
    post.terms = [
        (
            child.get("domain", ""),
            (child.get("nicename") or "").strip(),
            html.unescape(child.text or "").strip(),
        )
        for name, child in children
        if name == "category" and child.get("domain") in {"category", "post_tag"}
    ]
    if with_comments:
        post.comments = [
            _read_comment(child, post.describe())
            for name, child in children
            if name == "wp:comment"
        ]
    return post


def _check_is_wordpress_export(root):
    if root.getroottree().docinfo.internalDTD is not None:
        raise UnreadableExport(
            "line 1: the file declares a DOCTYPE; a WordPress export has none, "
            "and entities are never read"
        )
    namespaces = (root.nsmap or {}).values()
    if etree.QName(root).localname != "rss" or not any(
        (namespace or "").startswith(WORDPRESS_NAMESPACE) for namespace in namespaces
    ):
        raise UnreadableExport(
            f"line {root.sourceline}: this is not a WordPress export (WXR): "
            "export it with Tools → Export → All content"
        )


def read_export(source, with_comments=True):
    """Yield the WordPressAuthor, WordPressTerm and WordPressPost records of a WXR file, in
    file order.

    ``source`` is a path or a binary file object; it is read as a stream and
    every item is dropped once yielded. A malformed file raises UnreadableExport
    naming the line, and the item it happened in. ``with_comments=False`` leaves each
    post's comments unread (a first reading that looks for attachments and terms).
    """
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        huge_tree=False,
    )
    checked, item_line, last = False, None, None
    try:
        for event, element in events:
            if not checked:
                _check_is_wordpress_export(element)
                checked = True
            name = _short_name(element)
            if name == "item":
                if event == "start":
                    item_line = element.sourceline
                    continue
                last = _read_post(element, with_comments)
                yield last
                item_line = None
            elif name == "wp:author" and event == "end":
                yield _read_author(element)
            elif name in TERM_ELEMENTS and event == "end":
                yield _read_term(element, TERM_ELEMENTS[name])
            else:
                continue
            # Done with this element: drop it and what came before it, to keep memory flat.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        where = f"line {error.lineno}: {error.msg}"
        if item_line is not None:
            where += f", in the item that starts on line {item_line}"
        if last is not None:
            where += f" (the item before it: {last.describe()})"
        raise UnreadableExport(f"the file is not well-formed XML: {where}") from None


def parse_date(text, fallback="", where=""):
    """A WordPress date ("2024-03-05 14:30:00", GMT) as an aware datetime; None if unset.

    WordPress writes ``0000-00-00 00:00:00`` for a draft's GMT date: then the
    local ``fallback`` is read as UTC (the export does not say the site's zone).
    """
    for candidate in (text, fallback):
        candidate = (candidate or "").strip()
        if candidate and candidate != NO_DATE:
            try:
                return datetime.strptime(candidate, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            except ValueError:
                raise UnreadableExport(f"{where}: “{candidate}” is not a date") from None
    return None
