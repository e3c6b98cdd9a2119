"""Topics and tags in the admin: the topic tree, each topic shown with its path
("Mental health › Depression"), and the flat list of tags."""

from django.contrib import admin
from django.db.models import Count

from .models import Tag, Topic
from .models.topics import PATH_SEPARATOR


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("path", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    fields = ("name", "slug", "parent", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    def changelist_view(self, request, extra_context=None):
        # Every row's path from one read of the tree, not a query per row.
        self.tree = Topic.objects.tree()
        return super().changelist_view(request, extra_context)

    def get_ordering(self, request):
        return ("parent__name", "name")

    @admin.display(description="topic")
    def path(self, topic):
        tree = getattr(self, "tree", None) or Topic.objects.tree()
        return PATH_SEPARATOR.join(step.name for step in tree.path(topic.pk))

    @admin.display(description="articles (other topics)", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, tag):
        return tag.article_count
