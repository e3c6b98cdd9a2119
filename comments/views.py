"""Posting a reply. The rules live in comments/moderation.py; this view only glues them."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from articles.models import Article

from . import moderation
from .forms import CommentForm
from .models import Comment
from .readers import forget_author_details, remember_own_comment, save_author_details
from .threads import page_of

logger = logging.getLogger(__name__)


def _article_page(request, article, form, status):
    """The article page again, with the reader's form (their text and the errors) in it."""
    context = {"article": article, "version": article.published_version, "comment_form": form}
    return render(request, "articles/article_detail.html", context, status=status)


@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not moderation.comments_are_open(article):
        raise PermissionDenied("Comments are closed on this article; your comment was not saved.")

    form = CommentForm(request.POST, article=article)
    ip_address = request.META.get("REMOTE_ADDR")
    if moderation.rate_limit_exceeded(ip_address):
        form.is_valid()  # keeps the text; the errors are not the point here
        form.errors.clear()
        form.add_error(
            None,
            "You have posted several comments in a short time. "
            "Please wait a minute and send this one again: your text is still here.",
        )
        return _article_page(request, article, form, status=429)
    if not form.is_valid():
        return _article_page(request, article, form, status=200)

    comment = form.save(commit=False)
    comment.article = article
    comment.article_version = article.published_version
    comment.parent = form.cleaned_data["parent"]
    comment.ip_address = ip_address
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    decision = moderation.decide(
        moderation.Submission(
            comment=comment,
            form_shown_at=form.form_shown_at,
            honeypot_filled=form.honeypot_filled,
        )
    )
    comment.status = decision.status
    comment.save()
    logger.info("Comment %s on %s is %s: %s", comment.pk, slug, decision.status, decision.reason)

    if comment.status == Comment.Status.PENDING:
        moderation.notify_moderators(comment)
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
    else:
        # Spam gets the same answer as a held comment: a bot learns nothing.
        messages.success(request, "Thank you: your comment is awaiting moderation.")
    page = page_of(comment)
    query = f"?cpage={page}" if page > 1 else ""
    response = HttpResponseRedirect(
        f"{article.get_absolute_url()}{query}#comment-{comment.pk}", status=303
    )
    remember_own_comment(request, response, comment.pk)
    if form.cleaned_data.get("save_details"):
        save_author_details(response, form.cleaned_data)
    else:
        forget_author_details(request, response)
    return response
