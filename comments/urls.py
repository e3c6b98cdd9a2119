from django.urls import path

from . import feeds, permalinks, report_views, subscription_views, views

app_name = "comments"

urlpatterns = [
    path("<slug:slug>/comments/", views.post_comment, name="post"),
    path("<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    # The reader's part of an article page, for Varnish's <esi:include> (comments/reader_part.py).
    path("comments/you/<int:article_id>/", views.reader_part, name="reader_part"),
    path("comments/token/<int:article_id>/", views.form_token, name="form_token"),
    path("comments/preview/<int:article_id>/", views.preview_comment, name="preview"),
    path("comments/<int:pk>/", permalinks.comment_link, name="link"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete"),
    path("comments/<int:pk>/report/", report_views.report_comment, name="report"),
    path(
        "comments/emails/confirm/<str:token>/",
        subscription_views.confirm_subscription,
        name="confirm",
    ),
    path(
        "comments/emails/unsubscribe/<str:token>/",
        subscription_views.unsubscribe,
        name="unsubscribe",
    ),
]
