"""No mail lost, none sent twice: the real worker (`manage.py mail_worker`, as `make worker`
runs it) killed with SIGKILL in the middle of an SMTP conversation with a real SMTP server
(aiosmtpd), then started again: every message arrives, once.
"""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.mail import claim_for_sending, queue_email
from comments.models import MailWorker, OutgoingEmail
from tests import mail_server
from tests.mail_server import ROOT, SmtpServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class StallingSmtpServer(SmtpServer):
    """Holds its answer to the recipient of the message whose subject... cannot be known at
    RCPT time, so: holds the ``stall_at``-th conversation at RCPT until released."""

    def __init__(self, stall_at):
        super().__init__()
        self.stall_at = stall_at
        self.conversations = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.conversations += 1
        if self.conversations == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def start_worker(smtp_port):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DEBUG": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key-for-the-suite"),
        "DATABASE_URL": mail_server.test_database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        "TASK_LEASE_SECONDS": "2",
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    command = [sys.executable, "manage.py", "mail_worker", "--no-reload", "--interval", "0.2"]
    command.append("--no-startup-delay")
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_send_loses_no_mail_and_sends_none_twice(client, moderator):
    server = StallingSmtpServer(stall_at=3).start()
    subjects = [f"Message {number}" for number in range(6)]
    for subject in subjects:
        queue_email(
            kind=OutgoingEmail.Kind.MODERATORS,
            recipients=["moira@example.org"],
            subject=subject,
            body="Every one of these arrives once.",
        )
    worker = start_worker(server.port)
    try:
        if not server.stalled.wait(30):
            worker.kill()
            pytest.fail(f"the worker never reached the third message:\n{worker.stdout.read()}")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        server.release.set()
        # What the dead worker left: its task RUNNING, its message in hand.
        assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
        assert OutgoingEmail.objects.filter(status="sending").count() == 1

        worker = start_worker(server.port)
        assert wait_until(
            lambda: OutgoingEmail.objects.filter(status="sent").count() == len(subjects), 30
        ), list(OutgoingEmail.objects.values_list("subject", "status"))
        time.sleep(1.5)  # a beat more: nothing is sent again
    finally:
        worker.kill()
        worker.wait()
        server.stop()
    received = sorted(message["Subject"] for message in server.messages)
    assert received == subjects
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    killed = OutgoingEmail.objects.get(subject="Message 2")
    assert killed.attempts == 2  # the attempt the dead worker made, then ours

    # Staff see that a worker ran, and when.
    assert MailWorker.objects.count() == 2
    client.force_login(moderator)
    page = client.get("/admin/comments/outgoingemail/").content.decode()
    assert "Mail worker last seen" in page


def test_an_email_in_one_workers_hands_is_not_sent_by_another(smtp_server):
    email = queue_email(
        kind=OutgoingEmail.Kind.MODERATORS, recipients=["m@example.org"], subject="S", body="B"
    )
    assert claim_for_sending(email.pk) is not None
    assert claim_for_sending(email.pk) is None  # a task taken up again finds it in hand


def test_staff_can_send_again_an_email_a_dead_worker_left_sending(client, moderator, settings):
    settings.TASK_LEASE_SECONDS = 60
    stuck, in_hand = (
        queue_email(
            kind=OutgoingEmail.Kind.MODERATORS, recipients=["m@example.org"], subject=s, body="B"
        )
        for s in ("Stuck", "In hand")
    )
    long_ago = timezone.now() - timedelta(minutes=5)
    OutgoingEmail.objects.filter(pk=stuck.pk).update(status="sending", sending_since=long_ago)
    OutgoingEmail.objects.filter(pk=in_hand.pk).update(
        status="sending", sending_since=timezone.now()
    )
    client.force_login(moderator)
    response = client.post(
        "/admin/comments/outgoingemail/",
        {"action": "send_again", "_selected_action": [stuck.pk, in_hand.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 unsent email(s) queued again." in page
    assert "being sent by a worker right now" in page
    assert OutgoingEmail.objects.get(pk=stuck.pk).status == "queued"
    assert OutgoingEmail.objects.get(pk=in_hand.pk).status == "sending"
    assert "No mail worker has run yet" in page
