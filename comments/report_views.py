"""The "Report" page of a comment: a small form that works without JavaScript."""

import logging

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import reports
from .forms import ReportForm
from .models import Comment
from .readers import Reader

logger = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """Show the report form; on POST file the report (once per network) and say so."""
    comment = get_object_or_404(
        Comment.objects.public().select_related("article__published_version"),
        pk=pk,
    )
    form = ReportForm(request.POST or None)
    context = {"comment": comment, "article": comment.article, "form": form}
    reader = Reader.from_request(request)
    if comment.pk in reader.own_comment_ids:
        # Its page offers no Report to its author; a link from elsewhere gets this answer.
        context["own"] = True
        return render(request, "comments/report.html", context)
    if request.method != "POST":
        return render(request, "comments/report.html", context)
    ip_address = reader.address
    if reports.rate_limit_exceeded(ip_address):
        context["refused"] = (
            "You have sent several reports in a short time. "
            "Please try again later: your report was not sent."
        )
        return render(request, "comments/report.html", context, status=429)
    if not form.is_valid():
        return render(request, "comments/report.html", context)
    report = reports.file_report(
        comment,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        email=form.cleaned_data["email"],
        reporter_ip=ip_address,
        weight=reports.reporter_weight(reader),
    )
    if report is None:
        context["done"] = (
            "This comment was reported from your network already, thank you: "
            "a moderator will look at it. Nothing was changed."
        )
    else:
        logger.info("Comment %s reported: %s", comment.pk, report.reason)
        context["done"] = "Thank you: a moderator will look at this comment."
    return render(request, "comments/report.html", context)
