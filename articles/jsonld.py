"""Structured data (schema.org JSON-LD) describing an article page to search engines.

The entity is both an Article (headline, dates, author, publisher: what search
engines read for articles) and a MedicalWebPage, the schema.org type whose
``reviewedBy`` and ``lastReviewed`` carry the optional medical review.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Inside <script> the HTML parser ends the element at "</script" whatever the type,
# so the characters that could start markup are written as JSON escapes instead.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def article_structured_data(article, version):
    """The JSON-LD object (a dict) for the page showing ``version`` of ``article``."""
    url = settings.SITE_URL + article.get_absolute_url()
    publisher = {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL}
    author_name = version.author.get_full_name() if version.author_id else ""
    data = {
        "@context": "https://schema.org",
        "@type": ["Article", "MedicalWebPage"],
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": version.title,
        "description": version.summary,
        "datePublished": article.first_published_at or version.published_at,
        "dateModified": version.published_at or article.first_published_at,
        # Usernames are not public: without a full name the publisher is the author.
        "author": {"@type": "Person", "name": author_name} if author_name else publisher,
        "publisher": publisher,
    }
    if version.reviewed_by:
        data["reviewedBy"] = {"@type": "Person", "name": version.reviewed_by}
        if version.reviewer_credentials:
            data["reviewedBy"]["honorificSuffix"] = version.reviewer_credentials
        if version.reviewed_on:
            data["lastReviewed"] = version.reviewed_on
    return data


def json_ld_script(data):
    """``data`` as a <script type="application/ld+json"> element, safe to put in a page.

    A JSON-LD block is data, not script: the Content-Security-Policy does not stop it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
