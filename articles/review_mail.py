"""The emails of the medical review (a version sent for review, a reviewer's decision):
rendered from templates when the change happens, queued in django-tasks' "mail" queue in
the same transaction, and sent by the worker that already sends every other email
(`make worker`: `db_worker --queue-name mail`) through Django's configured mail backend.

Why not comments' outgoing-email table: ``articles`` never imports ``comments``. A delivery
that fails is tried again like the comments' (EMAIL_RETRY_SECONDS, doubling, at most
EMAIL_MAX_ATTEMPTS times); a last failure stays in the task queue's results, with its error.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

MAIL_QUEUE = "mail"


def queue_review_email(template, recipients, context):
    """Queue the email ``articles/email/<template>.txt`` (subject from
    ``<template>_subject.txt``) to each address of ``recipients``, one message each (no
    recipient sees the others' addresses), each address once. Returns the addresses."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"articles/email/{template}_subject.txt", context).split())
    body = render_to_string(f"articles/email/{template}.txt", context)
    addresses = list(dict.fromkeys(address for address in recipients if address))
    with transaction.atomic():
        for address in addresses:
            send_review_email.enqueue(address, subject, body)
    return addresses


@task(queue_name=MAIL_QUEUE)
def send_review_email(recipient, subject, body, attempt=1):
    """Send one review email (the worker calls this); on failure queue a later try."""
    try:
        EmailMessage(subject, body, to=[recipient]).send()
    except Exception as error:
        if attempt >= settings.EMAIL_MAX_ATTEMPTS:
            logger.error("Review email to a reviewer or editor failed %d times: %s", attempt, error)
            raise
        delay = timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1))
        send_review_email.using(run_after=timezone.now() + delay).enqueue(
            recipient, subject, body, attempt + 1
        )
        logger.warning("Review email not sent (attempt %d), trying again: %s", attempt, error)
        return "will retry"
    return "sent"
