"""The comment queue's filters: status (pending first, with counts), why it is held, article
(typed, not listed), reported."""

import re

from django.contrib import admin
from django.db import connection
from django.db.models import Count, Exists, OuterRef

from articles.models import Article

from .. import hold_reasons
from ..models import Comment, Report

# What an article's address may be (a SlugField); anything else finds no article, unread.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class CommentStatusFilter(admin.SimpleListFilter):
    """Status filter whose default is the pending queue; "All" is a choice of its own."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        # Each status with how many comments have it: one GROUP BY over the status index.
        counts = dict(Comment.objects.order_by().values_list("status").annotate(count=Count("pk")))
        return [
            *(
                (status, f"{label} ({counts.get(status, 0):,})")
                for status, label in Comment.Status.choices
            ),
            (self.everything, "All"),
        ]

    def value(self):
        # An unknown status (a mistyped or forged address) shows the default queue.
        value = super().value()
        known = {self.everything, *Comment.Status.values}
        return value if value in known else self.default

    def queryset(self, request, queryset):
        if self.value() == self.everything:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        # The parent class adds an "All" link that removes the parameter, which
        # here means "pending"; our own "all" choice replaces it.
        for choice in super().choices(changelist):
            if choice["query_string"] != changelist.get_query_string(remove=[self.parameter_name]):
                yield choice


class CommentArticleFilter(admin.SimpleListFilter):
    """Filter by the article's address (its slug), typed in a box: a site of ten thousand
    articles cannot list them all in the sidebar. Only the chosen article is read."""

    title = "article"
    parameter_name = "article"
    template = "admin/comments/comment/article_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.article = None
        slug = self.value()
        if slug and SLUG.fullmatch(slug):
            self.article = (
                Article.objects.filter(slug=slug).select_related("published_version").first()
            )
        # lookups() ran before the article was read; they name it now.
        self.lookup_choices = list(self.lookups(request, model_admin))

    def lookups(self, request, model_admin):
        article = getattr(self, "article", None)
        return [(article.slug, str(article))] if article else []

    def has_output(self):
        return True

    def choices(self, changelist):
        # The search box resubmits every other parameter of the list (status, search, order).
        self.kept_parameters = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield from super().choices(changelist)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.article is None:
            return queryset.none()
        return queryset.filter(article=self.article)


def version_label(version):
    kind = "correction" if version.is_correction else "update"
    when = version.published_at.strftime("%d %b %Y") if version.published_at else "not published"
    return f"Version {version.number} ({kind}, {when}): {version.change_note or version.title}"


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported (with any status)."""

    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            # A subquery, not a join: the "reports" column counts each report once.
            return queryset.filter(Exists(Report.objects.filter(comment=OuterRef("pk"))))
        return queryset


class HoldReasonFilter(admin.SimpleListFilter):
    """Comments the rules held for one reason (a code of comments/hold_reasons.py)."""

    title = "why it is held"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return hold_reasons.CHOICES

    def queryset(self, request, queryset):
        code = self.value()
        if code not in hold_reasons.LABELS:
            return queryset
        if connection.features.supports_json_field_contains:
            # PostgreSQL: jsonb containment (@>).
            return queryset.filter(hold_reasons__contains=[{"code": code}])
        # SQLite has no JSON containment; the stored list's text (json.dumps) names the code.
        return queryset.filter(hold_reasons__icontains=f'"code": "{code}"')
