"""The moderation queue's paginator: no full count of a table of a few hundred thousand rows."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap enough; above it the whole table is estimated.
ESTIMATE_ABOVE = 10_000
# A search counts at most this many matches (20 pages of 50).
SEARCH_COUNT_CEILING = 1_000


class QueuePaginator(Paginator):
    """A Paginator that does not count a big table on every page.

    The comment list without a filter ("All", no search, no article) would otherwise run
    COUNT(*) over every comment: on PostgreSQL its size is estimated from pg_class.reltuples
    instead, kept by VACUUM and ANALYZE (autovacuum), close enough for "page 12 of 4,000".
    With ``count_ceiling`` (a search), counting stops there: a common word matches tens of
    thousands of comments, and nobody pages that far. Other lists are counted exactly:
    their filters read an index.
    """

    def __init__(self, *args, count_ceiling=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_ceiling = count_ceiling

    @cached_property
    def count(self):
        if connection.vendor == "postgresql" and not self.object_list.query.where:
            estimate = table_row_estimate(self.object_list.model._meta.db_table)
            if estimate > ESTIMATE_ABOVE:
                return estimate
        if self.count_ceiling:
            # Unordered, so that the database may stop at the ceiling wherever it finds rows.
            return self.object_list.order_by()[: self.count_ceiling].count()
        return super().count


def table_row_estimate(table):
    """PostgreSQL's estimate of the rows in ``table`` (-1 or 0 when never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row else 0
