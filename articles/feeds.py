"""RSS and Atom feeds of the published articles.

Links are built from settings.SITE_URL, like the canonical URL of the page, so a
feed reader sees the same address whichever host name the request came in on.
No feed ever names an email address: Django adds one only when a feed defines
``author_email`` or ``item_author_email``, and none here does.

An article's lead image goes with its item as Media RSS ``<media:content>`` (its largest
fallback rendition, with width, height and type), which feed readers show as the
item's picture; an RSS enclosure would need the file's size, which a version does not keep.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format

from cms.caching import ARTICLE_LISTS, share, topic_key, valid_until

from .models import Article, Topic

FEED_LENGTH = 20
MEDIA_RSS = "http://search.yahoo.com/mrss/"


class MediaImageMixin:
    """A feed generator that writes an item's ``lead_image`` (Version.shared_image) as
    <media:content>."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("lead_image")
        if image:
            handler.addQuickElement(
                "media:content",
                attrs={
                    "url": image["url"],
                    "type": image["type"],
                    "medium": "image",
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )


class RssWithImages(MediaImageMixin, Rss201rev2Feed):
    pass


class AtomWithImages(MediaImageMixin, Atom1Feed):
    pass


class LatestArticlesFeed(Feed):
    """The newest published articles, as RSS 2.0."""

    description = "New and updated health articles."
    feed_type = RssWithImages

    def title(self):
        return settings.SITE_NAME

    def link(self):
        return settings.SITE_URL + reverse("articles:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:rss")

    def items(self):
        articles = Article.objects.published().with_writers().newest_first()
        return articles[:FEED_LENGTH].with_due_updates()

    def item_author_name(self, article):
        """The byline's writers, as the page names them (read with the items)."""
        return ", ".join(person.name for person in article.writer_list()) or None

    def item_title(self, article):
        return article.published_version.title

    def item_description(self, article):
        version = article.published_version
        if version.is_correction:
            # Readers of the feed learn of a correction as readers of the page do.
            day = date_format(timezone.localtime(version.published_at), "j F Y")
            return f"Correction, {day}: {version.correction_note}\n\n{version.summary}"
        return version.summary

    def item_link(self, article):
        return settings.SITE_URL + article.get_absolute_url()

    def item_pubdate(self, article):
        return article.first_published_at or article.publish_at

    def item_updateddate(self, article):
        return article.published_version.published_at

    def item_extra_kwargs(self, article):
        return {"lead_image": article.published_version.shared_image}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same articles as Atom 1.0."""

    feed_type = AtomWithImages
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:atom")


class TopicFeed(LatestArticlesFeed):
    """/topics/<slug>/feed/: the newest articles of a topic and of its subtopics, as RSS.

    Shared by the HTTP cache under the topic's key (an article joining or leaving it)
    and with the lists of articles (a title or summary changing)."""

    def get_object(self, request, slug):
        # One feed object serves every request: what a request found is kept on it.
        tree = Topic.objects.tree()
        for topic in tree.by_id.values():
            if topic.slug == slug:
                topic.listed_ids = tree.with_descendants(topic.pk)
                request.feed_topic = topic
                return topic
        raise Http404("No topic at this address")

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        valid_until(request, Article.objects.next_scheduled_change())
        return share(request, response, [topic_key(request.feed_topic.pk), ARTICLE_LISTS])

    def title(self, topic):
        return f"{topic.name} | {settings.SITE_NAME}"

    def description(self, topic):
        return topic.description or f"New and updated articles about {topic.name}."

    def link(self, topic):
        return settings.SITE_URL + topic.get_absolute_url()

    def feed_url(self, topic):
        return settings.SITE_URL + reverse("articles:topic-feed", kwargs={"slug": topic.slug})

    def items(self, topic):
        articles = Article.objects.published().with_writers().in_topics(topic.listed_ids)
        return articles.newest_first()[:FEED_LENGTH].with_due_updates()
