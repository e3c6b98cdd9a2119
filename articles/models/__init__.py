"""Versioned articles: a stable Article and its immutable ArticleVersion snapshots, their
medical reviews, the people readers see named, dead links and old addresses.

Every name other code imports from ``articles.models`` is imported here. The modules
depend on each other in one direction, from the bottom: images, people (Person), review
(ReviewRequest, MedicalReview, add_months), article_queryset (ArticleQuerySet), article
(Article, VersionConflict), then bylines (Byline), version (ArticleVersion), links
(DeadLink) and legacy (LegacyAddress, wordpress_post_address), which build on Article.
"""

from .article import Article, VersionConflict
from .article_queryset import ArticleQuerySet
from .bylines import Byline
from .images import Document, Image, Rendition
from .legacy import LegacyAddress, LegacyAddressQuerySet, wordpress_post_address
from .links import DeadLink
from .people import Person
from .review import (
    MedicalReview,
    MedicalReviewQuerySet,
    ReviewRequest,
    ReviewRequestQuerySet,
    add_months,
)
from .topic_pages import article_tags_changed, article_topics_changed, topic_saved
from .topics import Tag, Topic, TopicQuerySet, TopicTree, purge_topic_pages
from .version import ArticleVersion, ArticleVersionQuerySet

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleVersion",
    "ArticleVersionQuerySet",
    "Byline",
    "DeadLink",
    "Document",
    "Image",
    "LegacyAddress",
    "LegacyAddressQuerySet",
    "MedicalReview",
    "MedicalReviewQuerySet",
    "Person",
    "Rendition",
    "ReviewRequest",
    "ReviewRequestQuerySet",
    "Tag",
    "Topic",
    "TopicQuerySet",
    "TopicTree",
    "article_tags_changed",
    "article_topics_changed",
    "topic_saved",
    "VersionConflict",
    "add_months",
    "purge_topic_pages",
    "wordpress_post_address",
]
