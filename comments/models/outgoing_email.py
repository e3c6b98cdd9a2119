"""The outgoing mail queue's messages (comments/mail.py queues and delivers them), and the
workers that send them (comments/management/commands/mail_worker.py keeps their heartbeat)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email to send (or sent, or given up on), with its delivery record."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        # A worker has it in hand since ``sending_since``: no other worker sends it until
        # that lease has expired (the worker died mid-send), which is what keeps a message
        # from going out twice when a task is taken up again.
        SENDING = "sending", "Being sent"
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
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_email_status")]
        verbose_name = "outgoing email"

    def __str__(self):
        return f"{self.subject} (to {len(self.recipients)})"

    def as_message(self):
        """The django.core.mail message to hand to the mail backend.

        Its Message-ID is the same at every attempt, so that a copy sent again after a
        worker died between the server's acceptance and our record of it is known by the
        reader's mail client for the same message."""
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        message_id = f"<outgoing.{self.pk}.{int(self.created_at.timestamp())}@{domain}>"
        return EmailMessage(
            subject=self.subject,
            body=self.body,
            to=self.recipients,
            headers={"Message-ID": message_id, **self.headers},
        )


class MailWorker(models.Model):
    """One running mail worker process, and when it last said it was alive.

    The worker writes ``last_seen`` every few seconds (its heartbeat); the admin's
    outgoing emails and the status report (/healthz/status) show the latest one.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    queues = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = "mail worker"

    def __str__(self):
        return f"{self.hostname} pid {self.pid}"
