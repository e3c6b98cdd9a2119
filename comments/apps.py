from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        # Subscribers hear of published comments through the models' signal.
        from . import notifications  # noqa: F401
