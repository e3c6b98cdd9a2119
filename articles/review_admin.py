"""The article admin's medical-review pages: the queue of versions awaiting a reviewer's
decision, the review page of one version (what changed since the last reviewed version
first, then the decision in a bar that stays in view: MedicalReviewForm, approve or request
changes with a note), "Publish version N" of an approved version, and the schedule of
articles due for their next review, each with "Start review".

ArticleAdmin (articles/admin.py) inherits MedicalReviewViewsMixin; the URL names are
admin:articles_article_review, _review_queue, _review_schedule and _publish_version. Only
medical reviewers (the "Medical reviewers" group, add_medicalreview) sign. Who is emailed
is articles/reviewing.py's; every decision and publication is written to the article's
History.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .models import Article, ArticleVersion, MedicalReview
from .reviewing import REVIEWERS_GROUP, decide, display_name, send_for_review
from .version_admin import ArticleViewsMixin
from .views import BodyBlocks, differences


class MedicalReviewViewsMixin(ArticleViewsMixin):
    """The review queue, review and review schedule views of ArticleAdmin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/<int:number>/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "<path:object_id>/publish/<int:number>/",
                self.admin_site.admin_view(require_POST(self.publish_version_view)),
                name="{}_{}_publish_version".format(*info),
            ),
            path(
                "review-queue/",
                self.admin_site.admin_view(self.review_queue_view),
                name="{}_{}_review_queue".format(*info),
            ),
            path(
                "review-schedule/",
                self.admin_site.admin_view(self.review_schedule_view),
                name="{}_{}_review_schedule".format(*info),
            ),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        """The versions awaiting a medical reviewer's decision, the longest waiting first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Versions awaiting medical review",
            "versions": ArticleVersion.objects.awaiting_review(),
            "may_review": request.user.has_perm("articles.add_medicalreview"),
        }
        return TemplateResponse(request, "admin/articles/article/review_queue.html", context)

    def review_schedule_view(self, request):
        """Live articles whose next medical review is due within 30 days or overdue."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Medical reviews due",
            "articles": Article.objects.review_schedule(),
        }
        return TemplateResponse(request, "admin/articles/article/review_schedule.html", context)

    def review_view(self, request, object_id, number):
        """One version for a medical reviewer: what changed since the last reviewed version
        first, the text as readers will read it, and the decision (approve, or request
        changes with a note) in a bar that stays in view. Only medical reviewers may sign
        (add_medicalreview); editors find "Publish version N" here once it is approved."""
        article = self._article_to_view(request, object_id)
        version = get_object_or_404(article.versions.select_related("author"), number=number)
        may_sign = request.user.has_perm("articles.add_medicalreview")
        if request.method == "POST":
            if not may_sign:
                raise PermissionDenied("Only medical reviewers sign reviews.")
            form = MedicalReviewForm(request.POST, version=version, reviewer=request.user)
            if form.is_valid():
                review, emailed = form.sign()
                self.log_change(request, article, _history_entry(review, emailed))
                self.message_user(request, _review_message(review, emailed), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_review_queue"))
        else:
            form = MedicalReviewForm(version=version, reviewer=request.user)
        # What changed since the last version a reviewer approved, to read first.
        previous = article.versions.filter(number__lt=version.number).order_by("-number").first()
        last_approved = article.review_status(previous)[0] if previous else None
        compared = None
        if last_approved and last_approved.version_id != version.pk:
            compared = differences(last_approved.version, version, BodyBlocks())
        latest_review = version.latest_review()
        context = self._context(
            request,
            article,
            f"Medical review of version {version.number}",
            version=version,
            form=form if may_sign else None,
            reviews=list(version.reviews.select_related("reviewer")),
            requests=list(version.review_requests.select_related("requested_by", "reviewer")),
            last_approved=last_approved,
            differences=compared,
            may_publish=(
                latest_review is not None
                and latest_review.is_approval
                and version.pk != article.published_version_id
                and self.has_change_permission(request, article)
            ),
        )
        return TemplateResponse(request, "admin/articles/article/review.html", context)

    def _send_for_review(self, request, article, version, created):
        """ "Send for review" of the article form: ask for the review of ``version`` (just
        saved when ``created``) as ReviewRequestForm says, and tell the editor."""
        review_form = ReviewRequestForm(request.POST)
        saved = f"Version {version.number} is saved as a draft" if created else ""
        if not review_form.is_valid():
            self.message_user(
                request,
                f"{saved or f'Version {version.number} is unchanged'}; it was not sent for "
                "review: choose a reviewer from the list, or any medical reviewer.",
                messages.ERROR,
            )
            return
        reviewer = review_form.cleaned_data["reviewer"]
        _request, emailed = send_for_review(
            version, request.user, review_form.cleaned_data["note"].strip(), reviewer
        )
        told = f"{len(emailed)} medical reviewer{'s' if len(emailed) != 1 else ''}"
        if reviewer is not None:
            told = reviewer.get_full_name() or reviewer.get_username()
        self.log_change(
            request, article, f"Sent version {version.number} for medical review to {told}."
        )
        self.message_user(
            request,
            f"{saved + ' and' if saved else f'Version {version.number} is'} sent for medical "
            f"review: {told} {'is' if reviewer or len(emailed) == 1 else 'are'} told by email.",
            messages.SUCCESS,
        )

    def publish_version_view(self, request, object_id, number):
        """ "Publish version N": publish an approved version now, in one click (a POST),
        and write it to the article's History. Refused, with the reason, when the version
        may not be published (Article.publishing_refusal)."""
        article = self._article_to_view(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(article.versions, number=number)
        refusal = article.publishing_refusal(version)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
        else:
            article.publish(version)
            self.log_change(request, article, f"Published version {version.number}.")
            self.message_user(request, f"Version {version.number} is published.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


def _history_entry(review, emailed):
    decided = "approved" if review.is_approval else "changes requested"
    note = f" Note: {review.note}" if review.note else ""
    told = f" Emailed {len(emailed)} editor(s) and writer(s)." if emailed else ""
    return (
        f"Medical review of version {review.version.number}: {decided} by "
        f"{review.reviewer_name}.{note}{told}"
    )


def _review_message(review, emailed=()):
    number = review.version.number
    told = " The editors and writers are told by email." if emailed else ""
    if review.is_approval:
        published = review.version.article.published_version_id == review.version_id
        readers = " Readers now see the review line." if published else ""
        return f"You approved version {number}.{readers}{told}"
    return f"You asked for changes to version {number}, with your note.{told}"


class MedicalReviewForm(forms.Form):
    """A reviewer's signature on one version: credentials (kept on their Person, else read
    from their last review), a note."""

    credentials = forms.CharField(
        max_length=150,
        required=False,
        help_text="As readers will see them after your name, e.g. “MD, FRCP”. "
        "Kept for your next reviews.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Required when you request changes: tell the editors what to change.",
    )

    def __init__(self, *args, version, reviewer, **kwargs):
        self.version, self.reviewer = version, reviewer
        kwargs.setdefault("initial", {"credentials": MedicalReview.credentials_of(reviewer)})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if "_approve" in self.data:
            cleaned_data["decision"] = MedicalReview.Decision.APPROVE
        elif "_send_back" in self.data:
            cleaned_data["decision"] = MedicalReview.Decision.SEND_BACK
            if not cleaned_data.get("note", "").strip():
                self.add_error("note", "Tell the editors what to change before asking for changes.")
        else:
            raise forms.ValidationError("Choose “Approve” or “Request changes”.")
        if not self.reviewer.get_full_name().strip():
            raise forms.ValidationError(
                "Readers see the name you sign with: ask an administrator to add your first "
                "and last name to your user before you sign a review."
            )
        if self.version.author_id and self.version.author_id == self.reviewer.pk:
            raise forms.ValidationError(
                "You saved this version: another medical reviewer must review it."
            )
        return cleaned_data

    def sign(self):
        """Sign the decision and email it (reviewing.decide): (review, addresses emailed)."""
        return decide(
            self.version,
            self.reviewer,
            self.cleaned_data["decision"],
            note=self.cleaned_data["note"].strip(),
            credentials=self.cleaned_data["credentials"].strip(),
        )


class ReviewRequestForm(forms.Form):
    """ "Send for medical review" on the article form: a note for the reviewer and,
    optionally, the one reviewer to ask (else every medical reviewer is asked)."""

    prefix = "review"
    note = forms.CharField(
        label="Note for the medical reviewer",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="What changed and what to check. Sent with “Send for review”.",
    )
    reviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Any medical reviewer",
        label="Reviewer",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = (
            get_user_model()
            .objects.filter(groups__name=REVIEWERS_GROUP, is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        field.label_from_instance = display_name
