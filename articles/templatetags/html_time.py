"""``html_datetime``: an instant as the ``datetime`` attribute of a <time> element.

HTML allows at most three digits of a second there, and ``|date:"c"`` prints Python's six
(2026-11-27T17:15:07.928063+00:00), which the W3C checker rejects. Every template prints
instants with this filter instead; it is a template builtin (TEMPLATES in cms/settings.py),
so no template needs to load it.
"""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value):
    """``value`` (a datetime or a date) as a valid HTML date or global date and time string:
    whole seconds, in the current time zone as ``|date`` shows it, with its offset
    (2026-11-27T17:15:07+00:00). An empty value gives an empty string."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
