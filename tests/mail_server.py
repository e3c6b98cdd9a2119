"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and the worker that feeds it.

``SmtpServer`` keeps every message it accepted, parsed, and can be told to refuse
mail (a 451 reply, as a busy or broken server gives). ``run_worker`` runs the real
worker command, ``manage.py db_worker --batch``, in a process of its own against the
test database, with the project's own SMTP settings (EMAIL_HOST, EMAIL_PORT,
EMAIL_USE_TLS) in its environment, as in production.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on a free loopback port; ``messages`` are what it accepted."""

    def __init__(self):
        self.messages = []
        self.refusing = False
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refusing:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def to(self, address):
        return [message for message in self.messages if address in message["To"]]


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_database_url():
    """The URL of the database this test runs on, for a worker in another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = urllib.parse.quote(settings["USER"] or "")
    password = f":{urllib.parse.quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def run_worker(smtp_port, **environment):
    """Run `manage.py db_worker --batch` once: it sends what is ready, then exits."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DEBUG": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key-for-the-suite"),
        "DATABASE_URL": test_database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        **environment,
    }
    finished = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "mail",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout + finished.stderr
