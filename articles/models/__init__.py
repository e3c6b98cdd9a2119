"""Versioned articles: a stable Article and its immutable ArticleVersion snapshots, their
medical reviews, the people readers see named, dead links and old addresses.

Every name other code imports from ``articles.models`` is imported here. The modules
depend on each other in one direction, from the bottom: images, people (Person), review
(MedicalReview, add_months), article_queryset (ArticleQuerySet), article (Article,
VersionConflict), then version (ArticleVersion), links (DeadLink) and legacy
(LegacyAddress, wordpress_post_address), which build on Article.
"""

from .article import Article, VersionConflict
from .article_queryset import ArticleQuerySet
from .images import Document, Image, Rendition
from .legacy import LegacyAddress, LegacyAddressQuerySet, wordpress_post_address
from .links import DeadLink
from .people import Person
from .review import MedicalReview, MedicalReviewQuerySet, add_months
from .topics import Tag, Topic, TopicQuerySet
from .version import ArticleVersion, ArticleVersionQuerySet

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleVersion",
    "ArticleVersionQuerySet",
    "DeadLink",
    "Document",
    "Image",
    "LegacyAddress",
    "LegacyAddressQuerySet",
    "MedicalReview",
    "MedicalReviewQuerySet",
    "Person",
    "Rendition",
    "Tag",
    "Topic",
    "TopicQuerySet",
    "VersionConflict",
    "add_months",
    "wordpress_post_address",
]
