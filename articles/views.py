"""Reader-facing article pages. Which articles a reader may see is decided in one place:
ReaderArticleMixin.get_queryset()."""

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, ArticleVersion


class ReaderArticleMixin:
    """Readers see published articles whose publish time has come, nothing else."""

    def get_queryset(self):
        return Article.objects.published()


class ArticleListView(ReaderArticleMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return super().get_queryset().newest_first()


class ArticleDetailView(ReaderArticleMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.object.published_version
        return context


class VersionPreviewView(PermissionRequiredMixin, DetailView):
    """Any version exactly as readers would see it, for staff who may change articles."""

    permission_required = "articles.change_article"
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
