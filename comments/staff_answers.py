"""Who answered: a staff reply signed with its author's own name names them as readers
meet them elsewhere on the site, "Answered by Dr Amina Rahman, MD", linked to their page,
instead of a bare "Staff" badge.

The author of a staff reply is the user who posted it (``moderated_by``, set by
Comment.reply_as_staff). Their page is their Person (articles/models/people.py: writers
and medical reviewers); their credentials are the Person's, else those they last signed a
medical review with (MedicalReview). A reply signed with the site's name (the crisis
reply, or a moderator who chose to sign as the site) stays "Staff": nobody is named.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery

from articles.models import MedicalReview, Person

from .models import Comment


@dataclass(frozen=True)
class Answerer:
    """The staff member a reply names: their name, credentials and page."""

    name: str
    credentials: str
    url: str


def mark_staff_answers(comments):
    """Give each comment ``answered_by``: the Answerer of a staff reply signed with its
    author's own name, when they have a page; else None. One query for all, and none when
    no comment is such a reply."""
    signed = [
        comment.pk
        for comment in comments
        if comment.is_staff_reply and comment.name != settings.SITE_NAME
    ]
    for comment in comments:
        comment.answered_by = None
    if not signed:
        return
    last_signed_with = (
        MedicalReview.objects.filter(reviewer=OuterRef("moderated_by"))
        .order_by("-created_at", "-pk")
        .values("credentials")[:1]
    )
    rows = (
        Comment.objects.filter(pk__in=signed, moderated_by__person__isnull=False)
        .annotate(review_credentials=Subquery(last_signed_with))
        .values_list(
            "pk",
            "moderated_by__person__name",
            "moderated_by__person__slug",
            "moderated_by__person__credentials",
            "review_credentials",
        )
    )
    answerers = {
        pk: Answerer(
            name=name,
            credentials=credentials or review_credentials or "",
            url=Person(slug=slug).get_absolute_url(),
        )
        for pk, name, slug, credentials, review_credentials in rows
    }
    for comment in comments:
        comment.answered_by = answerers.get(comment.pk)
