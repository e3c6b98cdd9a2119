"""Confirm and unsubscribe pages, reached from the links in our emails.

Neither needs a session or a CSRF token: the signed token in the address is the proof.
A GET only shows a button (mail scanners open links; they must not confirm or
unsubscribe anyone); the POST does it. The unsubscribe POST is also the RFC 8058
one-click address that mail clients call themselves. A forged, altered or expired
link gets a plain page saying so, never an error. No page says whether an address
was subscribed or confirmed already.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import subscriptions
from .readers import remember_confirmed_address


def _invalid_link(request, what):
    return render(request, "comments/subscription_link_invalid.html", {"what": what}, status=400)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_subscription(request, token):
    """Confirm the emails a reader asked for (double opt-in)."""
    try:
        if request.method == "POST":
            found = subscriptions.confirm(token)
        else:
            found = subscriptions.subscriptions_to_confirm(token)
    except subscriptions.InvalidLink:
        return _invalid_link(request, "confirmation")
    articles = sorted({str(each.article) for each in found})
    context = {"articles": articles, "confirmed": request.method == "POST"}
    response = render(request, "comments/subscription_confirm.html", context)
    if request.method == "POST" and found:
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
