"""Structured data (schema.org JSON-LD) describing an article page to search engines.

The entity is both an Article (headline, dates, author, publisher: what search
engines read for articles) and a MedicalWebPage, the schema.org type whose
``reviewedBy`` and ``lastReviewed`` carry the medical review: only a signed
review (MedicalReview) that approved this very version, never an earlier one's.
Corrections are ``correction`` (CorrectionComment), the footnotes ``citation``.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .markup import references

# Inside <script> the HTML parser ends the element at "</script" whatever the type,
# so the characters that could start markup are written as JSON escapes instead.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def article_structured_data(article, version, review=None, corrections=()):
    """The JSON-LD object (a dict) for the page showing ``version`` of ``article``.

    ``review`` is an approving MedicalReview (Article.review_status); it is used
    only when it is a review of ``version`` itself. ``corrections`` are the
    correcting versions shown on the page (Article.corrections_up_to).
    """
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
    shared = version.shared_image
    if shared:
        # Google's Article rich results need an image: the largest fallback, which every
        # reader of the data can decode.
        data["image"] = {
            "@type": "ImageObject",
            "url": shared["url"],
            "width": shared["width"],
            "height": shared["height"],
        }
    if review is not None and review.is_approval and review.version_id == version.pk:
        data["reviewedBy"] = {"@type": "Person", "name": review.reviewer_name}
        if review.credentials:
            data["reviewedBy"]["honorificSuffix"] = review.credentials
        data["lastReviewed"] = timezone.localdate(review.created_at)
    shown = [correction for correction in corrections if correction.published_at]
    if shown:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.correction_note,
                "datePublished": correction.published_at,
            }
            for correction in shown
        ]
    citations = [
        {"@type": "CreativeWork", "name": reference["text"], **_url(reference)}
        for reference in references(version.body)
    ]
    if citations:
        data["citation"] = citations
    return data


def _url(reference):
    return {"url": reference["url"]} if reference["url"] else {}


def json_ld_script(data):
    """``data`` as a <script type="application/ld+json"> element, safe to put in a page.

    A JSON-LD block is data, not script: the Content-Security-Policy does not stop it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
