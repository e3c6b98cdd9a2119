"""The queue's privacy actions: export or erase all the data of the selected comments'
authors (comments/privacy.py does the work)."""

import json
import logging

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from ..privacy import erase_commenter_data, export_commenter_data

logger = logging.getLogger(__name__)


def _emails_of(queryset):
    return sorted({email.lower() for email in queryset.values_list("email", flat=True) if email})


@admin.action(description="Export all data of these commenters (JSON)", permissions=["view"])
def export_commenter_data_action(modeladmin, request, queryset):
    """Download every comment of the selected comments' authors, as one JSON file."""
    exports = [export_commenter_data(email) for email in _emails_of(queryset)]
    response = HttpResponse(
        json.dumps(exports, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
    logger.info(
        "Privacy request by %s: exported the data of %d commenter(s).", request.user, len(exports)
    )
    return response


@admin.action(
    description="Erase the personal data of these commenters (keeps the text)",
    permissions=["change"],
)
def erase_commenter_data_action(modeladmin, request, queryset):
    """Anonymise every comment of the selected comments' authors (all their comments)."""
    emails = _emails_of(queryset)
    count = sum(erase_commenter_data(email, requested_by=str(request.user)) for email in emails)
    modeladmin.message_user(
        request,
        f"Erased the personal data of {len(emails)} commenter(s): {count} comment(s) anonymised.",
        messages.SUCCESS,
    )
