"""Readers browse by topic and tag: /topics/ (the A–Z), /topics/<slug>/, /tags/<slug>/.

A topic page lists the published articles of the topic and of every topic below it
("Mental health" shows the articles filed under "Depression" too), newest first, with
its subtopics and breadcrumbs. Each page of a list costs the same few queries however
many articles it shows (the tree, the count, the page, the comment counts, the next
scheduled change). The pages are shared by the HTTP cache under the topic's or tag's
key and the keys of the articles shown, so that a change of any of them, or an article
joining or leaving the topic, purges them (articles/models/topic_pages.py).
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from cms.caching import TOPIC_INDEX, article_key, share, tag_key, topic_key, valid_until

from .jsonld import breadcrumb_list, json_ld_script
from .models import Article, Tag, Topic


def topic_crumbs(path):
    """Breadcrumbs (name, address) from the home page down to the last topic of ``path``."""
    return [("Home", reverse("articles:list"))] + [
        (topic.name, topic.get_absolute_url()) for topic in path
    ]


class ArticlesUnderMixin:
    """A paginated list of published articles, shared under the page's own key and the
    keys of the articles it shows."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def page_keys(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A scheduled update of an article shown goes live on the first request after its time.
        context["articles"] = context["object_list"] = context["articles"].with_due_updates()
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        valid_until(self.request, Article.objects.next_scheduled_change())
        shown = [article_key(article.pk) for article in context["articles"]]
        return share(self.request, response, [*self.page_keys(), *shown])


class TopicView(ArticlesUnderMixin, ListView):
    """A topic's page: its description, subtopics and articles (with its subtopics')."""

    template_name = "articles/topic.html"

    def get(self, request, *args, **kwargs):
        self.tree = Topic.objects.tree()
        found = [topic for topic in self.tree.by_id.values() if topic.slug == kwargs["slug"]]
        if not found:
            raise Http404("No topic at this address")
        self.topic = found[0]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Article.objects.for_lists().in_topics(self.tree.with_descendants(self.topic.pk))

    def page_keys(self):
        return [topic_key(self.topic.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = topic_crumbs(self.tree.path(self.topic.pk))
        context.update(
            topic=self.topic,
            subtopics=self.tree.subtopics(self.topic.pk),
            crumbs=crumbs,
            breadcrumb_json_ld=json_ld_script(breadcrumb_list(crumbs)),
        )
        return context


class TagView(ArticlesUnderMixin, ListView):
    """A tag's page: the articles carrying it."""

    template_name = "articles/tag.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Article.objects.for_lists().tagged(self.tag.pk)

    def page_keys(self):
        return [tag_key(self.tag.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        return context


def topic_outline(tree, topics):
    """``topics`` with their subtopics below them, as nested (topic, outline) pairs."""
    return [(topic, topic_outline(tree, tree.subtopics(topic.pk))) for topic in topics]


class TopicIndexView(TemplateView):
    """/topics/: every topic, the top ones A–Z under their initial, subtopics below each."""

    template_name = "articles/topic_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tree = Topic.objects.tree()
        letters = {}
        for topic, below in topic_outline(tree, tree.roots()):
            letters.setdefault(topic.name[:1].upper(), []).append((topic, below))
        context["letters"] = sorted(letters.items())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return share(self.request, response, [TOPIC_INDEX])
