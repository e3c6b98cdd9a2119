"""The admin sign-in, limited so that guessing passwords fails after a few tries, without
letting a stranger lock a named account's owner out.

Attempts are counted by the rate limiter (cms/rate_limits.py: Django's cache, Redis in
production, so every app server shares the count) per client address and per
username, before the password is checked; a right password takes its attempt back.
After ADMIN_LOGIN_FAILURE_LIMIT failures within ADMIN_LOGIN_LOCKOUT_SECONDS, further
attempts are refused without checking the password, even a right one, until those
failures are older than the period; a refused attempt is not counted. Counting per
username too stops a guesser who changes address.

The username lock would let anyone lock a named account out by failing from a few
addresses. So a browser that signed in to that account before carries a signed "this
device" cookie (DEVICE_COOKIE, set by ``remember_this_device``): for it the username's
count does not apply (its address's count still does). A guesser has no such cookie:
they cannot tell the device's cookie from the outside, and cannot make one without
SECRET_KEY. Owners on a new device wait, as before.

When a username's limit is reached, the lock is logged and the account's owner is
emailed (once per lock period): they learn that someone is guessing, and how to get in.
Django's send_mail through the configured backend: cms does not use the comments' mail
queue (comments depends on cms, not the other way).
"""

import functools
import logging
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from .addresses import client_address
from .rate_limits import CACHE_UNAVAILABLE, limit_exceeded, take_back

logger = logging.getLogger(__name__)

LIMIT_NAME = "admin sign-in"
DEVICE_COOKIE = "cms_admin_device"
DEVICE_SALT = "cms.admin_login.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 90  # a device unused for 90 days is new again
DEVICE_ACCOUNTS_KEPT = 5


def username_key(username):
    """A username as the limit and the device cookie name it: hashed, so that no username
    typed at the door ends up in a cache key or a cookie as such."""
    return salted_hmac("cms.admin_login", (username or "").strip().lower()).hexdigest()


def device_accounts(request):
    """The username keys this browser signed in with (its signed "this device" cookie)."""
    try:
        keys = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else []


class LoginAttempts:
    """The sign-in attempts from one address and for one username."""

    def __init__(self, request, username):
        self.address = (client_address(request) or "") if request else ""
        self.username = (username or "").strip()
        self.name = username_key(username)
        known_device = request is not None and self.name in device_accounts(request)
        # A device this account signed in from is not held by the username's lock.
        self.whos = [f"address:{self.address}"]
        if not known_device:
            self.whos.append(f"username:{self.name}")
        self.now = time.time()  # one time for counting the attempt and taking it back
        self.counted = []

    def count_attempt(self):
        """Count this attempt before its password is checked; True when it is over the limit.

        Counted first and atomically, so that of many parallel guesses only the first
        ADMIN_LOGIN_FAILURE_LIMIT are ever checked. An attempt refused is not counted.
        Without a cache that answers, the limit fails open (cms/rate_limits.py).
        """
        limit, period = settings.ADMIN_LOGIN_FAILURE_LIMIT, settings.ADMIN_LOGIN_LOCKOUT_SECONDS
        for who in self.whos:
            if limit_exceeded(LIMIT_NAME, who, limit=limit, period=period, now=self.now):
                self.forgive()  # the address's count too, when the username is locked out
                if who.startswith("username:"):
                    self.report_username_lock()
                return True
            self.counted.append(who)
        return False

    def forgive(self):
        """A right password (or a refused attempt): it does not count against the limit."""
        period = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
        for who in self.counted:
            take_back(LIMIT_NAME, who, period=period, now=self.now)
        self.counted = []

    def report_username_lock(self):
        """Log the lock and email the account's owner, once per lock period."""
        period = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
        try:
            first = cache.add(f"admin-sign-in-locked:{self.name}", 1, timeout=period)
        except CACHE_UNAVAILABLE:
            first = False  # without a cache there is no lock to report
        if not first:
            return
        logger.warning(
            "Admin sign-in paused for a username after %d failures (last from %s)",
            settings.ADMIN_LOGIN_FAILURE_LIMIT,
            self.address or "an unknown address",
        )
        user_model = get_user_model()
        owner = user_model._default_manager.filter(
            **{f"{user_model.USERNAME_FIELD}__iexact": self.username}
        ).first()
        if owner is None or not getattr(owner, "email", ""):
            return
        context = {
            "username": owner.get_username(),
            "failures": settings.ADMIN_LOGIN_FAILURE_LIMIT,
            "minutes": max(1, period // 60),
            "address": self.address,
            "site_name": settings.SITE_NAME,
        }
        send_mail(
            render_to_string("admin/sign_in_paused_subject.txt", context).strip(),
            render_to_string("admin/sign_in_paused.txt", context),
            None,
            [owner.email],
            fail_silently=True,  # a mail server down must not turn a refusal into an error
        )


class RateLimitedAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing every attempt once too many have failed."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": (
            "Too many failed sign-in attempts. For your account's safety, sign-in is "
            "paused: try again in %(minutes)d minutes."
        ),
    }

    def clean(self):
        attempts = LoginAttempts(self.request, self.data.get("username"))
        if attempts.count_attempt():
            raise ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.ADMIN_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        cleaned = super().clean()
        attempts.forgive()
        return cleaned


def remember_this_device(login_view):
    """Wrap the admin's login view: a browser that signs in gets the signed "this device"
    cookie naming the account (with the few others it signed in with), so that a stranger's
    failures for that username do not lock it out (LoginAttempts)."""

    @functools.wraps(login_view)
    def login(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        if request.method == "POST" and request.user.is_authenticated:
            name = username_key(request.user.get_username())
            keys = [key for key in device_accounts(request) if key != name]
            keys = [*keys, name][-DEVICE_ACCOUNTS_KEPT:]
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(keys, salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE,
                path="/admin/",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response

    return login
