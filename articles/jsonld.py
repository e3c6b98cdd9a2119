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
from .models import Person

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
    writers = [_person_named(person, person.name) for person in article.writer_list()]
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
        # The byline's writers; without any, the publisher is the author.
        "author": writers or publisher,
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
        # The name signed with, and the reviewer's page when they have one.
        data["reviewedBy"] = _person_named(Person.of(review.reviewer), review.reviewer_name)
        data["reviewedBy"]["name"] = review.reviewer_name
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


def _person_named(person, name):
    """A byline or review line's Person: their page's name and url, else ``name`` alone;
    None when there is neither."""
    if person is not None:
        return {"@type": "Person", "name": person.name, "url": _absolute(person.get_absolute_url())}
    return {"@type": "Person", "name": name} if name else None


def _absolute(url):
    """``url`` as an absolute address: pages and local media live under SITE_URL."""
    return settings.SITE_URL + url if url.startswith("/") else url


def person_structured_data(person, photo=None):
    """The JSON-LD object (a dict) for ``person``'s page: a schema.org Person with their
    page's url, name, role (jobTitle), credentials, bio, ``photo`` (its snapshot, from
    articles/images.py: the largest fallback file) and their profiles elsewhere (sameAs)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": _absolute(person.get_absolute_url()),
        "url": _absolute(person.get_absolute_url()),
        "name": person.name,
    }
    if person.role:
        data["jobTitle"] = person.role
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.bio.strip():
        data["description"] = " ".join(person.bio_paragraphs)
    if photo:
        url, width = photo["fallback"]["srcset"][-1]
        height = round(photo["height"] * width / photo["width"]) if photo["width"] else 0
        data["image"] = {"@type": "ImageObject", "url": _absolute(url), "width": width}
        if height:
            data["image"]["height"] = height
    links = [address for address, _shown in person.web_links]
    if links:
        data["sameAs"] = links
    return data


def _url(reference):
    return {"url": reference["url"]} if reference["url"] else {}


def breadcrumb_list(crumbs):
    """The BreadcrumbList JSON-LD object (a dict) of ``crumbs``: (name, address) pairs from
    the home page down to the page itself, addresses relative to the site."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": settings.SITE_URL + address,
            }
            for position, (name, address) in enumerate(crumbs, start=1)
        ],
    }


def json_ld_script(data):
    """``data`` as a <script type="application/ld+json"> element, safe to put in a page.

    A JSON-LD block is data, not script: the Content-Security-Policy does not stop it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
