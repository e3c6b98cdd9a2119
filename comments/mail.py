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

A worker killed mid-send (``kill -9``, a crash, a lost machine) leaves its task RUNNING:
``manage.py mail_worker`` takes such a task up again once TASK_LEASE_SECONDS have passed.
The message itself is sent at most once all the same: a worker first marks it
``sending`` with the time (``claim_for_sending``), and no other worker touches a message
being sent until that lease has expired. The one window left is between the SMTP
server's "250 OK" and the commit that marks the message sent (milliseconds: make drill
measures it); a copy sent again after a crash in it has the same Message-ID, which mail
clients recognise.
"""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Q, When
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from cms import health

from .models import MailWorker, OutgoingEmail

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


def lease_expired_before():
    """The moment before which a task or a message in hand belongs to a dead worker."""
    return timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)


def claim_for_sending(email_id):
    """Mark one email as being sent by this worker, and return it; None when it is not
    this worker's to send (sent, given up on, erased, or in another live worker's hands).

    One conditional UPDATE, so two workers running the same task (one taken up again
    after its lease) can never both send. A message found ``sending`` past its lease was
    being sent by a worker that died: that attempt counts as one.
    """
    claimable = Q(status=OutgoingEmail.Status.QUEUED) | Q(
        status=OutgoingEmail.Status.SENDING, sending_since__lt=lease_expired_before()
    )
    claimed = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        status=OutgoingEmail.Status.SENDING,
        sending_since=timezone.now(),
        attempts=Case(
            When(status=OutgoingEmail.Status.SENDING, then=F("attempts") + 1),
            default=F("attempts"),
            output_field=PositiveSmallIntegerField(),
        ),
    )
    return OutgoingEmail.objects.get(pk=email_id) if claimed else None


@task(queue_name=MAIL_QUEUE)
def deliver_email(email_id):
    """Send one queued email over the mail backend; on failure queue a later try or give up.

    No transaction is held while SMTP talks, so a slow mail server never holds a lock
    that readers' posts wait for.
    """
    email = claim_for_sending(email_id)
    if email is None:
        return "nothing to send"  # sent already, in another worker's hands, or erased
    in_hand = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING)
    # The connection is opened here and closed only after the message is marked sent, so
    # that the SMTP "QUIT" round trip is not inside the window where a worker killed
    # after the server's acceptance leaves the message "sending" (and so sent again).
    connection = get_connection()
    try:
        connection.open()
        message = email.as_message()
        message.connection = connection
        message.send()
    except Exception as error:
        with contextlib.suppress(Exception):
            connection.close()
        attempts = email.attempts + 1
        failed = attempts >= settings.EMAIL_MAX_ATTEMPTS
        next_attempt = None if failed else timezone.now() + retry_delay(attempts)
        with transaction.atomic():
            in_hand.update(
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:2000],
                status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.QUEUED,
                next_attempt_at=next_attempt,
                sending_since=None,
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
    in_hand.update(
        status=OutgoingEmail.Status.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        next_attempt_at=None,
        sending_since=None,
    )
    with contextlib.suppress(Exception):
        connection.close()  # a server that hangs up rudely after accepting changes nothing
    return "sent"


def unsent_emails(queryset):
    """The messages of ``queryset`` that "Send again" may queue anew: failed, waiting, or
    left ``sending`` by a worker that died (past the lease). One a live worker is sending
    right now is not among them: sending it again could deliver it twice."""
    return queryset.filter(
        Q(status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.QUEUED])
        | Q(status=OutgoingEmail.Status.SENDING, sending_since__lt=lease_expired_before())
    )


def send_again(email):
    """Send an unsent message again, from the first attempt (the admin's "Send again")."""
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).exclude(status=OutgoingEmail.Status.SENT).update(
            status=OutgoingEmail.Status.QUEUED,
            attempts=0,
            next_attempt_at=None,
            sending_since=None,
        )
        deliver_email.enqueue(email.pk)


def last_heartbeat():
    """The latest heartbeat of any mail worker (a MailWorker), or None if none ever ran."""
    return MailWorker.objects.order_by("-last_seen").first()


def worker_is_late(worker):
    """True when no heartbeat came for three beats: the worker is down or stuck."""
    silence = timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    return worker is None or worker.last_seen < timezone.now() - silence


@health.dependency("mail worker")
def mail_worker_status():
    """The status report's line for the mail worker: when it was last seen."""
    worker = last_heartbeat()
    if worker is None:
        return health.Degraded("never seen: start it with `make worker`")
    seen = f"last seen {worker.last_seen.isoformat(timespec='seconds')}"
    if worker_is_late(worker):
        return health.Degraded(f"late, {seen}; queued mail waits until it returns")
    return health.Ok(seen)
