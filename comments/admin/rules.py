"""The admin of the moderation rules: the word lists with their "Test a text" page,
commenters' standing and notes, the crisis texts and the crisis reply posted from a
comment's page. The comment's page shows the commenter's history through the template tag
of comments/templatetags/commenter_history.py."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .. import moderation
from ..identity import mailbox_key
from ..models import Comment, Commenter, CrisisTexts, ModerationWord


class TestTextForm(forms.Form):
    text = forms.CharField(
        label="Text to test",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=Comment._meta.get_field("body").max_length,
        help_text="Paste a comment: every rule that reads the text runs on it. Nothing is saved.",
    )


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    """The suspect and banned word lists; "Test a text" runs every text rule on a paste."""

    list_display = ("phrase", "kind", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("phrase", "note")
    fields = ("phrase", "kind", "note")
    change_list_template = "admin/comments/moderationword/change_list.html"

    def get_urls(self):
        return [
            path(
                "test/",
                self.admin_site.admin_view(self.test_text_view),
                name="comments_moderationword_test",
            ),
            *super().get_urls(),
        ]

    def test_text_view(self, request):
        """Run every rule that reads only the text (moderation.TEXT_RULES) on a pasted
        text and say which matched and why; the other rules are listed with what they read."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TestTextForm(request.POST or None)
        results = None
        if request.method == "POST" and form.is_valid():
            results = [
                {
                    "name": rule.__name__.replace("_", " "),
                    "about": (rule.__doc__ or "").strip().split("\n\n")[0],
                    "decision": decision,
                }
                for rule, decision in moderation.run_text_rules(form.cleaned_data["text"])
            ]
        other_rules = [
            rule
            for rule in (*moderation.HOLD_RULES, moderation.known_commenter)
            if rule not in moderation.TEXT_RULES
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Test a text against the moderation rules",
            "opts": self.opts,
            "form": form,
            "results": results,
            "matched": [each for each in results or [] if each["decision"]],
            "other_rules": [
                (rule.__name__.replace("_", " "), (rule.__doc__ or "").strip().split("\n\n")[0])
                for rule in other_rules
            ],
        }
        return TemplateResponse(request, "admin/comments/moderationword/test_text.html", context)


class CommenterForm(forms.ModelForm):
    class Meta:
        model = Commenter
        fields = ("email", "standing", "notes")

    def clean_email(self):
        # One row per mailbox however it is typed (comments/identity.py).
        return mailbox_key(self.cleaned_data["email"])


@admin.register(Commenter)
class CommenterAdmin(admin.ModelAdmin):
    """Per-address standing (trusted, always hold) and moderators' notes. The comment's page
    links here, with the address filled in."""

    form = CommenterForm
    list_display = ("email", "standing", "updated_at", "updated_by")
    list_filter = ("standing",)
    search_fields = ("email", "notes")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CrisisTexts)
class CrisisTextsAdmin(admin.ModelAdmin):
    """The site's words for readers in crisis: one row, edited in place."""

    fields = ("safety_message", "staff_reply")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is its change page.
        texts = CrisisTexts.current()
        return HttpResponseRedirect(reverse("admin:comments_crisistexts_change", args=[texts.pk]))

    def get_urls(self):
        return [
            path(
                "reply/<int:comment_id>/",
                self.admin_site.admin_view(self.crisis_reply_view),
                name="comments_crisistexts_reply",
            ),
            *super().get_urls(),
        ]

    def crisis_reply_view(self, request, comment_id):
        """Post the crisis staff reply (CrisisTexts.staff_reply) under a comment, signed with
        the site's name: a moderator's one click from the comment's page."""
        return require_POST(self._crisis_reply)(request, comment_id)

    def _crisis_reply(self, request, comment_id):
        comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
        if comment is None:
            raise Http404("No comment with that id.")
        if not request.user.has_perm("comments.change_comment"):
            raise PermissionDenied
        reply, newly_approved = comment.reply_as_staff(
            by=request.user, name=settings.SITE_NAME, body=CrisisTexts.current().staff_reply
        )
        for each in newly_approved:
            self.log_change(request, each, "Approved (by posting the crisis reply to it).")
        self.log_addition(request, reply, "Published as the crisis staff reply.")
        self.message_user(
            request,
            format_html(
                'The crisis reply is published: <a href="{}">see it on the article</a>.',
                reply.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[comment.pk]))
