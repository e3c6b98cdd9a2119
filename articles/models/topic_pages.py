"""What a change of topics or tags does to readers' pages.

- An article put under a topic or tag, or taken off one (however it is done: the
  article editor, the WordPress import, a script), purges that topic's or tag's pages,
  and the pages of the topics above it, whose lists include their subtopics' articles.
- A topic renamed or moved changes the breadcrumbs of the articles filed under it (its
  primary articles and its subtopics'): their pages render afresh.

Publishing, unpublishing and a new primary topic go through Article.save, which purges
the article's topic and tag pages itself (articles/models/article.py).
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from cms.caching import ARTICLE_LISTS, purge_keys_after_commit, tag_key

from .article import Article
from .topics import Topic, purge_topic_pages


@receiver(m2m_changed, sender=Article.topics.through)
def article_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """An article's other topics changed: the pages of those topics (and above) are purged."""
    if action == "pre_clear":
        # Which topics a clear removes is known only before it.
        pk_set = set(_topics_of(instance, reverse))
    elif action not in ("post_add", "post_remove"):
        return
    purge_topic_pages(_topic_ids(instance, reverse, pk_set))


@receiver(m2m_changed, sender=Article.tags.through)
def article_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """An article's tags changed: the pages of those tags are purged."""
    if action == "pre_clear":
        pk_set = set(
            instance.articles.values_list("pk", flat=True)
            if reverse
            else instance.tags.values_list("pk", flat=True)
        )
    elif action not in ("post_add", "post_remove"):
        return
    tag_ids = [instance.pk] if reverse else sorted(pk_set or ())
    if tag_ids and pk_set:
        # The sitemap lists the tags that published articles carry.
        purge_keys_after_commit(lambda: [*(tag_key(tag_id) for tag_id in tag_ids), ARTICLE_LISTS])


def _topics_of(instance, reverse):
    if reverse:  # instance is a Topic losing its articles
        return instance.articles.values_list("pk", flat=True)
    return instance.topics.values_list("pk", flat=True)


def _topic_ids(instance, reverse, pk_set):
    if not pk_set:
        return []
    return [instance.pk] if reverse else sorted(pk_set)


@receiver(post_save, sender=Topic)
def topic_saved(sender, instance, raw=False, created=False, **kwargs):
    """The breadcrumbs of the articles filed under a renamed or moved topic are part of
    their cached pages: those pages render afresh."""
    if raw or created:
        return  # a fixture being loaded; a new topic has no articles yet
    below = Topic.objects.tree().with_descendants(instance.pk)
    Article.objects.filter(primary_topic_id__in=below).expire_pages()
