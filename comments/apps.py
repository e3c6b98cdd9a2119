from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from articles.page_parameters import read_by_the_article_page

        # Subscribers hear of published comments through the models' signal.
        from . import notifications  # noqa: F401
        from .threads import canonical_thread_query

        # The comments block reads these on the article page: one address per real page.
        read_by_the_article_page(["cpage", "replyto"], canonical_thread_query)
