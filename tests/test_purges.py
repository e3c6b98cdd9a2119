"""Purges sent to the shared cache (cms/caching.py): soft, right after the commit, and once
more a moment later, coalesced, for a page that was rendering when the first one came."""

import http.server
import threading
import time

import pytest

from comments.models import Comment


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    purges = []

    def do_PURGE(self):  # noqa: N802 (the method's name is the HTTP verb)
        soft = self.headers["xkey-softpurge"]
        PurgeRecorder.purges.append(
            ("soft" if soft else "hard", soft or self.headers["xkey-purge"])
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cache_node(settings):
    """A real HTTP server on 127.0.0.1 that records the purges it is sent."""
    server = http.server.HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PurgeRecorder.purges = []
    settings.HTTP_CACHE_NODES = [f"http://127.0.0.1:{server.server_port}"]
    yield PurgeRecorder.purges
    server.shutdown()
    server.server_close()


def test_approvals_purge_softly_at_once_and_once_more_for_them_all(
    article, make_comment, cache_node, settings, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHE_REPURGE_SECONDS = 0.3
    waiting = [make_comment(article, status=Comment.Status.PENDING) for _ in range(3)]
    for comment in waiting:
        with django_capture_on_commit_callbacks(execute=True):
            comment.approve()
    keys = f"article-{article.pk} articles"
    assert cache_node == [("soft", keys)] * 3  # each change shows at once
    time.sleep(0.6)
    assert cache_node == [("soft", keys)] * 3 + [("soft", keys)]  # one repeat for all three


def test_purging_after_a_deployment_drops_the_pages_outright(cache_node):
    from django.core.management import call_command

    call_command("purge_http_cache")
    assert cache_node == [("hard", "site")]
