"""Production settings: safe by default, security headers, /healthz, the admin sign-in limit.

Settings are read once, at start, from the environment; the tests that need the
production configuration itself (DEBUG off) run Django in a subprocess.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "news.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
}


def run_django(code_or_command, environment, *, command=False):
    """Run ``manage.py <command>`` or a Python snippet after django.setup(), with ``environment``
    on top of this process's environment minus the suite's own DEBUG, SECRET_KEY and HTTPS."""
    suite_only = {"DEBUG", "SECRET_KEY", "HTTPS"}
    env = {key: value for key, value in os.environ.items() if key not in suite_only}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(environment)
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings"
    if command:
        arguments = [sys.executable, "manage.py", *code_or_command]
    else:
        setup = "import json\nimport django\ndjango.setup()\n"
        arguments = [sys.executable, "-c", setup + code_or_command]
    return subprocess.run(
        arguments, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_reports_no_warning_with_the_production_settings():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, command=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run_django(["check"], environment, command=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "refuses to start" in result.stderr


def test_production_defaults_are_the_safe_ones():
    result = run_django(
        "from django.conf import settings as s\n"
        "print(json.dumps({name: getattr(s, name) for name in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS',"
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'ALLOWED_HOSTS']}))",
        PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["news.example.org"]


@pytest.fixture
def https(settings):
    """The suite runs on plain HTTP; these are the values HTTPS=1 gives in production."""
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def assert_no_inline_script_or_style(html):
    """What a CSP of 'self' would block: inline scripts, <style> blocks, style attributes."""
    for attributes in re.findall(r"<script\b([^>]*)>", html):
        assert "src=" in attributes or "application/ld+json" in attributes, attributes
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


def test_article_page_sends_the_security_headers_and_secure_cookies(client, article, https):
    response = client.get(article.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_script_or_style(response.content.decode())
    # The same page for every reader, which a shared cache may keep: no cookie at all.
    assert not response.cookies
    assert "public" in response["Cache-Control"]


def test_admin_login_sends_the_security_headers_and_secure_cookies(
    client, https, django_user_model
):
    django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    page = client.get("/admin/login/", secure=True)
    assert page.status_code == 200
    assert_security_headers(page)
    assert_no_inline_script_or_style(page.content.decode())
    assert page.cookies["csrftoken"]["secure"] and page.cookies["csrftoken"]["httponly"]
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": "a-long-password-1"},
        secure=True,
    )
    assert signed_in.status_code == 302
    assert_security_headers(signed_in)
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_plain_http_is_redirected_to_https_except_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/robots.txt")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/robots.txt"
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_stays_200_without_the_cache_and_the_status_names_it_degraded(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:cache-secret-password@127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.HTTP_CACHE_NODES = ["http://127.0.0.1:1"]
    assert client.get("/healthz").status_code == 200
    response = client.get("/healthz/status")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["parts"]["database"] == {"state": "ok"}
    assert report["parts"]["cache"]["state"] == "degraded"
    assert report["parts"]["HTTP cache node 1"]["state"] == "degraded"
    assert report["parts"]["mail worker"]["state"] == "degraded"  # never started here
    body = response.content.decode()
    assert "127.0.0.1" not in body and "cache-secret-password" not in body


def test_healthz_answers_503_without_naming_the_database_host_or_password():
    result = run_django(
        "from django.test import Client\n"
        "response = Client().get('/healthz')\n"
        "print(response.status_code)\n"
        "print(response.content.decode())\n",
        {
            "DEBUG": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": "postgres://cms:database-secret-password@127.0.0.1:1/cms",
            "REDIS_URL": "",
        },
    )
    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"database": "unavailable", "status": "unavailable"}
    assert "127.0.0.1" not in body and "database-secret-password" not in body
    assert "cms" not in body


@pytest.fixture
def staff_password(django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "the-right-password-1")
    return "the-right-password-1"


def sign_in(client, password, username="root"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_admin_sign_in_works_with_the_right_password(client, staff_password):
    assert sign_in(client, staff_password).status_code == 302


def test_guessing_admin_passwords_fails_after_a_few_tries(client, staff_password, settings):
    settings.ADMIN_LOGIN_FAILURE_LIMIT = 5
    for attempt in range(5):
        wrong = sign_in(client, f"guess-{attempt}")
        assert wrong.status_code == 200
        assert "Please enter the correct username and password" in wrong.content.decode()
    refused = sign_in(client, staff_password)
    assert refused.status_code == 200
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another username from the same address is refused too.
    assert "Too many failed" in sign_in(client, "x", username="someone").content.decode()


def test_the_sign_in_limit_counts_per_username_across_addresses(client, staff_password, settings):
    settings.ADMIN_LOGIN_FAILURE_LIMIT = 3
    for attempt in range(3):
        client.post(
            "/admin/login/",
            {"username": "ROOT", "password": f"guess-{attempt}"},
            REMOTE_ADDR=f"192.0.2.{attempt + 1}",
        )
    refused = client.post(
        "/admin/login/",
        {"username": "root", "password": staff_password},
        REMOTE_ADDR="198.51.100.7",
    )
    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_browser(
    client, staff_password, settings, caplog
):
    """Six wrong passwords for a named account from six addresses once refused its owner,
    right password and all, for fifteen minutes."""
    settings.ADMIN_LOGIN_FAILURE_LIMIT = 5
    assert sign_in(client, staff_password).status_code == 302  # the owner's browser, earlier
    client.post("/admin/logout/")
    for attempt in range(6):
        Client().post(
            "/admin/login/",
            {"username": "root", "password": f"guess-{attempt}"},
            REMOTE_ADDR=f"192.0.2.{attempt + 1}",
        )
    # A stranger's browser, even with the right password, waits ...
    assert "Too many failed" in sign_in(Client(), staff_password).content.decode()
    # ... the owner's own browser gets in.
    assert sign_in(client, staff_password).status_code == 302
    assert "_auth_user_id" in client.session
    # The lock was logged, and the owner was told, once.
    assert "Admin sign-in paused for a username" in caplog.text
    [notice] = mail.outbox
    assert notice.to == ["root@example.org"]
    assert "paused for 15 minutes" in notice.body and "192.0.2." in notice.body
