"""The admin sign-in, limited so that guessing passwords fails after a few tries.

Failed attempts are counted in Django's cache (Redis in production, so every
app server shares the count) per client address and per username: after
ADMIN_LOGIN_FAILURE_LIMIT failures within ADMIN_LOGIN_LOCKOUT_SECONDS, further
attempts are refused without checking the password, even a right one, until
the period ends. Counting per username too stops a guesser who changes address.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

from .addresses import client_address


class LoginAttempts:
    """The failed sign-in attempts from one address and for one username."""

    def __init__(self, request, username):
        address = (client_address(request) or "") if request else ""
        # Hashed, so that no username typed at the door ends up in a cache key as such.
        name = salted_hmac("cms.admin_login", (username or "").strip().lower()).hexdigest()
        self.keys = [f"admin-login:address:{address}", f"admin-login:username:{name}"]

    def locked_out(self):
        counts = cache.get_many(self.keys).values()
        return any(count >= settings.ADMIN_LOGIN_FAILURE_LIMIT for count in counts)

    def record_failure(self):
        period = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
        for key in self.keys:
            # add() starts the period at the first failure; incr() keeps its expiry.
            if not cache.add(key, 1, timeout=period):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=period)


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
        if attempts.locked_out():
            raise ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.ADMIN_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            return super().clean()
        except ValidationError:
            attempts.record_failure()
            raise
