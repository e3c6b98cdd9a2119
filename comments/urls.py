from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("<slug:slug>/comments/", views.post_comment, name="post"),
    path("<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="feed"),
    path("comments/token/<int:article_id>/", views.form_token, name="form_token"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete"),
]
