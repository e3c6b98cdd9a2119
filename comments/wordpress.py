"""Moving from WordPress: reading an export (WXR) and mapping it onto articles and comments.

The export is read as a stream (lxml's iterparse over the open file, one <item>
at a time, each cleared once used), so a 200 MB file never sits in memory, and
with entities neither expanded nor fetched: a file that declares any is refused.
Each post becomes an article in a transaction of its own (WordPressImport),
so an error leaves no half-imported article and a second run skips what the
first one imported: articles by their WordPress id (kept as the old address
``/?p=ID``), comments by ``Comment.wordpress_id``.

Comment text is cleaned exactly as a reader's is (comments/forms.py), then
rendered with the same sanitiser (comments/markup.py).
"""

import html
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4 import Comment as HTMLComment
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from lxml import etree
from markdownify import MarkdownConverter

from articles.models import Article, LegacyAddress, wordpress_post_address

from .avatars import avatar_colour
from .forms import cleaned_submission
from .markup import ALLOWED_TAGS as COMMENT_TAGS
from .markup import render_comment
from .models import Comment

WORDPRESS_NAMESPACE = "http://wordpress.org/export/"  # then 1.0/, 1.1/ or 1.2/
NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
NO_DATE = "0000-00-00 00:00:00"

COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,  # a comment of a post that went to the bin
}
PINGBACK_TYPES = {"pingback", "trackback"}
# What readers may see of each WordPress post status; None: not imported at all.
ARTICLE_STATES = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "draft",
    "private": "draft",
    "trash": None,
    "auto-draft": None,
    "inherit": None,
}
NAME_MAX, EMAIL_MAX, WEBSITE_MAX, TITLE_MAX, SLUG_MAX = 100, 254, 200, 200, 200
ANONYMOUS = "Anonymous"


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


def _read_post(element):
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
    )
    post.comments = [
        _read_comment(child, post.describe()) for name, child in children if name == "wp:comment"
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


def read_export(source):
    """Yield the WordPressAuthor and WordPressPost records of a WXR file, in file order.

    ``source`` is a path or a binary file object; it is read as a stream and
    every item is dropped once yielded. A malformed file raises UnreadableExport
    naming the line, and the item it happened in.
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
                last = _read_post(element)
                yield last
                item_line = None
            elif name == "wp:author" and event == "end":
                yield _read_author(element)
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


# Mapping ----------------------------------------------------------------------------


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


# [caption id="" align="alignleft" width="300"]<img ...> The caption.[/caption]
CAPTION_SHORTCODE = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
# WordPress's own media shortcodes, opening, closing or on their own: [gallery ids="1,2"],
# [embed]https://...[/embed] (the address stays). Other bracketed text ("[sic]", a plugin's
# shortcode) is kept as written, for the editor to see.
SHORTCODE_TAG = re.compile(
    r"\[/?(?:gallery|embed|audio|video|playlist|wp_caption)\b[^\]]*\]", re.IGNORECASE
)
BLOCK_START = re.compile(
    r"^\s*<(?:h[1-6]|p|ul|ol|li|blockquote|div|figure|table|pre|hr|dl|section)\b", re.IGNORECASE
)


def _paragraphs_of_classic_content(content):
    """WordPress's classic editor stores paragraphs as blank lines (wpautop adds the <p>
    tags when showing them): wrap such runs of text in <p>, single newlines as <br>."""
    blocks = re.split(r"\n\s*\n", content.replace("\r\n", "\n"))
    wrapped = []
    for block in blocks:
        if not block.strip():
            continue
        if BLOCK_START.match(block):
            wrapped.append(block)
        else:
            wrapped.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(wrapped)


CAPTIONED_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)$", re.DOTALL)


def _caption_as_html(match):
    """A [caption] shortcode as its image, then its text in a paragraph of its own."""
    inner = match.group(1)
    image = CAPTIONED_IMAGE.match(inner)
    if image is None:
        return f"<p>{inner.strip()}</p>"
    caption = image.group(2).strip()
    return f"<p>{image.group(1)}</p>" + (f"<p><em>{caption}</em></p>" if caption else "")


def _html_of_post(content):
    """The post's HTML without shortcodes; a [caption] keeps its image and its text."""
    content = CAPTION_SHORTCODE.sub(_caption_as_html, content)
    content = SHORTCODE_TAG.sub("", content)
    return _paragraphs_of_classic_content(content)


# markdownify, writing this site's Markdown: "## " headings, "-" bullets.
_converter = MarkdownConverter(heading_style="ATX", bullets="-", escape_underscores=False)


def post_body_markdown(content):
    """A WordPress post's content (block comments, shortcodes, classic paragraphs) as Markdown.

    Headings, lists, links, emphasis, blockquotes and images (with their alt
    text) are kept; block comments (``<!-- wp:paragraph -->``) and WordPress's
    media shortcodes are dropped, a [caption] becomes its image and its text.
    """
    markdown = _converter.convert(_html_of_post(content))
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def post_summary(excerpt, content):
    """The excerpt as plain text, else the first paragraph of the content."""
    text = " ".join(BeautifulSoup(excerpt or "", "html.parser").get_text(" ").split())
    if text:
        return text
    soup = BeautifulSoup(_html_of_post(content), "html.parser")
    for paragraph in soup.find_all("p"):
        text = " ".join(paragraph.get_text(" ").split())
        if text:
            return text
    return ""


def _comment_markup(node):
    """The text of an HTML node as a reader would type it: tags the comment form renders
    (a, em, strong, code, blockquote) kept, paragraphs as blank lines, others stripped."""
    if isinstance(node, HTMLComment) or getattr(node, "name", "") in {"script", "style"}:
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if not isinstance(node, Tag):
        return ""
    inner = "".join(_comment_markup(child) for child in node.children)
    name = node.name.lower()
    if name == "br":
        return "\n"
    if name in {"p", "div"}:
        return f"\n\n{inner.strip()}\n\n"
    if name in {"b", "i"}:
        name = {"b": "strong", "i": "em"}[name]
    if name == "a":
        href = node.get("href", "")
        if not re.match(r"^(https?:|mailto:)", href, re.IGNORECASE):
            return inner
        return f'<a href="{html.escape(href)}">{inner}</a>'
    if name in COMMENT_TAGS - {"p", "br"}:
        return f"<{name}>{inner}</{name}>"
    return inner


def comment_text(content):
    """A WordPress comment's HTML as the plain text a reader would have typed here.

    Entities are decoded, paragraphs become blank lines, tags the comment form
    does not render are stripped (their text kept); links and emphasis stay
    as the tags a reader may type. The result is cleaned like a form submission.
    """
    text = content or ""
    if "<" in text or "&" in text:  # most comments are plain text: no parser needed
        soup = BeautifulSoup(text, "html.parser")
        text = "".join(_comment_markup(child) for child in soup.children)
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_website_validator = URLValidator(schemes=["http", "https"])


def _website(url):
    """The commenter's website when it is one the comment form would accept, else empty."""
    if not url or len(url) > WEBSITE_MAX:
        return ""
    try:
        _website_validator(url)
    except ValidationError:
        return ""
    return url


def _ip_address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def attach_reply(reply, parent):
    """Thread ``reply`` under ``parent`` by the rule readers' replies follow (Comment.save):
    a reply to a comment at COMMENTS_MAX_DEPTH hangs beside it, at the deepest level.

    ``parent`` is a saved Comment with ``pk``, ``depth`` and ``parent_id``. The
    one place the importer decides where a reply hangs: keep it in step with
    Comment.save.
    """
    if parent.depth >= settings.COMMENTS_MAX_DEPTH:
        # A reply to a comment at the deepest level answers that comment's parent, at the
        # same level (Comment.attach_within_depth_limit): no chain grows past the limit.
        reply.parent_id = parent.parent_id
        reply.depth = parent.depth if parent.parent_id else 1
        return
    reply.parent_id = parent.pk
    reply.depth = parent.depth + 1


def comment_status(approved, where):
    """The moderation status of a WordPress ``wp:comment_approved`` value."""
    try:
        return COMMENT_STATUSES[approved]
    except KeyError:
        raise UnreadableExport(
            f"{where}: wp:comment_approved “{approved}” is none of 1, 0, spam, trash"
        ) from None


def new_comment(wordpress_comment, *, article, version_id, staff_ids, where):
    """An unsaved Comment for a WordPress comment, rendered as Comment.save would render it."""
    submitted = cleaned_submission(
        {
            "body": comment_text(wordpress_comment.content),
            "name": html.unescape(wordpress_comment.author),
            "email": wordpress_comment.email,
            "website": wordpress_comment.url,
        }
    )
    body = submitted["body"]
    email = submitted["email"].strip()[:EMAIL_MAX]
    return Comment(
        article=article,
        article_version_id=version_id,
        wordpress_id=wordpress_comment.id,
        name=" ".join(submitted["name"].split())[:NAME_MAX] or ANONYMOUS,
        email=email,
        website=_website(submitted["website"].strip()),
        body=body,
        body_html=render_comment(body),
        avatar_colour=avatar_colour(email),
        is_staff_reply=wordpress_comment.user_id in staff_ids,
        is_pingback=wordpress_comment.type in PINGBACK_TYPES,
        status=comment_status(wordpress_comment.approved, where),
        ip_address=_ip_address(wordpress_comment.ip),
        created_at=parse_date(wordpress_comment.date_gmt, wordpress_comment.date, where)
        or timezone.now(),
    )


def article_slug(post):
    """A free slug for the post: its WordPress name, else its title, made ASCII."""
    base = slugify(unquote(post.name))[:SLUG_MAX] or slugify(post.title)[:SLUG_MAX]
    base = base.strip("-") or f"wordpress-{post.id}"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug, number = base[: SLUG_MAX - len(suffix)] + suffix, number + 1
    return slug


def old_addresses(post):
    """Every address WordPress answered for this post: /?p=ID (and /?page_id=ID for a page),
    the dated permalinks of a post (by its local date, as WordPress makes them), and /old-name/."""
    paths = [wordpress_post_address(post.id)]
    old_name = unquote(post.name).strip("/")
    if post.type == "page":
        paths.append(f"/?page_id={post.id}")
    date = parse_date(post.date, where=post.describe())
    if old_name and "/" not in old_name:
        if post.type == "post" and date and post.status in {"publish", "future"}:
            paths.append(f"/{date:%Y/%m/%d}/{old_name}/")
            paths.append(f"/{date:%Y/%m}/{old_name}/")
        # Kept even when it equals the new slug: the slug may be changed here later.
        paths.append(f"/{old_name}/")
    return [path for path in paths if len(path) <= 500]


def author_user(login, authors):
    """The user a version is signed by: the one with the WordPress login as username, or a
    new inactive one (no password: they cannot sign in) named by the author's display name."""
    if not login:
        return None
    users = get_user_model().objects
    user = users.filter(username=login[:150]).first()
    if user is not None:
        return user
    author = authors.get(login)
    display_name = (author.display_name if author else "") or login
    first_name, _, last_name = display_name.rpartition(" ")
    if not first_name:
        first_name, last_name = last_name, ""
    user = users.create_user(
        username=login[:150],
        email=author.email if author else "",
        first_name=first_name[:150],
        last_name=last_name[:150],
        is_active=False,
    )
    return user


# Importing --------------------------------------------------------------------------


@dataclass
class PostResult:
    """What importing one item did, for the command's line about it."""

    post: WordPressPost
    action: str  # "imported", "already there" or "left out"
    article: Article | None = None
    state: str = ""
    new_comments: int = 0
    reason: str = ""


class WordPressImport:
    """Imports the records read_export yields, one transaction per article, and counts.

    ``counts`` keys are the rows of the command's summary table. With
    ``dry_run`` every transaction is rolled back: the counts say what would happen.
    """

    def __init__(self, *, include_pages=False, with_pingbacks=False, dry_run=False):
        self.include_pages = include_pages
        self.with_pingbacks = with_pingbacks
        self.dry_run = dry_run
        self.authors = {}
        self.counts = Counter()

    def add(self, record):
        """Import one record; an author is only remembered. Returns a PostResult for posts."""
        if isinstance(record, WordPressAuthor):
            self.authors[record.login] = record
            return None
        return self.import_post(record)

    def _left_out(self, post, reason):
        self.counts[f"left out: {reason}"] += 1
        return PostResult(post, "left out", reason=reason)

    def import_post(self, post):
        if post.type not in {"post", "page"}:
            return self._left_out(post, post.type or "unknown type")
        if post.type == "page" and not self.include_pages:
            return self._left_out(post, "page (use --include-pages)")
        if ARTICLE_STATES.get(post.status, "draft") is None:
            return self._left_out(post, f"{post.status} {post.type}")
        counted_before = self.counts.copy()
        try:
            with transaction.atomic():
                result = self._import_in_transaction(post)
                if self.dry_run:
                    transaction.set_rollback(True)
        except (UnreadableExport, DatabaseError) as error:
            self.counts = counted_before  # nothing of this item was saved: none of it counts
            if isinstance(error, DatabaseError):
                message = f"{post.describe()}: the database refused it ({error})"
                raise UnreadableExport(message) from error
            raise
        if result.new_comments and not self.dry_run:
            # Bulk rows skip Comment.save: refresh the article's pages the way it would.
            Article.objects.filter(pk=result.article.pk).expire_pages()
        return result

    def _import_in_transaction(self, post):
        existing = LegacyAddress.objects.filter(path=wordpress_post_address(post.id)).first()
        if existing is not None:
            article = existing.article
            version_id = (
                article.published_version_id
                or article.versions.order_by("-number").values_list("pk", flat=True).first()
            )
            result = PostResult(post, "already there", article=article)
            self.counts["articles already there"] += 1
        else:
            article, version_id, state = self._new_article(post)
            result = PostResult(post, "imported", article=article, state=state)
            self.counts[f"articles {state}"] += 1
        self._keep_old_addresses(post, article)
        result.new_comments = self._import_comments(
            post, article, version_id, known=existing is not None
        )
        return result

    def _new_article(self, post):
        where = post.describe()
        state = ARTICLE_STATES.get(post.status, "draft")
        if post.password:
            state = "draft"  # readers of the old site needed a password: nobody sees it here
        published_at = parse_date(post.date_gmt, post.date, where)
        article = Article.objects.create(
            slug=article_slug(post),
            comments_open=post.comments_open,
            created_at=published_at or timezone.now(),
        )
        version = article.add_version(
            title=(post.title or article.slug)[:TITLE_MAX],
            summary=post_summary(post.excerpt, post.content),
            body=post_body_markdown(post.content),
            author=author_user(post.creator, self.authors),
            change_note="Imported from WordPress.",  # public, on the change log
        )
        if state in {"published", "scheduled"}:
            article.publish(version, when=published_at)
            state = "scheduled" if not article.is_live else "published"
        return article, version.pk, state

    def _keep_old_addresses(self, post, article):
        paths = old_addresses(post)
        taken = set(LegacyAddress.objects.filter(path__in=paths).values_list("path", flat=True))
        new = [LegacyAddress(path=path, article=article) for path in paths if path not in taken]
        LegacyAddress.objects.bulk_create(new)
        self.counts["old addresses kept"] += len(new)

    def _import_comments(self, post, article, version_id, known):
        """Save the post's comments not imported before (``known``: the article was imported
        before), parents first, one bulk insert per level of the threads. Returns how many
        were saved."""
        saved = {}
        if known:
            saved = {
                comment.wordpress_id: comment
                for comment in Comment.objects.filter(
                    article=article, wordpress_id__isnull=False
                ).only("pk", "depth", "parent_id", "wordpress_id")
            }
        waiting = []
        for wordpress_comment in post.comments:
            if wordpress_comment.id in saved:
                self.counts["comments already there"] += 1
            elif wordpress_comment.type in PINGBACK_TYPES and not self.with_pingbacks:
                self.counts["pingbacks left out"] += 1
            else:
                waiting.append(wordpress_comment)
        waiting_ids = {each.id for each in waiting}
        staff_ids = {author.id for author in self.authors.values()}
        thread_roots, added = set(), 0
        while waiting:
            # Parents first: a comment whose parent is saved, or not in this import at all
            # (a left-out pingback, a comment missing from the export), is ready.
            ready = [
                each
                for each in waiting
                if each.parent_id in saved or each.parent_id not in waiting_ids
            ]
            if not ready:
                first = waiting[0]
                raise UnreadableExport(
                    f"{post.describe()}, wp:comment on line {first.line}: "
                    "its wp:comment_parent chain loops back to itself"
                )
            rows = [
                self._comment_row(each, post, article, version_id, saved, staff_ids)
                for each in ready
            ]
            Comment.objects.bulk_create(rows)
            for each, row in zip(ready, rows, strict=True):
                saved[each.id] = row
                waiting_ids.discard(each.id)
                self._count_comment(row)
                if row.depth == 2:
                    thread_roots.add(row.parent_id)
            added += len(rows)
            waiting = [each for each in waiting if each.id in waiting_ids]
        self.counts["threads"] += len(thread_roots)
        return added

    def _comment_row(self, wordpress_comment, post, article, version_id, saved, staff_ids):
        where = (
            f"{post.describe()}, wp:comment {wordpress_comment.id} on line {wordpress_comment.line}"
        )
        row = new_comment(
            wordpress_comment,
            article=article,
            version_id=version_id,
            staff_ids=staff_ids,
            where=where,
        )
        parent = saved.get(wordpress_comment.parent_id)
        if parent is not None:
            attach_reply(row, parent)
        return row

    def _count_comment(self, row):
        self.counts[f"comments {row.status}"] += 1
        if row.parent_id is not None:
            self.counts["replies"] += 1
            self.counts["deepest level"] = max(self.counts["deepest level"], row.depth)
        if row.is_staff_reply:
            self.counts["staff replies"] += 1
        if row.is_pingback:
            self.counts["pingbacks kept"] += 1
