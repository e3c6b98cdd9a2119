"""Every email the site sends goes through a queue in the database; the worker sends it.

A reader's request only writes two rows (the message and its delivery task) in its own
transaction, so a post never waits on SMTP, and a message is queued exactly when the
change that caused it commits. ``make worker`` runs Django's task worker
(django-tasks' database backend, queue "mail"), which calls ``deliver_email``.

A delivery that fails (the SMTP server refuses or does not answer) is tried again after
EMAIL_RETRY_SECONDS, then twice as long each time; after EMAIL_MAX_ATTEMPTS the message
is marked failed and staff see it, with the error, under "Outgoing emails" in the admin,
where "Send again" queues it anew. While the worker is down, the messages wait in the
database and go when it returns.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAIL_QUEUE = "mail"


def render_email(template, context):
    """The subject and body of the email ``template`` names, as queue_email's keywords:
    ``comments/email/<template>.txt`` is the body and ``<template>_subject.txt`` the subject
    (one line), both plain text. Every email also knows the site's name."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"comments/email/{template}_subject.txt", context)
    body = render_to_string(f"comments/email/{template}.txt", context)
    # A header is one line, whatever a name or title brought in.
    return {"subject": " ".join(subject.split()), "body": body}


def queue_email(*, kind, recipients, subject, body, headers=None):
    """Store an email and queue its delivery, in the caller's transaction.

    Nothing touches the network here: the worker sends it. Returns the OutgoingEmail.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            kind=kind,
            recipients=list(recipients),
            subject=subject,
            body=body,
            headers=headers or {},
        )
        deliver_email.enqueue(email.pk)
    return email


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failed delivery: doubling each time."""
    return timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** (attempts - 1))


@task(queue_name=MAIL_QUEUE)
def deliver_email(email_id):
    """Send one queued email over the mail backend; on failure queue a later try or give up.

    No transaction is held while SMTP talks, so a slow mail server never holds a lock
    that readers' posts wait for.
    """
    email = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).first()
    if email is None:
        return "nothing to send"  # sent already, given up on, or erased at its owner's request
    try:
        email.as_message().send()
    except Exception as error:
        attempts = email.attempts + 1
        failed = attempts >= settings.EMAIL_MAX_ATTEMPTS
        next_attempt = None if failed else timezone.now() + retry_delay(attempts)
        with transaction.atomic():
            OutgoingEmail.objects.filter(pk=email.pk).update(
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:2000],
                status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.QUEUED,
                next_attempt_at=next_attempt,
            )
            if not failed:
                deliver_email.using(run_after=next_attempt).enqueue(email.pk)
        if failed:
            logger.error("Email %s failed %d times, given up: %s", email.pk, attempts, error)
            return "failed"
        logger.warning(
            "Email %s not sent (attempt %d), trying again: %s", email.pk, attempts, error
        )
        return "will retry"
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        next_attempt_at=None,
    )
    return "sent"


def send_again(email):
    """Send a failed message again, from the first attempt (the admin's "Send again")."""
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=None
        )
        deliver_email.enqueue(email.pk)
