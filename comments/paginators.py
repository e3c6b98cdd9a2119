"""The moderation queue's paginator: no full count of a table of a few hundred thousand rows."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap enough; above it the whole table is estimated.
ESTIMATE_ABOVE = 10_000


class QueuePaginator(Paginator):
    """A Paginator that estimates the size of an unfiltered table from PostgreSQL's statistics.

    The comment list without a filter ("All", no search, no article) would otherwise run
    COUNT(*) over every comment on every page. pg_class.reltuples is kept by VACUUM and
    ANALYZE (autovacuum), close enough for "page 12 of 4,000". Filtered lists, and every
    list on other databases, are counted exactly: their filters use an index.
    """

    @cached_property
    def count(self):
        if connection.vendor == "postgresql" and not self.object_list.query.where:
            estimate = table_row_estimate(self.object_list.model._meta.db_table)
            if estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count


def table_row_estimate(table):
    """PostgreSQL's estimate of the rows in ``table`` (-1 or 0 when never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row else 0
