"""Confirm and unsubscribe pages, reached from the links in our emails.

Neither needs a session or a CSRF token: the signed token in the address is the proof.
A GET only shows a button (mail scanners open links; they must not confirm or
unsubscribe anyone); the POST does it. Confirming also leaves the "confirmed address"
cookie in the browser, so it is done only by a POST the browser says comes from our own
page (Fetch Metadata: ``Sec-Fetch-Site: same-origin``, or, from a browser without it, an
``Origin`` of this site): another site holding a link cannot plant the cookie in a
visitor's browser. Any other POST gets the page with its button again (403).
The unsubscribe POST is also the RFC 8058 one-click address that mail clients call
themselves. A forged, altered or expired
link gets a plain page saying so, never an error. No page says whether an address
was subscribed or confirmed already.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from modern_csrf.middleware import ModernCsrfViewMiddleware

from . import subscriptions
from .readers import remember_confirmed_address


def from_our_own_page(request):
    """True when the browser says this POST was sent from one of this site's pages: Fetch
    Metadata's same-origin, or, without Fetch Metadata, an Origin of this site (or of
    CSRF_TRUSTED_ORIGINS), checked as the reader forms' protection checks it."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    return _ORIGIN_CHECK.has_verified_origin(request)


_ORIGIN_CHECK = ModernCsrfViewMiddleware(lambda request: None)


def _invalid_link(request, what):
    return render(request, "comments/subscription_link_invalid.html", {"what": what}, status=400)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_subscription(request, token):
    """Confirm the emails a reader asked for (double opt-in)."""
    confirming = request.method == "POST" and from_our_own_page(request)
    try:
        if confirming:
            found = subscriptions.confirm(token)
        else:
            found = subscriptions.subscriptions_to_confirm(token)
    except subscriptions.InvalidLink:
        return _invalid_link(request, "confirmation")
    articles = sorted({str(each.article) for each in found})
    refused = request.method == "POST" and not confirming
    context = {"articles": articles, "confirmed": confirming, "refused": refused}
    response = render(
        request, "comments/subscription_confirm.html", context, status=403 if refused else 200
    )
    if confirming and found:
        remember_confirmed_address(response, found[0].email)
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop the emails of one subscription: a button on GET, done on POST (one click)."""
    try:
        if request.method == "POST":
            subscriptions.unsubscribe(token)
        else:
            subscriptions.unsubscribe_token_is_valid(token)
    except subscriptions.InvalidLink:
        return _invalid_link(request, "unsubscribe")
    context = {"unsubscribed": request.method == "POST"}
    return render(request, "comments/unsubscribe.html", context)
