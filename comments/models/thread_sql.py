"""The SQL that walks comment threads, shared by the Comment queryset and the thread page
(comments/threads.py): which comments a reader sees, below which hidden ones.

Kept apart from the model so that the model reads as a model; the names it needs of the
table and statuses are the model's own (comments_comment; Comment.Status).
"""

TABLE = "comments_comment"
APPROVED, PENDING = "approved", "pending"

# A thread is walked in SQL, never by one query per level: a chain of replies is user
# data and may be long. The bound only protects against a cycle written into the
# database by hand (the application never makes one).
LONGEST_CHAIN = 10_000


def shown_condition(alias, own_ids):
    """SQL (and parameters) for "a reader sees this row": approved, one of their own
    pending comments (ids from their signed cookie), or a comment hidden after readers'
    reports, which shows as a placeholder above its approved replies."""
    own_ids = [int(pk) for pk in own_ids]
    placeholder = f"{alias}.hidden_after_reports_at IS NOT NULL"
    if not own_ids:
        return f"({alias}.status = %s OR {placeholder})", [APPROVED]
    marks = ", ".join(["%s"] * len(own_ids))
    return (
        f"({alias}.status = %s OR {placeholder}"
        f" OR ({alias}.status = %s AND {alias}.id IN ({marks})))",
        [APPROVED, PENDING, *own_ids],
    )


def hidden_subtrees_sql(article_ids, own_ids=()):
    """A ``WITH RECURSIVE under_hidden (id, status, hidden_after_reports_at, level)`` clause:
    every comment of the article (an id, or a list of ids for several articles at once)
    below a comment this reader cannot see (pending, spam or removed, but for their own
    pending ones, and for one hidden after readers' reports: reports never hide the
    replies). Readers see a comment when it is shown itself and not in this set.

    The walk starts from the hidden comments that have replies, found through the
    (article, status) index, so it costs little however long the approved thread is.
    Returns (sql, params); the caller adds its SELECT. Each comment appears once.
    """
    table = TABLE
    article_ids = [article_ids] if isinstance(article_ids, int) else [int(pk) for pk in article_ids]
    articles = ", ".join(["%s"] * len(article_ids))
    hidden_statuses = [PENDING, "spam", "removed"]
    own_ids = [int(pk) for pk in own_ids]
    own_exception, own_params = "", []
    if own_ids:
        marks = ", ".join(["%s"] * len(own_ids))
        own_exception = f" AND NOT (hidden.status = %s AND hidden.id IN ({marks}))"
        own_params = [PENDING, *own_ids]
    walked_on, walked_params = shown_condition("under_hidden", own_ids)
    sql = (
        "WITH RECURSIVE under_hidden (id, status, hidden_after_reports_at, level) AS ("  # noqa: S608 (names from the model, values as parameters)
        f" SELECT reply.id, reply.status, reply.hidden_after_reports_at, 1 FROM {table} hidden"
        f" JOIN {table} reply ON reply.parent_id = hidden.id"
        f" WHERE hidden.article_id IN ({articles}) AND hidden.status IN (%s, %s, %s)"
        f"{own_exception}"
        " AND hidden.hidden_after_reports_at IS NULL"
        " UNION ALL"
        f" SELECT below.id, below.status, below.hidden_after_reports_at, under_hidden.level + 1"
        f" FROM {table} below"
        " JOIN under_hidden ON below.parent_id = under_hidden.id"
        # A hidden comment down there starts a walk of its own: each comment is reached
        # once, from the nearest hidden comment above it.
        f" WHERE {walked_on} AND under_hidden.level < %s"
        ")"
    )
    return sql, [*article_ids, *hidden_statuses, *own_params, *walked_params, LONGEST_CHAIN]
