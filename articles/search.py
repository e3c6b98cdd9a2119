"""Search over the published version of each article: /search/?q=...

On PostgreSQL the search is full-text: a weighted search vector over the title,
lede and body (English stemming, so "sleeping" finds "sleep"), ranked, with the
matches highlighted by ts_headline. The vector is stored on each version when it
is first published (ArticleVersion.search_vector, GIN-indexed), so a query reads
the index instead of parsing every article; ts_headline, which must parse the
text, runs only for the page of results shown, in a query of its own. Elsewhere
(SQLite in development) every word must appear somewhere in the title, lede or
body, case-insensitively, and the newest articles come first. Either way a reader only finds what
ReaderArticleMixin lets them see, and only the published version is searched,
never a draft.
"""

import html
import re
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from .models import Article, ArticleVersion, Topic
from .views import ReaderArticleMixin

SEARCH_CONFIG = ArticleVersion.SEARCH_CONFIG
MAX_QUERY_LENGTH = 200
EXCERPT_WORDS = 35
# ts_headline marks matches with these; no reader or editor types private-use characters,
# so they can be told apart from the text after it has been escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)
# A Markdown heading line ("## Introduction to Ketamine"): in an excerpt its words are
# followed by HEADING_END, so that they do not run into the paragraph after them. The
# pattern is written for both Python's re and PostgreSQL's regexp_replace (flag "n":
# ^ and $ at each line), without a lazy quantifier, whose meaning they do not share.
HEADING_LINE = r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*[^ \t#\n])[ \t#]*$"
HEADING_END = " —"
# How many topics and latest articles a search without results suggests.
SUGGESTED_ARTICLES = 5
# At most this many matches, the newest, are ranked and shown (50 pages of 10): a common
# word then costs a search no more than a rare one.
RANKED_CANDIDATES = 500


def uses_full_text_search():
    """True on PostgreSQL, whose full-text search the other databases lack."""
    return connection.vendor == "postgresql"


def search_articles(articles, query):
    """The articles of ``articles`` whose published version matches ``query``, best first.

    On PostgreSQL each result carries its ``rank``; add_headlines() then marks the
    matches of the results shown. ``excerpt()`` turns either kind of result into HTML.
    """
    if uses_full_text_search():
        return _full_text_search(articles, query)
    return _word_match(articles, query)


def _search_query(query):
    # Imported here: the module needs psycopg, which only a PostgreSQL setup must have.
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _full_text_search(articles, query):
    """The newest RANKED_CANDIDATES matches, ranked: ts_rank reads each vector it ranks, and
    a word found in nearly every article would otherwise have it read all of them (and the
    count too). What this gives up is in docs/search.md: an older article past that many
    newer matches is not shown, however well it ranks."""
    from django.contrib.postgres.search import SearchRank

    search_query = _search_query(query)
    # The stored vector, GIN-indexed: no text is parsed to find or rank the matches.
    candidates = (
        articles.filter(published_version__search_vector=search_query)
        .order_by("-publish_at", "-pk")
        .values("pk")[:RANKED_CANDIDATES]
    )
    return (
        articles.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("published_version__search_vector"), search_query))
        .order_by("-rank", "-publish_at", "-pk")
    )


def add_headlines(articles, query):
    """Give each of ``articles`` (one page of results) its ``headline``: the passage around
    the matches, marked between MARK_START and MARK_END, by ts_headline on PostgreSQL.

    One query for the page, whatever its number: ts_headline parses the text, so it must
    not run for the results before the page. Elsewhere nothing is added, and excerpt()
    marks the words itself.
    """
    if not uses_full_text_search() or not articles:
        return
    from django.contrib.postgres.search import SearchHeadline

    body = Func(
        "body",
        Value(HEADING_LINE),
        Value(r"\1" + HEADING_END),
        Value("gn"),
        function="regexp_replace",
        output_field=TextField(),
    )
    text = Concat("summary", Value("\n\n"), body, output_field=TextField())
    headline = SearchHeadline(
        text,
        _search_query(query),
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=EXCERPT_WORDS,
        min_words=15,
    )
    versions = ArticleVersion.objects.filter(
        pk__in=[article.published_version_id for article in articles]
    )
    headlines = dict(versions.annotate(headline=headline).values_list("pk", "headline"))
    for article in articles:
        article.headline = headlines.get(article.published_version_id)


def _word_match(articles, query):
    for word in query.split():
        articles = articles.filter(
            Q(published_version__title__icontains=word)
            | Q(published_version__summary__icontains=word)
            | Q(published_version__body__icontains=word)
        )
    # The same bound as full-text search's, so that both show the same results.
    newest = articles.newest_first()
    return newest.filter(pk__in=newest.values("pk")[:RANKED_CANDIDATES])


def plain_text(version_text):
    """Markdown source as the words a reader sees: no heading marks, emphasis or link targets."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", version_text)  # [words](url) -> words
    text = re.sub(r"(?m)^\s{0,3}(>|[-*+•]|\d+\.)\s+", "", text)  # quotes and list bullets
    text = re.sub(r"(?<!\S)#{1,6}\s+", "", text)  # heading marks, also mid-line in an excerpt
    text = re.sub(r"[*_`|]+", "", text)
    return html.unescape(strip_tags(text))


def excerpt(article, query):
    """A short passage of the article around the first match, matches in <mark>, as safe HTML."""
    headline = getattr(article, "headline", None)
    if headline is None:
        headline = _mark_first_match(article.published_version, query)
    # The same on every database: ts_headline keeps the text's line breaks, the fallback not.
    headline = " ".join(headline.split())
    parts = []
    position = 0
    for match in MARKED.finditer(headline):
        parts.append(escape(plain_text(headline[position : match.start()])))
        parts.append(f"<mark>{escape(plain_text(match.group(1)))}</mark>")
        position = match.end()
    parts.append(escape(plain_text(headline[position:])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _mark_first_match(version, query):
    """What ts_headline gives on PostgreSQL, done in Python: a window of words, matches marked."""
    body = re.sub(HEADING_LINE, r"\1" + HEADING_END, version.body, flags=re.MULTILINE)
    words = f"{version.summary}\n\n{body}".split()
    pattern = re.compile("|".join(re.escape(word) for word in query.split()), re.IGNORECASE)
    first = next((index for index, word in enumerate(words) if pattern.search(word)), 0)
    start = max(first - EXCERPT_WORDS // 3, 0)
    window = " ".join(words[start : start + EXCERPT_WORDS])
    marked = pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_END}", window)
    return ("… " if start else "") + marked + (" …" if start + EXCERPT_WORDS < len(words) else "")


class ArticleSearchView(ReaderArticleMixin, ListView):
    """Search results, paginated; an empty query shows just the search form."""

    template_name = "articles/search.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        # Control characters mean nothing in a search, and PostgreSQL refuses NUL outright.
        typed = "".join(c for c in self.request.GET.get("q", "") if c.isprintable() or c.isspace())
        self.query = " ".join(typed.split())[:MAX_QUERY_LENGTH]
        articles = super().get_queryset()
        if not self.query:
            return articles.none()
        return search_articles(articles, self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = list(context["articles"])  # the page of results, read once
        add_headlines(shown, self.query)
        for article in shown:
            article.search_excerpt = excerpt(article, self.query)
        context["query"] = self.query
        if self.query and not shown:
            # No dead end: the topics and the newest articles instead.
            context["suggested_topics"] = Topic.objects.roots()
            context["suggested_articles"] = Article.objects.for_lists()[:SUGGESTED_ARTICLES]
        # The pagination links keep the query: "?page=2" + this.
        context["query_suffix"] = "&" + urlencode({"q": self.query})
        return context
