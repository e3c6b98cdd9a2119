"""The people readers see named (Person): editors keep their pages in the admin.

Registered from articles/admin.py. The photo is chosen from the media library (the
lookup opens the library's list); the account links a person to the bylines and review
lines of what that account wrote and reviewed. BylineInline, on the article form, makes
people an article's writers: its byline.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from .models import Byline, Person


class AccountChoiceField(forms.ModelChoiceField):
    """Accounts named as readers would recognise them: "Jo Writer (jwriter)"."""

    def label_from_instance(self, user):
        name = user.get_full_name().strip()
        return f"{name} ({user.get_username()})" if name else user.get_username()


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "credentials", "account", "page")
    list_select_related = ("user",)
    search_fields = ("name", "slug", "role", "credentials", "user__username", "user__email")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("photo",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "role", "credentials", "bio")}),
        ("Photo and links", {"fields": ("photo", "links")}),
        (
            "Account",
            {
                "fields": ("user",),
                "description": "The account whose articles and medical reviews link to "
                "this page: its bylines and review lines.",
            },
        ),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.order_by(
                "first_name", "last_name", "username"
            )
            kwargs["form_class"] = AccountChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Account", ordering="user__username")
    def account(self, person):
        return person.user.get_username() if person.user_id else "—"

    @admin.display(description="Page")
    def page(self, person):
        url = person.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


class BylineInline(admin.StackedInline):
    """The article's writers, in order: its byline. Whoever may change the article may
    change them (a Byline has no permissions of its own)."""

    model = Byline
    fields = ("person", "position")
    autocomplete_fields = ("person",)
    extra = 0
    min_num = 0
    verbose_name = "writer"
    verbose_name_plural = "Writers (the byline, in order: 1 first)"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.bylines.exists() else 1

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article") or self.has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article") or (
            obj is None and request.user.has_perm("articles.add_article")
        )

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)
