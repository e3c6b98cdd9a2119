"""A person's page, /authors/<slug>/: who they are, and the published articles they
wrote and medically reviewed. The same for every reader: shared through the HTTP cache,
purged when the person changes (their key) or any article is published or changes
(ARTICLE_LISTS), and never kept past the next scheduled change."""

from django.views.generic import DetailView

from cms.caching import ARTICLE_LISTS, share, valid_until

from .jsonld import json_ld_script, person_structured_data
from .models import Article, Person
from .models.images import snapshot

# Each list shows this many of the newest articles, and says how many there are in all.
ARTICLES_SHOWN = 20


def newest_of(articles):
    """The ARTICLES_SHOWN newest of the published ``articles`` as a list, and how many
    there are in all (a second query only when the list is full)."""
    shown = articles.newest_first().defer("published_version__body", "published_version__body_html")
    listed = shown[:ARTICLES_SHOWN].with_due_updates()
    total = shown.count() if len(listed) == ARTICLES_SHOWN else len(listed)
    return listed, total


class PersonDetailView(DetailView):
    """A writer's or reviewer's page. A fixed number of queries, however many articles."""

    template_name = "articles/person.html"
    context_object_name = "person"
    queryset = Person.objects.select_related("photo")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        photo = snapshot(person.photo) if person.photo else None
        published = Article.objects.published()
        written, written_total = newest_of(published.written_by(person.pk))
        reviewed, reviewed_total = newest_of(published.reviewed_by(person.user_id))
        context.update(
            photo=photo,
            written=written,
            written_total=written_total,
            reviewed=reviewed,
            reviewed_total=reviewed_total,
            json_ld=json_ld_script(person_structured_data(person, photo)),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        valid_until(self.request, Article.objects.next_scheduled_change())
        return share(self.request, response, [self.object.cache_key, ARTICLE_LISTS])
