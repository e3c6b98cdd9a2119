"""Reader-facing article pages. Which articles a reader may see is decided in one place:
ReaderArticleMixin.get_queryset()."""

import functools

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Case, F, IntegerField, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from cms.caching import ARTICLE_LISTS, article_key, share, valid_until

from .comparison import BodyBlocks, differences
from .legacy_addresses import redirect_for_old_id
from .models import Article, ArticleVersion, MedicalReview, Topic
from .page_parameters import redirect_to_canonical


def shared_article_list(view):
    """For the pages that list articles (front page, feeds, sitemap): the same for every
    reader, purged with ARTICLE_LISTS, and never kept past the next scheduled change."""

    @functools.wraps(view)
    def view_with_cache_headers(request, *args, **kwargs):
        valid_until(request, Article.objects.next_scheduled_change())
        return share(request, view(request, *args, **kwargs), [ARTICLE_LISTS])

    return view_with_cache_headers


class ReaderArticleMixin:
    """Readers see published articles whose publish time has come and that are not
    withdrawn, nothing else; a scheduled update whose time has come is shown, not written
    (the task worker publishes it: articles/schedule.py)."""

    def get_queryset(self):
        return Article.objects.published()

    def get_object(self, queryset=None):
        return with_update_shown(super().get_object(queryset))


def with_update_shown(article):
    """``article`` showing its scheduled update when the update's time has come: one query
    then, none before, and no write (Article.show_version)."""
    if article.scheduled_version_id and article.update_is_due:
        version = ArticleVersion.objects.select_related("author", "author__person").get(
            pk=article.scheduled_version_id
        )
        article.show_version(version)
    return article


class SharedArticlePageMixin:
    """One article's page, the same for every reader: the shared HTTP cache keeps it under
    the article's key (cms/caching.py) until a change purges it, and never past the time
    a scheduled update goes live or the article is withdrawn."""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        valid_until(self.request, self.object.scheduled_at)
        if not self.object.is_withdrawn():
            valid_until(self.request, self.object.withdraw_at)
        return share(self.request, response, [article_key(self.object.pk)])


def withdrawn_response(request, slug):
    """What readers get at the address of a withdrawn article: a permanent redirect to the
    article the editor chose to replace it, when readers can read that one, else 410 Gone
    with a short note. None when no withdrawn article has this address."""
    article = (
        Article.objects.withdrawn()
        .filter(slug=slug)
        .select_related("published_version", "replaced_by")
        .first()
    )
    if article is None:
        return None
    replacement = article.replaced_by
    if replacement is not None and Article.objects.published().filter(pk=replacement.pk).exists():
        return HttpResponsePermanentRedirect(replacement.get_absolute_url())
    return TemplateResponse(request, "articles/withdrawn.html", {"article": article}, status=410)


# How many of its newest articles each top-level topic shows on the front page, and how
# many topics show at most: those with the freshest articles (a page of every topic of a
# big site would be long to read and, measured at 20 topics, slow to render).
FRONT_PAGE_SECTION_LENGTH = 4
FRONT_PAGE_SECTIONS = 8


def newest_by_root(tree, exclude=(), length=FRONT_PAGE_SECTION_LENGTH):
    """The ``length`` newest published articles under each top-level topic of ``tree`` (by
    their primary topic, which may be a subtopic), leaving out ``exclude``: one query, at
    most ``length`` rows per top-level topic however many subtopics it has.

    The articles are ranked in a subquery that reads only the articles table (the top-level
    topic of each primary topic mapped in SQL from the tree), so the review stamps and the
    versions are read for the chosen articles only, not for every article."""
    roots = tree.roots()
    root_of_primary = Case(
        *(
            When(primary_topic_id__in=tree.with_descendants(root.pk), then=root.pk)
            for root in roots
        ),
        default=None,
        output_field=IntegerField(),
    )
    ranked = (
        Article.objects.published()
        .filter(primary_topic__isnull=False)
        .exclude(pk__in=[article.pk for article in exclude])
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[root_of_primary],
                order_by=[F("publish_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=length)
        .values("pk")
    )
    # The limit changes no result (there are at most that many) but tells PostgreSQL how
    # few rows come back, so it looks up their versions by key instead of reading them all.
    return Article.objects.for_lists().filter(pk__in=ranked[: length * len(roots)])


def front_page_sections(exclude=(), length=FRONT_PAGE_SECTION_LENGTH):
    """The newest published articles of each top-level topic (by their primary topic, which
    may be a subtopic), as [(topic, [article, ...]), ...] in the topics' A–Z order,
    leaving out the articles in ``exclude`` (shown above). Two queries: the tree, and the
    ``length`` newest articles of every top-level topic (newest_by_root); topics without
    articles are left out, and so are all but the FRONT_PAGE_SECTIONS with the freshest."""
    tree = Topic.objects.tree()
    if not tree.by_id:
        return []
    by_root = {}
    for article in newest_by_root(tree, exclude, length):  # newest first
        root = tree.root_of(article.primary_topic_id)
        by_root.setdefault(root.pk, []).append(article)
    # Newest first: the first article of each root's list is its freshest.
    freshest = sorted(by_root, key=lambda pk: by_root[pk][0].publish_at, reverse=True)
    shown = set(freshest[:FRONT_PAGE_SECTIONS])
    return [(root, by_root[root.pk]) for root in tree.roots() if root.pk in shown]


class ArticleListView(ReaderArticleMixin, ListView):
    """The front page: on its first page a lead story (the newest article, with its lead
    image), the newest articles of each top-level topic, then the latest articles; the
    later pages continue the latest articles."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        # WordPress's /?p=ID and /?page_id=ID arrive at the front page.
        return redirect_for_old_id(request) or super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.for_lists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = context["articles"].with_due_updates()
        context["articles"] = context["object_list"] = articles
        if context["page_obj"].number == 1 and articles:
            context["lead"], context["latest"] = articles[0], articles[1:]
            context["sections"] = front_page_sections(exclude=[articles[0]])
        else:
            context["latest"], context["sections"] = articles, []
        return context


class ArticleDetailView(SharedArticlePageMixin, ReaderArticleMixin, DetailView):
    """The article page: the published version, its comment thread and the reply form."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # Gone on purpose is not "not found": 410, or 301 to its replacement.
            response = withdrawn_response(request, kwargs["slug"])
            if response is None:
                raise
            return response
        # One cached copy per real page: any other address of it leads there.
        moved = redirect_to_canonical(request, self.object)
        if moved is not None:
            return moved
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.object.published_version
        return context


class VersionPreviewView(PermissionRequiredMixin, DetailView):
    """Any version exactly as readers would see it, for staff who may change articles
    and for medical reviewers, who read a version before they sign it."""

    permission_required = ("articles.change_article", "articles.add_medicalreview")

    def has_permission(self):
        user = self.request.user
        return any(user.has_perm(permission) for permission in self.permission_required)

    template_name = "articles/article_detail.html"
    context_object_name = "version"

    def get_object(self, queryset=None):
        return get_object_or_404(
            ArticleVersion.objects.select_related("article", "article__published_version"),
            article__slug=self.kwargs["slug"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(article=self.object.article, preview=True)
        return context


# The change log compares at most this many versions with the ones before them; older
# changes link to their comparison (?from=N&to=M), so a long history of a long article
# costs a page no more than this many comparisons.
CHANGES_COMPARED = 20


def published_changes(article, now=None, blocks=None):
    """Every version readers have seen of ``article``, newest first, each with what changed.

    Each item is a dict: the ``version``, the ``previous`` one, its ``review`` (the
    approving MedicalReview when its latest review approved it, else None) and, for
    the CHANGES_COMPARED newest but the first, their ``differences`` from the version
    before (``compared`` is False for the older ones). Drafts and versions scheduled
    for later are never included. Two queries.
    """
    blocks = BodyBlocks() if blocks is None else blocks
    shown = article.versions.filter(
        published_at__isnull=False, published_at__lte=now or timezone.now()
    ).defer("body", "search_vector")  # the page compares body_html, never the Markdown
    shown = shown.select_related("author__person")  # "Updated by … on …"
    versions = list(shown.order_by("published_at", "number"))
    latest_reviews = {}
    reviews = MedicalReview.objects.filter(version__in=versions).select_related("reviewer__person")
    for review in reviews.order_by("created_at", "pk"):
        latest_reviews[review.version_id] = review  # a later decision replaces an earlier one
    changes = []
    previous = None
    first_compared = len(versions) - CHANGES_COMPARED
    for index, version in enumerate(versions):
        review = latest_reviews.get(version.pk)
        change = {
            "version": version,
            "previous": previous,
            "review": review if review and review.is_approval else None,
            "compared": previous is not None and index >= first_compared,
        }
        if change["compared"]:
            change.update(differences(previous, version, blocks))
        changes.append(change)
        previous = version
    return changes[::-1]


def compare_versions(changes, from_number, to_number, blocks=None):
    """What changed between two versions in ``changes`` (from published_changes), by their
    numbers as given in the address (?from=N&to=M): a dict like a change's, or None when
    the numbers are not two different published versions."""
    by_number = {str(change["version"].number): change["version"] for change in changes}
    old, new = by_number.get(from_number), by_number.get(to_number)
    if old is None or new is None or old == new:
        return None
    blocks = BodyBlocks() if blocks is None else blocks
    return {"previous": old, "version": new, **differences(old, new, blocks)}


class ArticleChangesView(SharedArticlePageMixin, ReaderArticleMixin, DetailView):
    """The "Changes to this article" page: the public record of every published version."""

    template_name = "articles/changes.html"
    context_object_name = "article"

    def get_queryset(self):
        # The record stays readable once the article is withdrawn: it says so, and when.
        return Article.objects.published(withdrawn_too=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.object.published_version
        context["withdrawn"] = self.object.is_withdrawn()
        blocks = BodyBlocks()  # shared by the change log and the comparison
        context["changes"] = published_changes(self.object, blocks=blocks)
        # "Not medically reviewed" is news only on an article that has reviews at all.
        context["has_reviews"] = any(change["review"] for change in context["changes"])
        # "Written about an earlier version" on a comment links to ?from=N&to=M.
        context["comparison"] = compare_versions(
            context["changes"], self.request.GET.get("from"), self.request.GET.get("to"), blocks
        )
        return context
