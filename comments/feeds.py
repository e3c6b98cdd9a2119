"""The RSS feed of one article's approved comments.

It lives in comments, not articles, because articles never imports comments.
Only the columns a public page prints are read (Comment.objects.for_display()),
so the commenter's email, IP address and user agent are never even loaded.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.models import Article
from cms.caching import article_key, share

from .models import Comment

FEED_LENGTH = 50


class ArticleCommentsFeed(Feed):
    """The newest approved comments of a published article, as RSS 2.0."""

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return share(request, response, getattr(request, "feed_cache_keys", []))

    def get_object(self, request, slug):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        # The feed changes with the article's comments: it is purged with its pages.
        request.feed_cache_keys = [article_key(article.pk)]
        return article

    def title(self, article):
        return f"Comments on “{article.published_version.title}” | {settings.SITE_NAME}"

    def description(self, article):
        return f"Readers' comments on “{article.published_version.title}”."

    def link(self, article):
        return settings.SITE_URL + article.get_absolute_url() + "#comments"

    def feed_url(self, article):
        return settings.SITE_URL + reverse("comments:feed", kwargs={"slug": article.slug})

    def items(self, article):
        # What the article page shows: a reply under a hidden comment is hidden here too.
        comments = (
            Comment.objects.seen_by_readers(article.pk)
            .approved()
            .for_display()
            .order_by("-created_at")
        )
        comments = list(comments[:FEED_LENGTH])
        # Every item links back to this article: give them the object we already have.
        for comment in comments:
            comment.article = article
        return comments

    def item_title(self, comment):
        return f"Comment by {comment.name}"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return settings.SITE_URL + comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_author_name(self, comment):
        return comment.name
