"""The admin's read-only records: every signed medical review, and the links
check_references found dead. Nobody adds, changes or deletes them here."""

from django.contrib import admin

from .models import DeadLink, MedicalReview


@admin.register(MedicalReview)
class MedicalReviewAdmin(admin.ModelAdmin):
    """Every signed review, for the record: nobody adds, changes or deletes one here."""

    list_display = ("version", "decision", "reviewer_name", "credentials", "created_at")
    list_filter = ("decision",)
    list_select_related = ("version__article",)
    search_fields = ("reviewer_name", "version__title")
    readonly_fields = (
        "version",
        "reviewer",
        "reviewer_name",
        "credentials",
        "decision",
        "note",
        "created_at",
    )

    def has_add_permission(self, request):
        return False  # reviews are signed on the version's review page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadLink)
class DeadLinkAdmin(admin.ModelAdmin):
    """The links check_references found dead, for the record; the command rewrites them."""

    list_display = ("url", "article", "problem", "checked_at")
    list_select_related = ("article__published_version",)
    readonly_fields = ("article", "url", "status_code", "error", "checked_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
