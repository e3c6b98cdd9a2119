"""Medical review as a step with people in it: who is asked, who is told, who waits.

- ``send_for_review``: an editor sends one version, with a note, to a named reviewer or to
  every medical reviewer; they are emailed a link to its review page.
- ``decide``: a reviewer signs their decision (MedicalReview.sign); the editors who sent
  the version and the article's writers are emailed it, each once.
- ``waiting_for``: what waits for one person on the admin's home page.

Above the models, below the admin; the emails are articles/review_mail.py.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse

from .models import ArticleVersion, MedicalReview, ReviewRequest
from .review_mail import queue_review_email

REVIEWERS_GROUP = "Medical reviewers"


def review_url(version):
    """The absolute address of ``version``'s review page in the admin."""
    path = reverse("admin:articles_article_review", args=[version.article_id, version.number])
    return settings.SITE_URL + path


def display_name(user):
    """How a colleague is named in the emails: their full name, else their sign-in name."""
    return (user.get_full_name().strip() or user.get_username()) if user else "Someone"


def medical_reviewers():
    """The active members of the Medical reviewers group."""
    return get_user_model().objects.filter(groups__name=REVIEWERS_GROUP, is_active=True)


def send_for_review(version, requested_by, note="", reviewer=None):
    """Ask for a medical review of ``version``: record it (ReviewRequest) and email the
    named ``reviewer``, or else every medical reviewer but the sender, a link to the review
    page. Returns (the request, the addresses emailed)."""
    with transaction.atomic():
        request = ReviewRequest.objects.create(
            version=version, requested_by=requested_by, reviewer=reviewer, note=note
        )
        people = [reviewer] if reviewer else medical_reviewers().exclude(pk=requested_by.pk)
        emailed = queue_review_email(
            "review_requested",
            [person.email for person in people],
            {
                "version": version,
                "note": note,
                "named": reviewer is not None,
                "requested_by_name": display_name(requested_by),
                "review_url": review_url(version),
            },
        )
    return request, emailed


def decide(version, reviewer, decision, note="", credentials=None):
    """Sign ``reviewer``'s ``decision`` on ``version`` (MedicalReview.sign) and email it to
    the editors whose requests it answers and to the article's writers, each address once,
    never to the reviewer. Returns (the review, the addresses emailed)."""
    with transaction.atomic():
        answered = ReviewRequest.objects.filter(version=version).undecided()
        senders = [request.requested_by for request in answered.select_related("requested_by")]
        bylines = version.article.bylines.select_related("person__user")
        writers = [byline.person.user for byline in bylines if byline.person.user_id is not None]
        review = MedicalReview.sign(version, reviewer, decision, note=note, credentials=credentials)
        told = [user.email for user in senders + writers if user and user.pk != reviewer.pk]
        emailed = queue_review_email(
            "review_decided",
            told,
            {"version": version, "review": review, "review_url": review_url(version)},
        )
    return review, emailed


def waiting_for(user):
    """What waits for ``user``: ``to_review``, the undecided requests they are asked to do
    (oldest first), and ``to_act_on``, the versions they sent or write whose decision came
    and that are still their article's latest, unpublished version (approved: publish it;
    changes requested: edit it), each with ``decision``. Two queries."""
    to_review = list(
        ReviewRequest.objects.for_reviewer(user).select_related("version", "requested_by")
    )
    latest = ArticleVersion.objects.filter(article=OuterRef("version__article")).order_by("-number")
    last_decision = MedicalReview.objects.filter(version=OuterRef("version")).order_by(
        "-created_at", "-pk"
    )
    decided = (
        ReviewRequest.objects.filter(
            Q(requested_by=user) | Q(version__article__bylines__person__user=user)
        )
        .exclude(pk__in=ReviewRequest.objects.undecided().values("pk"))
        .annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            decision=Subquery(last_decision.values("decision")[:1]),
        )
        .filter(latest_id=F("version_id"))
        .exclude(version_id=F("version__article__published_version"))
        .select_related("version")
        .order_by("-created_at", "-pk")
    )
    to_act_on = _one_per_version(decided)
    for request in to_act_on:
        request.is_approved = request.decision == MedicalReview.Decision.APPROVE
    return {"to_review": _one_per_version(to_review), "to_act_on": to_act_on}


def _one_per_version(requests):
    seen, kept = set(), []
    for request in requests:
        if request.version_id not in seen:
            seen.add(request.version_id)
            kept.append(request)
    return kept
