"""The article admin's version pages: every version of an article, the word-level
comparison of any two, "revert" (after a confirmation page, as Django's delete asks), and
the preview of the editor's unsaved Markdown, shown in a frame beside the form.

ArticleAdmin (articles/admin.py) inherits VersionViewsMixin; the URL names stay
admin:articles_article_versions, _compare, _revert and _text_preview. ArticleViewsMixin
and compare_versions are shared with the medical-review pages (review_admin.py).
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from .comparison import differences
from .forms import MARKER_RUN, MAX_BODY_CHARACTERS, MAX_NESTING, nesting_depth
from .markup import render_markdown
from .models import ArticleVersion


def compare_versions(old, new, blocks=None):
    """What a reader would see change from version ``old`` to ``new``: the dict of
    articles.comparison.differences (title, summary, key takeaways, the changed blocks of
    the body and its references, images), which templates/admin/articles/article/_diffs.html
    shows. The admin's pages and the public change log show the one comparison."""
    return differences(old, new, blocks)


class ArticleViewsMixin:
    """What the article admin's own pages share: the article their URL names, and the
    context each page starts from. For a ModelAdmin of Article."""

    def _article_to_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": str(article),
            "has_change_permission": self.has_change_permission(request, article),
            **extra,
        }


class VersionViewsMixin(ArticleViewsMixin):
    """The version history, comparison, revert and text preview views of ArticleAdmin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="{}_{}_versions".format(*info),
            ),
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/revert/<int:number>/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            path(
                "preview/",
                self.admin_site.admin_view(self.text_preview_view),
                name="{}_{}_text_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def versions_view(self, request, object_id):
        """Every version of the article, newest first, with preview, compare and revert."""
        article = self._article_to_view(request, object_id)
        versions = list(article.versions.select_related("author").order_by("-number"))
        context = self._context(
            request,
            article,
            "Version history",
            versions=versions,
            newest=versions[0] if versions else None,
            oldest=versions[-1] if versions else None,
        )
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

    def compare_view(self, request, object_id):
        """Word-level differences between two versions: ?from=N&to=M (default: the last two)."""
        article = self._article_to_view(request, object_id)
        versions = list(article.versions.select_related("author").order_by("-number"))
        by_number = {version.number: version for version in versions}
        newest = versions[0] if versions else None
        try:
            new = by_number[int(request.GET.get("to", newest.number if newest else 0))]
            default_old = max((n for n in by_number if n < new.number), default=new.number)
            old = by_number[int(request.GET.get("from", default_old))]
        except (KeyError, ValueError):
            raise Http404("No such version of this article.") from None
        context = self._context(
            request,
            article,
            f"Compare version {old.number} with version {new.number}",
            versions=versions,
            old=old,
            new=new,
            diffs=compare_versions(old, new),
        )
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revert_view(self, request, object_id, number):
        """Publish a copy of an older version; history is never rewritten. A GET shows
        what reverting would do and asks to confirm; the confirmation POSTs."""
        return require_http_methods(["GET", "POST"])(self._revert)(request, object_id, number)

    def _revert(self, request, object_id, number):
        article = self._article_to_view(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(article.versions, number=number)
        if request.method == "GET" and not settings.REVIEW_REQUIRED_TO_PUBLISH:
            published = article.published_version
            latest = article.latest_version()
            # The live page's "Medically reviewed by" line: the copy has no review of its own.
            review, current = article.review_status(published) if article.is_live else (None, False)
            context = self._context(
                request,
                article,
                f"Revert to version {version.number}?",
                version=version,
                published=published,
                new_number=latest.number + 1,
                loses_review=review if current else None,
                diffs=compare_versions(published, version) if published else None,
            )
            return TemplateResponse(
                request, "admin/articles/article/revert_confirmation.html", context
            )
        if settings.REVIEW_REQUIRED_TO_PUBLISH:
            # The copy would be a new version, never reviewed: it may not go live.
            self.message_user(
                request,
                "Reverting publishes a copy of the old version as a new version, and this "
                "site publishes only versions a medical reviewer has approved "
                "(REVIEW_REQUIRED_TO_PUBLISH). Save the old text as a draft from the article "
                "form instead, and publish it once a reviewer has approved it.",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_versions", args=[article.pk])
            )
        copy = article.revert_to(version, author=request.user)
        self.message_user(
            request,
            f"Version {copy.number} is published: a copy of version {version.number}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[article.pk]))

    # The preview beside the text.

    def text_preview_view(self, request):
        """The editor's text, not saved, rendered as readers would see it, for the frame
        beside the form. A POST carries the form's title, summary and body; a GET with
        ?article=<id> shows the latest version, so the frame is filled from the start."""
        return _framed_by_the_admin(require_http_methods(["GET", "POST"])(self._text_preview))(
            request
        )

    def _text_preview(self, request):
        if request.method == "POST":
            if not (self.has_change_permission(request) or self.has_add_permission(request)):
                raise PermissionDenied
            text = {name: request.POST.get(name, "") for name in ("title", "summary", "body")}
            lead = request.POST.get("lead_image", "")
            lead_image_id = int(lead) if lead.isdigit() and len(lead) < 10 else None
        else:
            article = None
            if request.GET.get("article", "").isdigit():
                article = self.get_object(request, request.GET["article"])
            if article is None or not self.has_view_or_change_permission(request, article):
                raise Http404("No such article.")
            latest = article.latest_version()
            text = {name: getattr(latest, name) for name in ("title", "summary", "body")}
            lead_image_id = latest.lead_image_id
        images = _images_or_none(lead_image_id, text["body"])
        context = {
            **text,
            "lead_image": (images or {}).get("lead"),
            "body_html": None if images is None else render_markdown(text["body"], images),
        }
        return TemplateResponse(request, "admin/articles/article/text_preview.html", context)


def _framed_by_the_admin(view):
    """The preview is shown in a frame of the admin's own page, and only there."""
    return xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF]})(view))


def _images_or_none(lead_image_id, body):
    """The snapshots of the images the text shows, as saving it would keep them, or None
    for a text the form refuses (too long, nested too deep): the form says why on saving,
    and the preview does not spend the server's time on it."""
    if len(body) > MAX_BODY_CHARACTERS:
        return None
    if nesting_depth(body) > MAX_NESTING or MARKER_RUN.search(body):
        return None
    return ArticleVersion.snapshot_images(lead_image_id, body)
