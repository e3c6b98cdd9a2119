from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # The task worker is asked to carry out what editors schedule (post_save receiver).
        from . import schedule  # noqa: F401
