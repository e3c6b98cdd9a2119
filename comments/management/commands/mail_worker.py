"""`manage.py mail_worker`: django-tasks' database worker, with a heartbeat and a lease.

django-tasks' ``db_worker`` claims a task by marking it RUNNING and never looks at a
RUNNING task again: a worker killed mid-task (``kill -9``, a crash, a lost machine)
leaves it RUNNING for ever, and its email is never sent. This command runs that same
worker (every option of ``db_worker`` works here, ``--queue-name`` defaults to "mail")
and beside it, in a thread, every WORKER_HEARTBEAT_SECONDS:

- writes this worker's heartbeat (a MailWorker row: the admin and /healthz/status show it);
- puts back to READY every task of its queues that has been RUNNING longer than
  TASK_LEASE_SECONDS, so that a worker takes it up again. Running a task twice is safe:
  an email is sent at most once (comments/mail.py, ``claim_for_sending``).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.models import DBTaskResult

from comments.mail import MAIL_QUEUE
from comments.models import MailWorker

logger = logging.getLogger(__name__)

# django-tasks' statuses, as its database stores them.
RUNNING = "RUNNING"
READY = "READY"


def take_up_abandoned_tasks(queue_names):
    """Put back to READY the tasks of ``queue_names`` left RUNNING past the lease; how many."""
    expired = timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    abandoned = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=expired)
    if "*" not in queue_names:
        abandoned = abandoned.filter(queue_name__in=queue_names)
    count = abandoned.update(status=READY, run_after=timezone.now())
    if count:
        logger.warning("%d task(s) left running by a dead worker taken up again", count)
    return count


def beat(worker_id, queue_names):
    """Write this worker's heartbeat (its MailWorker row: now)."""
    MailWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "last_seen": timezone.now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": ",".join(queue_names)[:200],
        },
        create_defaults={
            "started_at": timezone.now(),
            "last_seen": timezone.now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": ",".join(queue_names)[:200],
        },
    )


def keep_watch(worker_id, queue_names, stopped):
    """The heartbeat thread: beat and take up abandoned tasks until ``stopped`` is set."""
    while True:
        try:
            close_old_connections()
            beat(worker_id, queue_names)
            take_up_abandoned_tasks(queue_names)
            # Heartbeats of workers gone for a day say nothing any more.
            MailWorker.objects.filter(last_seen__lt=timezone.now() - timedelta(days=1)).delete()
        except DatabaseError:
            # The database is away or busy (SQLite's lock): the next beat tries again.
            logger.warning("Worker heartbeat not written", exc_info=True)
        if stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            connection.close()
            return


class Command(DatabaseWorkerCommand):
    help = "Run the mail worker: django-tasks' database worker with a heartbeat and a lease."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name=MAIL_QUEUE)

    def handle(self, *args, **options):
        queue_names = options["queue_name"].split(",")
        stopped = threading.Event()
        watch = threading.Thread(
            target=keep_watch,
            args=(options["worker_id"], queue_names, stopped),
            name="heartbeat",
            daemon=True,
        )
        watch.start()
        try:
            super().handle(*args, **options)
        finally:
            stopped.set()
            watch.join(timeout=5)
