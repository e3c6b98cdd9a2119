"""The admin sign-in, limited so that guessing passwords fails after a few tries.

Attempts are counted by the rate limiter (cms/rate_limits.py: Django's cache, Redis in
production, so every app server shares the count) per client address and per
username, before the password is checked; a right password takes its attempt back.
After ADMIN_LOGIN_FAILURE_LIMIT failures within ADMIN_LOGIN_LOCKOUT_SECONDS, further
attempts are refused without checking the password, even a right one, until those
failures are older than the period; a refused attempt is not counted. Counting per
username too stops a guesser who changes address.
"""

import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

from .addresses import client_address
from .rate_limits import limit_exceeded, take_back

LIMIT_NAME = "admin sign-in"


class LoginAttempts:
    """The sign-in attempts from one address and for one username."""

    def __init__(self, request, username):
        address = (client_address(request) or "") if request else ""
        # Hashed, so that no username typed at the door ends up in a cache key as such.
        name = salted_hmac("cms.admin_login", (username or "").strip().lower()).hexdigest()
        self.whos = [f"address:{address}", f"username:{name}"]
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
                return True
            self.counted.append(who)
        return False

    def forgive(self):
        """A right password (or a refused attempt): it does not count against the limit."""
        period = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
        for who in self.counted:
            take_back(LIMIT_NAME, who, period=period, now=self.now)
        self.counted = []


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
