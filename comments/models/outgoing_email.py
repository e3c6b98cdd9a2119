"""The outgoing mail queue's messages (comments/mail.py queues and delivers them)."""

from django.core.mail import EmailMessage
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email to send (or sent, or given up on), with its delivery record."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        MODERATORS = "moderators", "Notice to moderators"
        CONFIRMATION = "confirmation", "Subscription confirmation"
        NOTIFICATION = "notification", "Notification to a subscriber"
        REJECTION = "rejection", "Why a comment was rejected, to its author"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_email_status")]
        verbose_name = "outgoing email"

    def __str__(self):
        return f"{self.subject} (to {len(self.recipients)})"

    def as_message(self):
        """The django.core.mail message to hand to the mail backend."""
        return EmailMessage(
            subject=self.subject,
            body=self.body,
            to=self.recipients,
            headers=self.headers,
        )
