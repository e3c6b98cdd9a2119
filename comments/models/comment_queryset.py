"""The queries of comments: what readers see of a thread, the queue's shortcuts, the
columns a public page prints, and the thread counts stored on the article."""

from django.db import models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from articles.models import Article

from .thread_sql import hidden_subtrees_sql


class CommentQuerySet(models.QuerySet):
    def seen_by_readers(self, article_id, own_ids=()):
        """The comments of this article (an id, or a list of ids) that its page shows:
        approved (or the reader's own pending ones) with every comment above them shown too.
        Counts, the thread, the feed and the front page all agree on this
        (comments/threads.py counts the same way)."""
        shown = Q(status=self.model.Status.APPROVED)
        if own_ids:
            shown |= Q(status=self.model.Status.PENDING, pk__in=list(own_ids))
        sql, params = hidden_subtrees_sql(article_id, own_ids)
        article_ids = [article_id] if isinstance(article_id, int) else list(article_id)
        return self.filter(shown, article_id__in=article_ids).exclude(
            pk__in=RawSQL(f"{sql} SELECT id FROM under_hidden", params)  # noqa: S608, S611
        )

    def approved(self):
        """Comments every reader may see."""
        return self.filter(status=self.model.Status.APPROVED)

    def public(self):
        """Approved comments on articles readers may see: those a public address may show."""
        return self.approved().filter(article__in=Article.objects.published())

    def pending(self):
        return self.filter(status=self.model.Status.PENDING)

    def for_display(self):
        """Only the columns a public page prints: never the email, IP address or user agent."""
        return (
            self.only(
                "id",
                "article_id",
                "article_version_id",
                "led_to_version__number",
                "led_to_version__published_at",
                "led_to_version__is_correction",
                "parent_id",
                "depth",
                "name",
                "website",
                "body_html",
                "avatar_colour",
                "is_staff_reply",
                "is_pingback",
                "status",
                "created_at",
                "edited_at",
                "hidden_after_reports_at",
                "featured_at",
            )
            .select_related("led_to_version")
            .order_by("created_at", "pk")
        )

    def delete(self):
        """Delete these comments; the pages of their articles change with them."""
        article_ids = set(self.values_list("article_id", flat=True))
        with transaction.atomic():
            result = super().delete()
            self.refresh_threads(article_ids)
        return result

    def refresh_threads(self, article_ids):
        """After a change of these articles' comments: their pages render afresh, and the
        counts they show (Article.approved_comment_count, top_level_comment_count) are
        counted again, as seen_by_readers() counts, and stored.

        The pages expire first: that UPDATE locks the articles' rows until the commit, so
        two changes at once count one after the other and the later count sees both."""
        article_ids = sorted({int(pk) for pk in article_ids})
        if not article_ids:
            return
        with transaction.atomic():
            Article.objects.filter(pk__in=article_ids).expire_pages()
            counts = dict.fromkeys(article_ids, (0, 0))
            seen = self.model.objects.seen_by_readers(article_ids).order_by().values("article")
            counts.update(
                (pk, (shown, top_level))
                for pk, shown, top_level in seen.annotate(
                    shown=models.Count("pk"), top_level=models.Count("pk", filter=Q(parent=None))
                ).values_list("article", "shown", "top_level")
            )
            for pk, (shown, top_level) in counts.items():
                Article.objects.filter(pk=pk).update(
                    approved_comment_count=shown, top_level_comment_count=top_level
                )
