"""Posting a reply. The rules live in comments/moderation.py; this view only glues them."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView
from modern_csrf.decorators import csrf_protect as refuse_cross_site_posts

from articles.models import Article
from cms.addresses import client_address
from cms.caching import article_key, keep_for_this_reader, keep_private
from cms.rate_limits import limit_exceeded

from . import after_posting, moderation, resubmission, subscriptions
from .avatars import initials
from .editing import can_change, delete_own_comment, minutes_left, status_after_edit
from .forms import CommentEditForm, CommentForm, PreviewForm, comment_id_from, make_form_token
from .markup import render_comment
from .models import Comment, CrisisTexts
from .notifications import notify_moderators
from .reader_part import answered_comment, comments_open_on, page_number, render_reader_part
from .readers import Reader
from .threads import location_of

logger = logging.getLogger(__name__)


def reader_form(view):
    """For the forms readers send from shared pages: no per-page token (the page is the same
    for every reader), so Django's token check is off and a post the browser marks as coming
    from another site (Sec-Fetch-Site, or Origin when that is missing) is refused instead,
    with the reader's text shown back (cms/views.py). The admin keeps Django's tokens."""
    return csrf_exempt(refuse_cross_site_posts(view))


def _article_page(request, article, form, status):
    """The article page again, with the reader's form (their text and the errors) in it."""
    context = {"article": article, "version": article.published_version, "comment_form": form}
    return render(request, "articles/article_detail.html", context, status=status)


def _not_saved(request, reason, status, article_url=None):
    """A refused comment: why, and the reader's text to copy (nothing is lost)."""
    context = {
        "reason": reason,
        "body": request.POST.get("body", ""),
        "article_url": article_url,
    }
    return render(request, "comments/not_saved.html", context, status=status)


@reader_form
@require_http_methods(["GET", "POST"])
def post_comment(request, slug):
    try:
        return _post_comment(request, slug)
    except (OperationalError, InterfaceError):  # the database does not answer, not a bug
        logger.exception("Comment on %s not saved: the database does not answer", slug)
        return _not_saved(
            request,
            "We could not reach our database, so your comment could not be saved. "
            "Please try again in a few minutes.",
            status=503,
            article_url=f"/{slug}/",
        )


def _post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method == "GET":
        # After a form error the address bar shows this address: opening or sharing it
        # leads to the article's form.
        return HttpResponseRedirect(f"{article.get_absolute_url()}#respond")
    if not moderation.comments_are_open(article):
        return _not_saved(
            request,
            "Comments are closed on this article, so your comment was not saved.",
            status=403,
            article_url=article.get_absolute_url(),
        )
    reader = Reader.from_request(request)
    form = CommentForm(request.POST, article=article)
    if limit_exceeded(
        "comment rate",
        reader.address,
        limit=settings.COMMENTS_RATE_LIMIT,
        period=settings.COMMENTS_RATE_PERIOD,
    ):
        return _posting_too_fast(request, article, form)
    if not form.is_valid():
        return _article_page(request, article, form, status=200)

    comment = form.get_comment_object(reader)
    earlier = resubmission.earlier_posting(comment, form.cleaned_data["nonce"], reader)
    if earlier is not None:  # the same post sent again: show the first, save nothing
        return _already_posted(request, earlier, form, reader)
    decision = moderation.decide(moderation.Submission.of(form, comment, reader))
    decision.apply_to(comment)
    # A purge that fails is logged, never raised (cms/caching.py).
    earlier = resubmission.submit_once(comment)
    if earlier is not None:  # a twin of this post was saved first
        return _already_posted(request, earlier, form, reader)
    logger.info("Comment %s on %s is %s: %s", comment.pk, slug, decision.status, decision.reason)
    subscriptions.subscribe(
        comment,
        replies=form.cleaned_data["notify_replies"],
        article=form.cleaned_data["notify_article"],
        browser_confirmed_address=reader.confirmed_email,
    )
    if comment.status == Comment.Status.PENDING:
        notify_moderators(comment, reason=decision.reason)
    location = location_of(comment)
    if comment.urgent:
        # The reader lands on the safety message, first above the thread.
        messages.warning(request, CrisisTexts.current().safety_message, extra_tags="safety")
        location = _messages_above(location)
    after_posting.thank(
        request,
        comment,
        notify_replies=form.cleaned_data["notify_replies"],
        notify_article=form.cleaned_data["notify_article"],
    )
    response = HttpResponseRedirect(location, status=303)
    reader.remember_comment(response, comment.pk)
    reader.keep_details_as_asked(response, form.cleaned_data)
    return response


def _posting_too_fast(request, article, form):
    """The article page with the reader's text kept, asking them to wait (429)."""
    form.is_valid()  # keeps the text; the errors are not the point here
    form.errors.clear()
    form.add_error(
        None,
        "You have posted several comments in a short time. "
        "Please wait a minute and send this one again: your text is still here.",
    )
    return _article_page(request, article, form, status=429)


def _already_posted(request, comment, form, reader):
    """The answer to a post that was saved already (comments/resubmission.py): the first
    answer may never have reached the reader, so this one says what it said (the comment's
    status now, spam answered as held) and remembers a comment readers cannot see in this
    browser, so that its author sees it. A published one everyone sees: it is not handed
    over (with its Edit link) to whoever copies its words with its author's address."""
    if comment.status == Comment.Status.APPROVED:
        state = "it is published"
    else:
        state = "it is awaiting moderation"
    messages.success(
        request, f"You had sent this comment already, so it was not posted twice: {state}."
    )
    logger.info("Comment %s on %s was sent again: not saved twice", comment.pk, comment.article)
    response = HttpResponseRedirect(location_of(comment), status=303)
    if comment.status != Comment.Status.APPROVED and comment.pk not in reader.own_comment_ids:
        reader.remember_comment(response, comment.pk)
    reader.keep_details_as_asked(response, form.cleaned_data)
    return response


def _messages_above(location):
    """``location`` on an article page, landing at the confirmation shown above the
    thread (comments/_section.html) instead of at a comment."""
    return f"{location.split('#')[0]}#messages"


def _own_recent_comment(request, pk):
    """The comment, if this browser posted it and may still change it; else 404 or 403."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "article__published_version"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    if not can_change(Reader.from_request(request), comment):
        raise PermissionDenied(
            "A comment can only be changed from the browser that posted it, "
            f"within {settings.COMMENTS_EDIT_MINUTES} minutes of posting it."
        )
    return comment


@require_GET
def reader_part(request, article_id):
    """This reader's part of the article page (comments/reader_part.py): their messages,
    own comments, saved details in the form, an editor's links. Varnish puts it into the
    shared page where that says ``<esi:include>``, and keeps it for this reader alone,
    keyed by their cookies, until the article's pages are purged (cms/caching.py)."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    is_open = comments_open_on(request, article)
    reply_to = None
    if is_open:
        reply_to = answered_comment(article, comment_id_from(request.GET.get("replyto", "")))
    html = render_reader_part(
        request,
        article,
        comments_open=is_open,
        reply_to=reply_to,
        page=page_number(request.GET.get("cpage")),
    )
    return keep_for_this_reader(request, HttpResponse(html), [article_key(article.pk)])


@require_GET
def form_token(request, article_id):
    """A fresh signed token for the comment form, fetched by its script when the reader
    starts typing (static/js/comment-form.js): the moderation rules time the post from it."""
    response = JsonResponse({"token": make_form_token(article_id)})
    return keep_private(response)


# A reader previews a comment a few times; a script that renders text through the
# site would ask many times a minute. Per address, counted in the shared cache.
PREVIEW_LIMIT = 30
PREVIEW_PERIOD = 60  # seconds


def _preview_refused(message, status):
    return keep_private(JsonResponse({"error": message}, status=status))


@reader_form
@require_POST
def preview_comment(request, article_id):
    """The comment as the page will show it (comments/markup.py renders the text, as when
    it is saved), for the form's "Preview" button (static/js/comment-form.js): JSON
    ``{"html": ...}``, or ``{"error": ...}`` with a 400 or 429. Nothing is saved, and the
    answer is the reader's own: never kept by any cache."""
    get_object_or_404(Article.objects.published(), pk=article_id)
    if limit_exceeded(
        "preview", client_address(request), limit=PREVIEW_LIMIT, period=PREVIEW_PERIOD
    ):
        return _preview_refused(
            "You have asked for many previews in a short time. "
            "Please wait a minute and try again: your text is still in the form.",
            status=429,
        )
    form = PreviewForm(request.POST)
    if not form.is_valid() and "body" in form.errors:
        return _preview_refused(form.errors["body"][0], status=400)
    name = form.cleaned_data.get("name") or "Your name"
    html = render_to_string(
        "comments/_preview.html",
        {
            "name": name,
            # No colour from the email (comments/avatars.py): the answer must not let anyone
            # test an address against the avatars of published comments.
            "initials": initials(name),
            "website": form.cleaned_data.get("website") or "",
            "body_html": render_comment(form.cleaned_data["body"]),
        },
    )
    return keep_private(JsonResponse({"html": html}))


@reader_form
@require_http_methods(["GET", "POST"])
def edit_comment(request, pk):
    """The author changes the text of their own recent comment."""
    comment = _own_recent_comment(request, pk)
    earlier_body = comment.body
    form = CommentEditForm(request.POST or None, instance=comment)
    reader = Reader.from_request(request)
    if request.method == "POST" and _editing_too_fast(reader):
        form.is_valid()  # keeps the text in the box; the errors are not the point here
        form.errors.clear()
        form.add_error(
            None,
            "You have changed your comments several times in a short time. "
            "Please wait a few minutes and save this again: your text is still here.",
        )
        return _edit_page(request, comment, form, status=429)
    if request.method == "POST" and form.is_valid():
        was_approved = comment.status == Comment.Status.APPROVED
        comment = form.save(commit=False)
        decision = status_after_edit(comment, earlier_body, reader)
        decision.apply_to(comment)
        comment.save_edit()
        logger.info("Comment %s edited by its author: %s, %s", pk, decision.status, decision.reason)
        if comment.status == Comment.Status.APPROVED:
            messages.success(request, "Your comment is updated.")
        else:
            # Spam gets the same answer as a held comment: a bot learns nothing.
            messages.success(request, "Your comment is updated and awaiting moderation.")
            if comment.status == Comment.Status.PENDING and (was_approved or comment.urgent):
                notify_moderators(comment, reason=decision.reason)
        return HttpResponseRedirect(_messages_above(location_of(comment)), status=303)
    return _edit_page(request, comment, form)


def _editing_too_fast(reader):
    """One more saved edit from this address than COMMENTS_EDIT_RATE_LIMIT allows."""
    return limit_exceeded(
        "comment edit",
        reader.address,
        limit=settings.COMMENTS_EDIT_RATE_LIMIT,
        period=settings.COMMENTS_EDIT_RATE_PERIOD,
    )


def _edit_page(request, comment, form, status=200):
    context = {
        "comment": comment,
        "article": comment.article,
        "form": form,
        "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        "minutes_left": minutes_left(comment),
    }
    return render(request, "comments/edit.html", context, status=status)


@reader_form
@require_http_methods(["GET", "POST"])
def delete_comment(request, pk):
    """The author deletes their own recent comment, after confirming."""
    comment = _own_recent_comment(request, pk)
    if request.method == "POST":
        delete_own_comment(comment)
        logger.info("Comment %s deleted by its author", pk)
        messages.success(request, "Your comment is deleted.")
        return HttpResponseRedirect(_messages_above(comment.article.get_absolute_url()), status=303)
    context = {"comment": comment, "article": comment.article}
    return render(request, "comments/delete.html", context)


class PrivacyView(TemplateView):
    """What the site stores about commenters, why, and for how long."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            keep_ip_days=settings.COMMENTS_KEEP_IP_DAYS,
            edit_minutes=settings.COMMENTS_EDIT_MINUTES,
            confirm_days=settings.COMMENTS_CONFIRM_LINK_DAYS,
        )
        return context
