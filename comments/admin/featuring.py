"""The queue's "Feature" and "Unfeature" actions: editors' picks (comments/featured.py).

Plain admin action functions, so the Comment admin lists them in its ``actions`` whatever
else it holds; each decision is written to the comment's History.
"""

from django.contrib import admin, messages

from ..featured import feature, unfeature


@admin.action(description="Feature as editors’ picks", permissions=["change"])
def feature_selected(modeladmin, request, queryset):
    """Make the selected approved comments editors' picks; say which were left out."""
    chosen = feature(queryset)
    for comment in chosen:
        modeladmin.log_change(request, comment, "Featured as an editors’ pick.")
    left_out = queryset.count() - len(chosen)
    message = f"{len(chosen)} comment{'s' * (len(chosen) != 1)} featured as editors’ picks."
    if left_out:
        message += (
            f" {left_out} left as {'they were' if left_out != 1 else 'it was'}: only approved "
            "comments can be featured, and a pick already featured stays as it is."
        )
    modeladmin.message_user(request, message, messages.SUCCESS if chosen else messages.WARNING)


@admin.action(description="Unfeature (no longer editors’ picks)", permissions=["change"])
def unfeature_selected(modeladmin, request, queryset):
    """Take the selected comments off the editors' picks."""
    dropped = unfeature(queryset)
    for comment in dropped:
        modeladmin.log_change(request, comment, "No longer an editors’ pick.")
    count = len(dropped)
    modeladmin.message_user(
        request, f"{count} comment{'s' * (count != 1)} no longer editors’ picks.", messages.SUCCESS
    )
