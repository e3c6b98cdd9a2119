"""References: footnotes rendered as a numbered "References" section, carried in the JSON-LD as
``citation``, and check_references, which records the links that no longer answer."""

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.link_check import check_link
from articles.markup import render_markdown
from articles.models import DeadLink

BODY_WITH_REFERENCES = (
    "## Dose\n\nThe usual dose is 0.5 mg/kg.[^trial] Most patients respond.[^trial][^review]\n\n"
    "[^trial]: Smith J. *A ketamine trial*. [NEJM](https://journal.example.org/trial) 2020.\n"
    "[^review]: A review, https://review.example.org/ketamine.\n"
)


def _json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return [json.loads(block) for block in blocks]


def test_footnotes_become_a_numbered_references_section_with_links_back():
    html = render_markdown(BODY_WITH_REFERENCES)
    assert (
        '<sup class="reference"><a href="#ref-1" id="cite-1" aria-label="Reference 1">[1]</a></sup>'
        in html
    )
    # The second citation of the same source has its own anchor to come back to.
    assert 'id="cite-1-1"' in html and 'href="#ref-2" id="cite-2"' in html
    references = html[html.index('<section class="references"') :]
    assert '<h2 id="references">References</h2>' in references
    assert references.index('<li id="ref-1">') < references.index('<li id="ref-2">')
    assert '<a href="https://journal.example.org/trial" rel="noopener">NEJM</a>' in references
    assert references.count('class="backref"') == 3
    assert 'href="#cite-1"' in references and 'href="#cite-1-1"' in references
    # The references close the last section; they are not inside it.
    assert html.index("</section>") < html.index('<section class="references"')


def test_reference_markup_lets_no_attribute_of_an_editors_own_through():
    html = render_markdown(
        '<a id="login" class="btn" aria-label="Sign in" href="/x">x</a> '
        '<sup class="evil" onclick="x()">1</sup> <li id="ref-1 x">y</li>\n\n'
        "Cited.[^1]\n\n[^1]: <span onmouseover=x>A source</span> [bad](javascript:alert(1))"
    )
    assert 'id="login"' not in html and 'class="btn"' not in html
    assert "Sign in" not in html
    assert 'class="evil"' not in html and "onclick" not in html
    assert 'id="ref-1 x"' not in html
    assert "<span" not in html and 'href="javascript' not in html
    assert '<li id="ref-1">' in html  # the plugin's own markup still gets through


def test_references_are_on_the_page_and_in_the_json_ld(client, make_article):
    article = make_article(body=BODY_WITH_REFERENCES)
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="references">References</h2>' in page
    (data,) = _json_ld(page)
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Smith J. A ketamine trial. NEJM 2020.",
            "url": "https://journal.example.org/trial",
        },
        {
            "@type": "CreativeWork",
            "name": "A review, https://review.example.org/ketamine.",
            "url": "https://review.example.org/ketamine",
        },
    ]


def test_an_article_without_footnotes_has_no_citation(client, article):
    (data,) = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert "citation" not in data


class _Answers(BaseHTTPRequestHandler):
    """200, 404 and 500 by path; /no-head refuses HEAD (405) but answers GET."""

    requests = []

    def _answer(self, with_body):
        _Answers.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        status = {"/ok": 200, "/missing": 404, "/broken": 500}.get(self.path)
        if self.path == "/no-head":
            status = 405 if self.command == "HEAD" else 200
        self.send_response(status or 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(with_body=False)

    def do_GET(self):
        self._answer(with_body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def link_server():
    """A real HTTP server on 127.0.0.1, in a thread, for the duration of one test."""
    _Answers.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """A socket on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_check_link_asks_with_head_then_get_and_says_who_it_is(link_server, settings):
    settings.SITE_NAME = "Well Informed"
    assert check_link(f"{link_server}/ok").status_code == 200
    assert check_link(f"{link_server}/no-head").status_code == 200
    assert [(method, path) for method, path, _agent in _Answers.requests] == [
        ("HEAD", "/ok"),
        ("HEAD", "/no-head"),
        ("GET", "/no-head"),
    ]
    assert {agent for _m, _p, agent in _Answers.requests} == {
        "Well Informed reference checker (+http://127.0.0.1:8000)"
    }


def test_check_link_gives_up_on_a_server_that_never_answers(silent_server):
    started = time.monotonic()
    check = check_link(f"{silent_server}/anything", timeout=0.5)
    assert check.is_dead and check.status_code is None
    assert check.error == "no answer within 0.5 s"
    assert time.monotonic() - started < 5


def test_check_references_records_the_dead_links_and_the_admin_shows_them(
    make_article, link_server, silent_server, editor_client
):
    body = (
        f"Fine.[^1] Gone.[^2] Broken.[^3] Silent.[^4] Refuses HEAD: [here]({link_server}/no-head)."
        f"\n\n[^1]: <{link_server}/ok>\n[^2]: <{link_server}/missing>\n"
        f"[^3]: <{link_server}/broken>\n[^4]: <{silent_server}/never>\n"
    )
    article = make_article(body=body)
    draft_only = make_article(body=f"[draft link]({link_server}/missing)", publish=False)
    DeadLink.objects.create(article=article, url=f"{link_server}/old", status_code=404)
    out = StringIO()

    call_command("check_references", "--timeout", "0.5", "--workers", "3", stdout=out)

    assert "Checked 5 links in 1 article: 3 dead." in out.getvalue()
    dead = {link.url: link.problem for link in DeadLink.objects.filter(article=article)}
    assert dead == {
        f"{link_server}/missing": "HTTP 404",
        f"{link_server}/broken": "HTTP 500",
        f"{silent_server}/never": "no answer within 0.5 s",
    }
    assert not DeadLink.objects.filter(article=draft_only).exists()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    text = page.content.decode()
    assert "3 links in the published version did not answer" in text
    assert f"{link_server}/missing</a>: HTTP 404" in text
    assert f"{link_server}/ok<" not in text


def test_check_references_refuses_nonsense_options(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--timeout must be above 0"):
        call_command("check_references", "--timeout", "0", stdout=StringIO())
