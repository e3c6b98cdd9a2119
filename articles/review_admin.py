"""The article admin's medical-review pages: the queue of versions awaiting a reviewer's
decision, the review page of one version, where a reviewer signs (MedicalReviewForm:
approve, or send back with a note), and the schedule of articles due for their next review.

ArticleAdmin (articles/admin.py) inherits MedicalReviewViewsMixin; the URL names stay
admin:articles_article_review, _review_queue and _review_schedule. Only medical reviewers
(the "Medical reviewers" group, add_medicalreview) sign.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .models import Article, ArticleVersion, MedicalReview
from .version_admin import ArticleViewsMixin, compare_versions


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
        """One version as readers would see it, and the reviewer's signature: approve it,
        or send it back with a note. Only medical reviewers may sign (add_medicalreview)."""
        article = self._article_to_view(request, object_id)
        version = get_object_or_404(article.versions.select_related("author"), number=number)
        may_sign = request.user.has_perm("articles.add_medicalreview")
        if request.method == "POST":
            if not may_sign:
                raise PermissionDenied("Only medical reviewers sign reviews.")
            form = MedicalReviewForm(request.POST, version=version, reviewer=request.user)
            if form.is_valid():
                review = form.sign()
                self.message_user(request, _review_message(review), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_review_queue"))
        else:
            form = MedicalReviewForm(version=version, reviewer=request.user)
        # What changed since the last version a reviewer approved, to read first.
        previous = article.versions.filter(number__lt=version.number).order_by("-number").first()
        last_approved = article.review_status(previous)[0] if previous else None
        context = self._context(
            request,
            article,
            f"Medical review of version {version.number}",
            version=version,
            form=form if may_sign else None,
            reviews=list(version.reviews.select_related("reviewer")),
            last_approved=last_approved,
            diffs=compare_versions(last_approved.version, version) if last_approved else None,
        )
        return TemplateResponse(request, "admin/articles/article/review.html", context)


def _review_message(review):
    number = review.version.number
    if review.is_approval:
        published = review.version.article.published_version_id == review.version_id
        readers = " Readers now see the review line." if published else ""
        return f"You approved version {number}.{readers}"
    return f"You sent version {number} back to the editors with your note."


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
        help_text="Required when you send the version back: tell the editors what to change.",
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
                self.add_error("note", "Tell the editors what to change before sending it back.")
        else:
            raise forms.ValidationError("Choose “Approve” or “Send back”.")
        if not self.reviewer.get_full_name().strip():
            raise forms.ValidationError(
                "Readers see the name you sign with: ask an administrator to add your first "
                "and last name to your user before you sign a review."
            )
        if self.version.author_id and self.version.author_id == self.reviewer.pk:
            raise forms.ValidationError(
                "You wrote this version: another medical reviewer must review it."
            )
        return cleaned_data

    def sign(self):
        return MedicalReview.sign(
            self.version,
            self.reviewer,
            self.cleaned_data["decision"],
            note=self.cleaned_data["note"].strip(),
            credentials=self.cleaned_data["credentials"].strip(),
        )
