"""Medical review: ReviewRequest (a version sent for review, with a note), MedicalReview
(a reviewer's signed decision on one version), and add_months for review dates.

Near the bottom of articles.models: only the reviewer's Person (people.py) is imported
here, never the article modules (the version a review names is a string reference), so
Article can ask MedicalReview about its reviews.
"""

import calendar
import re

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .people import Person


def add_months(day, months):
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# "Dr. Amina Rahman" or "Dr Amina Rahman", never "Drew Smith".
DOCTOR_TITLE = re.compile(r"^\s*Dr\.?\s+", re.IGNORECASE)


class MedicalReviewQuerySet(models.QuerySet):
    def approvals(self):
        """The reviews that approved the version they name."""
        return self.filter(decision=MedicalReview.Decision.APPROVE)


class MedicalReview(models.Model):
    """A medical reviewer's signed decision on one exact version: approve or send back.

    Immutable, like the version it names: a new version needs a review of its own,
    and a decision is changed only by a later review. The reviewer's name and
    credentials are copied at signing time, so the record says what was signed
    even if the profile changes later.
    """

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        SEND_BACK = "send_back", "Sent back"

    version = models.ForeignKey(
        "articles.ArticleVersion", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medical_reviews",
        help_text="Empty for reviews recorded before reviewers signed in the admin.",
    )
    reviewer_name = models.CharField(max_length=150)
    credentials = models.CharField(max_length=150, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MedicalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["version", "decision"], name="review_of_version")]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.version} by {self.reviewer_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("medical reviews are signed records: add a new review instead")
        super().save(*args, **kwargs)

    @property
    def is_approval(self):
        return self.decision == self.Decision.APPROVE

    @property
    def signature(self):
        """The reviewer as health publishers print them: the name, then the credentials
        ("Amina Rahman, MD, FRCP"). A "Dr." title is left out when credentials follow:
        they say it already."""
        if not self.credentials:
            return self.reviewer_name
        name = DOCTOR_TITLE.sub("", self.reviewer_name) or self.reviewer_name
        return f"{name}, {self.credentials}"

    @classmethod
    def sign(cls, version, reviewer, decision, note="", credentials=None):
        """Record ``reviewer``'s ``decision`` on ``version`` and return the review.

        The review copies the reviewer's full name, which readers see (a username
        is a sign-in name, never shown: a reviewer without a full name cannot sign),
        and ``credentials``; when those are not given, the ones they last signed
        with (``credentials_of``). Given credentials are kept on the reviewer's
        Person, when they have one, for their page and next time. Readers' pages of
        the article are expired when the review changes what they are told.
        """
        name = reviewer.get_full_name().strip()
        if not name:
            raise ValueError("a medical reviewer signs with their full name")
        with transaction.atomic():
            person = Person.objects.filter(user=reviewer).first()
            if credentials is None:
                credentials = cls.credentials_of(reviewer, person)
            elif person is not None and credentials != person.credentials:
                person.credentials = credentials
                person.save(update_fields=["credentials"])
            review = cls.objects.create(
                version=version,
                reviewer=reviewer,
                reviewer_name=name,
                credentials=credentials,
                decision=decision,
                note=note,
            )
            if version.published_at is not None:
                version.article.expire_pages()
        return review

    @classmethod
    def credentials_of(cls, reviewer, person=None):
        """The credentials ``reviewer`` signs with unless they type others: their Person's
        (pass it when already read), else those of their latest review, else ""."""
        person = person or Person.objects.filter(user=reviewer).first()
        if person is not None:
            return person.credentials
        latest = cls.objects.filter(reviewer=reviewer).values_list("credentials", flat=True)
        return latest.first() or ""


class ReviewRequestQuerySet(models.QuerySet):
    def undecided(self):
        """The requests no reviewer has decided on yet: no review of their version signed
        since they were sent."""
        decided = MedicalReview.objects.filter(
            version=models.OuterRef("version"), created_at__gte=models.OuterRef("created_at")
        )
        return self.exclude(models.Exists(decided))

    def for_reviewer(self, user):
        """The undecided requests ``user`` is asked to do: the ones naming them, and, when
        they are a medical reviewer, the ones naming nobody; never their own."""
        asked = models.Q(reviewer=user)
        if user.has_perm("articles.add_medicalreview"):
            asked |= models.Q(reviewer__isnull=True)
        return self.undecided().filter(asked).exclude(requested_by=user)


class ReviewRequest(models.Model):
    """An editor's request that a medical reviewer read one exact version: "Send for
    medical review", with a note, to a named reviewer or to every medical reviewer.

    It is decided by the next MedicalReview of its version (ReviewRequestQuerySet.undecided);
    the editor who sent it and the article's writers hear of that decision
    (articles/reviewing.py)."""

    version = models.ForeignKey(
        "articles.ArticleVersion", on_delete=models.CASCADE, related_name="review_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_requests_sent",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_requests_received",
        help_text="Empty: any medical reviewer.",
    )
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Review of {self.version} requested"
