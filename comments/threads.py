"""The page of a comment thread a reader asked for, and the page that shows a comment.

Only the top-level comments of that page and the replies under them are read,
in one query whatever the size of the thread (the walk down the replies is a
recursive query in the database; the thread's counts are stored on the article).
The thread is then laid out as a flat list in the order readers read it, each
comment with the level it shows at, so that neither Python nor the templates
recurse once per level of replies: a chain of replies is user data and may be any
length.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from articles.models import ArticleVersion

from .forms import comment_id_from
from .models import LONGEST_CHAIN, Comment, hidden_subtrees_sql, shown_condition
from .moderation import comments_are_open
from .readers import Reader
from .staff_answers import mark_staff_answers

# The columns a public page prints, as CommentQuerySet.for_display() names them (so the two
# stay in step): never the email, IP address or user agent. The version a comment led to
# comes through a join of its own (LED_TO_COLUMNS).
DISPLAY_COLUMNS = (
    "id",
    *sorted(
        name
        for name in Comment.objects.for_display().query.deferred_loading[0]
        if "__" not in name and name != "id"
    ),
    "led_to_version_id",
)
# Of the version a comment led to (an update or a correction), what the page says of it.
LED_TO_COLUMNS = ("number", "published_at", "is_correction")


@dataclass
class ThreadItem:
    """One comment of a thread page, where it shows, and which lists end after it."""

    comment: Comment
    level: int
    opens_replies: bool = False  # the next item is its first reply: a nested list starts
    closing: range = field(default_factory=lambda: range(0))  # nested lists that end after it


def _page_sql(article_id, own_ids, per_page, offset):
    """One query: the comments of one page of top-level comments with the replies under
    them, oldest first.

    The page's top-level comments come from an index in order (comment_thread_roots, or
    comment_article_page for a reader with pending comments of their own); the replies
    under them are walked down from there, through shown comments only, so a reply under
    a hidden comment is never reached. Nothing here grows with the length of the thread
    but the index entries an OFFSET steps over.
    """
    table = Comment._meta.db_table
    root_shown, root_params = shown_condition("root", own_ids)
    child_shown, child_params = shown_condition("child", own_ids)
    version_table = ArticleVersion._meta.db_table
    led_to = [f"led_to_{column}" for column in LED_TO_COLUMNS]
    columns = ", ".join(f"shown.{column}" for column in [*DISPLAY_COLUMNS, *led_to])
    inner = ", ".join(
        [f"comment.{column}" for column in DISPLAY_COLUMNS]
        + [f"led.{column} AS led_to_{column}" for column in LED_TO_COLUMNS]
    )
    sql = (
        "WITH RECURSIVE page_roots (id) AS ("  # noqa: S608 (names from the model, values as parameters)
        f"  SELECT root.id FROM {table} root"
        f"  WHERE root.article_id = %s AND root.parent_id IS NULL AND {root_shown}"
        "   ORDER BY root.created_at, root.id LIMIT %s OFFSET %s),"
        " page_tree (id, level) AS ("
        "  SELECT id, 1 FROM page_roots"
        "  UNION ALL"
        f"  SELECT child.id, page_tree.level + 1 FROM {table} child"
        "   JOIN page_tree ON child.parent_id = page_tree.id"
        f"  WHERE {child_shown} AND page_tree.level < %s)"
        f" SELECT {columns} FROM ("
        f"  SELECT {inner} FROM {table} comment"
        f"  LEFT JOIN {version_table} led ON led.id = comment.led_to_version_id"
        "   WHERE comment.id IN (SELECT id FROM page_tree)"
        " ) shown"
        " ORDER BY shown.created_at, shown.id"
    )
    params = [
        article_id, *root_params, per_page, offset,
        *child_params, LONGEST_CHAIN,
    ]  # fmt: skip
    return sql, params


def _counts_sql(article_id, own_ids):
    """For a reader with pending comments of their own, which the stored counts leave out:
    one query for the approved comments they see (all the article's approved ones less
    those below a comment hidden from them, as CommentQuerySet.seen_by_readers() counts)
    and the top-level comments they see, their own pending ones included."""
    table = Comment._meta.db_table
    hidden, hidden_params = hidden_subtrees_sql(article_id, own_ids)
    shown, shown_params = shown_condition("comment", own_ids)
    sql = (
        f"{hidden} SELECT"  # noqa: S608 (names from the model, values as parameters)
        f" (SELECT COUNT(*) FROM {table} comment"
        "  WHERE comment.article_id = %s AND comment.status = %s"
        "  AND comment.id NOT IN (SELECT id FROM under_hidden)),"
        f" (SELECT COUNT(*) FROM {table} comment"
        f"  WHERE comment.article_id = %s AND comment.parent_id IS NULL AND {shown})"
    )
    approved = Comment.Status.APPROVED
    return sql, [*hidden_params, article_id, approved, article_id, *shown_params]


def _read_counts(article, own_ids):
    """(the comments this reader sees, the top-level ones): stored on the article, unless
    the reader has pending comments of their own (one query then)."""
    if not own_ids:
        return article.approved_comment_count, article.top_level_comment_count
    sql, params = _counts_sql(article.pk, own_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _read_page(article_id, own_ids, per_page, page_number):
    sql, params = _page_sql(article_id, own_ids, per_page, (page_number - 1) * per_page)
    comments = list(Comment.objects.raw(sql, params))
    for comment in comments:
        _attach_led_to_version(comment)
    return comments


# Far past any real thread; a larger number asked for shows the last page all the same,
# and never reaches the database as an OFFSET beyond its integers.
LAST_PAGE_ASKED = 100_000


def _attach_led_to_version(comment):
    """Give the comment the version it led to, from the columns the page query joined,
    as select_related would: the template asks for it, and it must cost no query."""
    values = {column: getattr(comment, f"led_to_{column}") for column in LED_TO_COLUMNS}
    if comment.led_to_version_id is None:
        comment.led_to_version = None
        return
    for column in ("published_at", "is_correction"):
        # A raw query's extra columns come as the database sends them (SQLite: text, 0/1).
        values[column] = ArticleVersion._meta.get_field(column).to_python(values[column])
    published_at = values["published_at"]
    if published_at is not None and timezone.is_naive(published_at):
        values["published_at"] = timezone.make_aware(published_at, UTC)
    comment.led_to_version = ArticleVersion(id=comment.led_to_version_id, **values)


def _wanted_page(page_parameter):
    try:
        return min(max(1, int(str(page_parameter))), LAST_PAGE_ASKED)
    except (TypeError, ValueError):
        return 1


def lay_out(comments):
    """The comments of a page as ThreadItems in reading order (each reply after its parent,
    replies oldest first), with levels capped at COMMENTS_MAX_DEPTH. No recursion."""
    replies = {}
    roots = []
    for comment in comments:  # oldest first
        comment.thread_replies = []
        if comment.parent_id is None:
            roots.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread_replies = replies.get(comment.pk, [])
    deepest = settings.COMMENTS_MAX_DEPTH
    items = []
    stack = [(root, 1) for root in reversed(roots)]
    while stack:
        comment, level = stack.pop()
        items.append(ThreadItem(comment, level))
        for reply in reversed(comment.thread_replies):
            stack.append((reply, min(level + 1, deepest)))
    for item, following in zip(items, [*items[1:], None], strict=False):
        next_level = following.level if following else 1
        item.opens_replies = next_level > item.level
        if not item.opens_replies:
            item.closing = range(item.level - next_level)
    return roots, items


def comment_thread(reader, article, page_number=None):
    """The page of the thread this reader sees, with the count of comments they see.

    ``page.object_list`` holds the page's top-level comments (each with its
    ``thread_replies``) and ``page.thread_items`` the whole page in reading order.
    One query, whatever the number of comments: the counts are stored on the article
    (CommentQuerySet.refresh_threads). A reader's own pending comments come with the
    approved ones, and their counts cost one query more. A page past the end shows the
    last page.
    """
    own_ids = reader.own_comment_ids
    per_page = settings.COMMENTS_PER_PAGE
    approved_count, roots_count = _read_counts(article, own_ids)
    page = Paginator(range(roots_count), per_page).get_page(_wanted_page(page_number))
    comments = _read_page(article.pk, own_ids, per_page, page.number)
    mark_earlier_versions(article, comments)
    mark_staff_answers(comments)
    roots, items = lay_out(comments)
    page.object_list = roots
    page.thread_items = items
    return page, approved_count


def mark_earlier_versions(article, comments):
    """Give each comment ``earlier_version``: the number of the version it was written about
    when that version's words differ from the published one's, else None. One query, and
    none when every comment was written about the published version."""
    others = {
        comment.article_version_id
        for comment in comments
        if comment.article_version_id not in (None, article.published_version_id)
    }
    numbers = article.versions_with_other_words(others) if others else {}
    for comment in comments:
        comment.earlier_version = numbers.get(comment.article_version_id)


def canonical_thread_query(request, article, asked):
    """The ``cpage`` and ``replyto`` the article page means (for articles/page_parameters.py,
    registered in comments/apps.py): one address, so one cached copy, per real page.

    - ``cpage``: a page number of the thread as this reader sees it; past the end, the last
      page; page 1, a number that is not one ("abc", "01") or nothing: left out.
    - ``replyto``: an approved comment this reader sees on this article, while comments are
      open, with the ``cpage`` of the page that shows it; anything else: left out.

    No query for the page number unless the reader has pending comments of their own; a
    ``replyto`` costs three (the comment, its ancestors, the page's place).
    """
    reader = Reader.from_request(request)
    query = {}
    wanted = asked.get("cpage")
    if wanted is not None and PLAIN_NUMBER.fullmatch(wanted):
        roots_count = _read_counts(article, reader.own_comment_ids)[1]
        last = Paginator(range(roots_count), settings.COMMENTS_PER_PAGE).num_pages
        if min(int(wanted), last) > 1:
            query["cpage"] = str(min(int(wanted), last))
    reply_id = comment_id_from(asked.get("replyto", ""))
    if reply_id is not None and comments_are_open(article):
        page = _page_showing(article, reply_id)
        if page is not None:
            query.pop("cpage", None)
            query.update({"replyto": str(reply_id), **({"cpage": str(page)} if page > 1 else {})})
    return query


# A page number as the thread's links print it: no sign, no leading zero, no spaces.
PLAIN_NUMBER = re.compile(r"[1-9][0-9]{0,9}")


def _page_showing(article, comment_id):
    """The thread page of ``article`` that shows the approved comment ``comment_id`` with a
    Reply link, for every reader: None when it is not approved, not on this article, or
    below a comment readers do not see."""
    comment = (
        Comment.objects.approved()
        .filter(article=article, pk=comment_id)
        .only("pk", "article_id", "parent_id", "created_at")
        .first()
    )
    if comment is None:
        return None
    ancestors = comment.ancestors()
    if any(ancestor.status != Comment.Status.APPROVED for ancestor in ancestors):
        return None
    return _page_of_root(ancestors[-1] if ancestors else comment)


def page_of(comment):
    """The thread page number that shows ``comment`` (found through its top-level ancestor)."""
    ancestors = comment.ancestors()
    return _page_of_root(ancestors[-1] if ancestors else comment)


def _page_of_root(root):
    # In the thread's own order (created_at, then id), so two comments of the same
    # second are counted on the page that shows them.
    earlier = (
        Comment.objects.approved()
        .filter(article_id=root.article_id, parent__isnull=True)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return earlier // settings.COMMENTS_PER_PAGE + 1


def location_of(comment):
    """The address of ``comment`` on its article: the thread page that shows it, and its anchor."""
    page = page_of(comment)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}"
