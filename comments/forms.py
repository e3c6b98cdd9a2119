"""The "Leave a Reply" form: the fields a reader fills in plus the anti-spam fields.

The anti-spam fields never show an error to the reader: a failed check only
marks the comment as spam (see comments/moderation.py), so a bot learns nothing.
"""

import re
import time
import unicodedata

from django import forms
from django.core import signing
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone

from .markup import formatting_help
from .models import Comment, Report

# The longest comment, as the model says: every form, widget and message takes it from here.
BODY_MAX_LENGTH = Comment._meta.get_field("body").max_length

TOKEN_SALT = "comments.form-token"
# What the form's script puts in the hidden "nonce" field: 32 hex digits (128 random bits).
NONCE_PATTERN = re.compile(r"[0-9a-f]{32}")
# Line breaks and tabs are part of what a reader types; other control characters are not.
KEPT_CONTROL_CHARACTERS = {"\n", "\r", "\t"}


def remove_control_characters(text, keep=()):
    """Drop control characters (NUL, escape, bell...) that no reader means to type."""
    return "".join(
        character
        for character in text
        if character in keep or unicodedata.category(character) != "Cc"
    )


def cleaned_submission(data):
    """A copy of posted form data without control characters; line endings as "\n".

    Done before validation, so a stray NUL or escape never costs a reader their
    text: the form neither refuses it nor shows it back. The comment keeps its
    line breaks and tabs.
    """
    if data is None:
        return None
    data = data.copy()
    for field in ("body", "name", "email", "website"):
        if field in data:
            keep = KEPT_CONTROL_CHARACTERS if field == "body" else ()
            text = data[field].replace("\r\n", "\n")  # browsers send CRLF
            data[field] = remove_control_characters(text, keep)
    return data


def make_form_token(article_id, now=None):
    """A signed token naming the article and the time the reader started on the form."""
    return signing.dumps({"article": article_id, "shown": int(now or time.time())}, salt=TOKEN_SALT)


def read_form_token(token, article_id):
    """When the form was shown; None if the token is missing, forged or for another article."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("article") != article_id:
        return None
    shown = data.get("shown")
    return shown if isinstance(shown, int) else None


def comment_id_from(value):
    """A comment id from text a reader can send (a form field, ``?replyto=``), or None.

    Only ASCII digits that fit a database id: "²" or "①" are digits to
    str.isdigit() but not to int(), and a huge number does not fit the column.
    """
    value = str(value).strip()
    if re.fullmatch(r"[0-9]{1,18}", value) and int(value) > 0:
        return int(value)
    return None


class CommentForm(forms.ModelForm):
    website = forms.URLField(
        required=False,
        max_length=200,
        label="Website",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Please enter a web address starting with http:// or https://."},
        widget=forms.URLInput(attrs={"autocomplete": "url", "maxlength": 200}),
    )
    save_details = forms.BooleanField(
        required=False,
        label="Save my name, email, and website in this browser for the next time I comment.",
    )
    # Reply notifications (comments/subscriptions.py): nothing is sent but a confirmation
    # until the reader confirms the address from that email.
    notify_replies = forms.BooleanField(
        required=False, label="Email me when someone replies to my comment."
    )
    notify_article = forms.BooleanField(
        required=False, label="Email me about new comments on this article."
    )
    # Honeypot: hidden from people and screen readers; a bot that fills it is caught.
    honeypot = forms.CharField(required=False, label="Leave this field empty")
    # The page is the same for every reader, so it holds no token: the form's script
    # (static/js/comment-form.js) fetches a fresh one when the reader starts typing.
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # A random value the form's script keeps for the tab: a post sent again with it (after a
    # timeout, Back) shows the first comment instead of saving a second
    # (comments/resubmission.py). Empty in the shared page, and without the script.
    nonce = forms.CharField(required=False, widget=forms.HiddenInput)
    # Text, not IntegerField: a damaged value must be dropped with a message the reader
    # sees (a hidden field's own error would be invisible), see clean_replyto().
    replyto = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["body", "name", "email", "website"]
        labels = {"body": "Comment", "name": "Name", "email": "Email", "website": "Website"}
        help_texts = {"body": formatting_help()}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX_LENGTH}),
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
        }
        error_messages = {
            "body": {"required": "Please write a comment."},
            "name": {"required": "Please enter your name."},
            "email": {
                "required": "Please enter your email address. It will not be published.",
                "invalid": "Please enter a valid email address, like name@example.org.",
            },
        }

    def __init__(self, data=None, *args, article, **kwargs):
        self.article = article
        super().__init__(cleaned_submission(data), *args, **kwargs)
        self.fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    # The form is written out in templates/comments/_form.html, in this order.
    TEXT_FIELDS = ("body", "name", "email", "website")
    CHECKBOXES = ("save_details", "notify_replies", "notify_article")

    @property
    def text_fields(self):
        return [self[name] for name in self.TEXT_FIELDS]

    @property
    def checkboxes(self):
        return [self[name] for name in self.CHECKBOXES]

    @property
    def token_url(self):
        """Where the form's script fetches its token (comments/views.py, form_token)."""
        return reverse("comments:form_token", args=[self.article.pk])

    @property
    def preview_url(self):
        """Where the form's script asks for a preview (comments/views.py, preview_comment)."""
        return reverse("comments:preview", args=[self.article.pk])

    def clean_replyto(self):
        """The id of the comment replied to, or None. A value that is no comment id (a
        damaged link) is dropped from the form, so that the next send works, and said."""
        value = self.cleaned_data.get("replyto") or ""
        comment_id = comment_id_from(value)
        if value and comment_id is None:
            self.data["replyto"] = ""
            self.add_error(
                None,
                "The link you used to reply was damaged, so we could not tell which comment "
                "you are answering. Your text is still here: send it again to post it as a "
                "new comment, or use “Reply” under the comment you mean.",
            )
        return comment_id

    def clean_nonce(self):
        """The form's nonce, or "" when there is none or it is not one the script makes:
        never an error (the field is hidden), the post is then keyed by its reader."""
        value = self.cleaned_data.get("nonce") or ""
        return value if NONCE_PATTERN.fullmatch(value) else ""

    def clean(self):
        """Resolve "replyto" to its parent: an approved comment of this same article."""
        cleaned = super().clean()
        cleaned["parent"] = None
        parent_id = cleaned.get("replyto")
        if parent_id:
            cleaned["parent"] = (
                Comment.objects.approved()
                .filter(article=self.article, pk=parent_id)
                .only("pk", "depth", "parent_id", "article_id")
                .first()
            )
            if cleaned["parent"] is None:
                # A hidden field's error would be invisible: show it above the form.
                self.add_error(None, "The comment you are replying to is no longer available.")
        return cleaned

    def get_comment_object(self, reader):
        """The new comment this valid form describes, from ``reader`` (the Reader of the
        request): unsaved, its status still to be decided by the moderation policy."""
        comment = self.save(commit=False)
        comment.article = self.article
        comment.article_version = self.article.published_version
        comment.reply_to(self.cleaned_data["parent"])
        comment.ip_address = reader.address
        comment.user_agent = reader.user_agent
        return comment

    @property
    def token_sent(self):
        """False when the post came without a form token (a browser without JavaScript)."""
        return bool(self.data.get("token"))

    @property
    def form_shown_at(self):
        return read_form_token(self.data.get("token"), self.article.pk)

    @property
    def honeypot_filled(self):
        return bool(self.data.get("honeypot"))


class PreviewForm(forms.Form):
    """What the "Preview" button sends: the comment's text and who it will be shown as.

    The same limits as the comment form; only the text may refuse the preview. A website
    that is no web address is simply not linked (the form itself says what is wrong with it
    when the comment is sent). The email is not used: the preview's avatar has the plain
    colour, since the colour comes from the email (comments/views.py, preview_comment).
    """

    body = forms.CharField(
        max_length=BODY_MAX_LENGTH,
        error_messages={
            "required": "Write your comment first: there is nothing to preview yet.",
            "max_length": "Your comment is %(show_value)d characters long; "
            "the limit is %(limit_value)d. Please shorten it.",
        },
    )
    name = forms.CharField(max_length=100, required=False)
    website = forms.URLField(
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(cleaned_submission(data), *args, **kwargs)


class CommentEditForm(forms.ModelForm):
    """Only the text can change; name, email and website stay as they were posted."""

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        help_texts = {"body": formatting_help()}
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX_LENGTH})}
        error_messages = {"body": {"required": "Please write a comment."}}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(cleaned_submission(data), *args, **kwargs)

    def save(self, commit=True):
        """The comment with its new text; ``edited_at`` marks it "(edited)" for readers
        when the words really changed (sending the same text again is no edit)."""
        comment = super().save(commit=False)
        if comment.body != self.initial.get("body"):
            comment.edited_at = timezone.now()
        if commit:
            comment.save_edit()
        return comment


class ReportForm(forms.ModelForm):
    """What a reader fills in to report a comment: a reason, and optionally a note and email."""

    class Meta:
        model = Report
        fields = ["reason", "note", "email"]
        labels = {
            "reason": "Why should a moderator look at this comment?",
            "note": "Anything a moderator should know (optional)",
            "email": "Your email, if you would like a reply (optional, never published)",
        }
        help_texts = {"email": ""}  # the label says it all to the reader
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
        }
        error_messages = {
            "reason": {"required": "Please choose a reason: nothing was reported yet."},
            "email": {"invalid": "Please enter a valid email address, or leave it empty."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices  # no empty "------" choice
