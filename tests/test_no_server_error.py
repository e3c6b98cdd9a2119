"""Property tests: whatever a reader sends to a public address or form (random Unicode,
control characters, very long values, odd query parameters and headers), the answer is
never a 500. Run on both databases by the suite; the examples are few enough to stay quick."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.forms import make_form_token

# Any character a URL or a form can carry: everything but lone surrogates.
characters = st.characters(exclude_categories=("Cs",))
odd_values = st.one_of(
    st.text(characters, max_size=200),
    st.builds(lambda character, count: character * count, characters, st.integers(1, 6000)),
    st.sampled_from(
        [
            "\x00", "%00", "²", "①", "⁹", "٣", "-1", "0", "1.5", "1e9", "abc", "1 OR 1=1",
            "99999999999999999999999", "9" * 5000, "../../etc/passwd", "<script>", "'\"",
            "\u202e", "\ufeff", "𝟘", "NaN", "[]", "{}",
        ]
    ),
)  # fmt: skip
parameter_names = st.one_of(
    st.sampled_from(["q", "page", "cpage", "replyto", "next", "p", "format", "status", "o"]),
    st.text(characters, min_size=1, max_size=20),
)
queries = st.dictionaries(parameter_names, odd_values, max_size=4)

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def public_addresses(slug):
    return [
        "/",
        "/search/",
        f"/{slug}/",
        f"/{slug}/changes/",
        f"/{slug}/comments/feed/",
        f"/{slug}/preview/1/",
        "/feed/rss/",
        "/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
        "/privacy/",
        "/healthz",
        "/comments/1/edit/",
        "/comments/1/delete/",
        "/comments/1/report/",
        "/comments/emails/confirm/not-a-token/",
        "/comments/emails/unsubscribe/not-a-token/",
        "/admin/login/",
    ]


@pytest.fixture
def reader():
    """A client that gets what a browser would: errors as pages, not as exceptions."""
    return Client(raise_request_exception=False)


@pytest.fixture
def site(article, make_comment, settings):
    """An article with a small thread; rate limits off, the fuzzer posts far more than a reader."""
    settings.COMMENTS_RATE_LIMIT = 0
    settings.ADMIN_LOGIN_FAILURE_LIMIT = 10_000
    parent = make_comment(article)
    make_comment(article, parent=parent)
    return article


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:500]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(index=st.integers(0, 17), query=queries)
def test_no_public_page_answers_500_whatever_the_query(site, reader, index, query):
    address = public_addresses(site.slug)[index]
    assert_no_server_error(reader.get(address, query))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(segment=odd_values, tail=st.sampled_from(["/", "/changes/", "/comments/feed/", ""]))
def test_no_odd_address_answers_500(site, reader, segment, tail):
    assert_no_server_error(reader.get(f"/{quote(segment, safe='')}{tail}"))


form_fields = st.fixed_dictionaries(
    {},
    optional={
        "body": odd_values,
        "name": odd_values,
        "email": odd_values,
        "website": odd_values,
        "replyto": odd_values,
        "token": odd_values,
        "honeypot": odd_values,
        "save_details": odd_values,
        "notify_replies": odd_values,
        "notify_article": odd_values,
    },
)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(fields=form_fields, fresh_token=st.booleans(), query=queries)
def test_no_comment_post_answers_500(site, reader, fields, fresh_token, query):
    if fresh_token:
        fields = {"token": make_form_token(site.pk, now=1), **fields}
    address = f"/{site.slug}/comments/"
    if query:
        address += "?" + "&".join(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items()
        )
    assert_no_server_error(reader.post(address, fields))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    fields=st.fixed_dictionaries({}, optional={"body": odd_values}),
    action=st.sampled_from(["edit", "delete"]),
)
def test_no_edit_or_delete_post_answers_500(site, reader, make_comment, fields, action):
    assert_no_server_error(reader.post(f"/comments/1/{action}/", fields))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    fields=st.fixed_dictionaries(
        {}, optional={"reason": odd_values, "note": odd_values, "email": odd_values}
    ),
    comment=st.sampled_from(["1", "2", "999999"]),
)
def test_no_report_post_answers_500(site, reader, fields, comment):
    assert_no_server_error(reader.post(f"/comments/{comment}/report/", fields))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(token=odd_values, action=st.sampled_from(["confirm", "unsubscribe"]))
def test_no_email_link_answers_500(site, reader, token, action):
    address = f"/comments/emails/{action}/{quote(token, safe='') or 'x'}/"
    assert_no_server_error(reader.get(address))
    assert_no_server_error(reader.post(address, {"List-Unsubscribe": "One-Click"}))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    fields=st.fixed_dictionaries(
        {}, optional={"username": odd_values, "password": odd_values, "next": odd_values}
    )
)
def test_no_admin_sign_in_answers_500(site, reader, fields):
    assert_no_server_error(reader.post("/admin/login/", fields))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=unknown-9",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "application/json",
            "text/plain; charset=utf-8",
        ]
    ),
    address=st.sampled_from(["comments", "login", "search"]),
)
def test_no_raw_body_answers_500(site, reader, body, content_type, address):
    reader.cookies["csrftoken"] = "x" * 32  # a browser that has visited carries one
    path = {
        "comments": f"/{site.slug}/comments/",
        "login": "/admin/login/",
        "search": "/search/",
    }[address]
    response = reader.generic("POST", path, body, content_type=content_type)
    assert_no_server_error(response)
