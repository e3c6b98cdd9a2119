"""Privacy: the article page loads nothing from anywhere but our own server."""

import ipaddress
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_article_page_requests_go_only_to_the_live_server(new_context, live_server, article_url):
    server = urlsplit(live_server.url)
    assert ipaddress.ip_address(server.hostname) == ipaddress.ip_address("127.0.0.1")
    context = new_context()
    requested = []
    # Recorded on the context, so requests of any page or worker it opens are caught too.
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    page.goto(article_url, wait_until="networkidle")
    expect(page.locator("#comments-title")).to_have_text("4 Responses")
    page.get_by_role("link", name="Reply to Chris").click()
    page.wait_for_load_state("networkidle")

    assert len(requested) >= 4  # two pages, the stylesheet and the icon at least
    assert any(url.endswith(".css") for url in requested)
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme != "data"
        and (urlsplit(url).hostname, urlsplit(url).port) != (server.hostname, server.port)
    ]
    assert elsewhere == [], f"requests left the live server: {elsewhere}"
