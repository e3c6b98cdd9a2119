"""The admin carries the site's name (settings.SITE_NAME) in its header, its page titles
and its home page, read when a page is drawn (so a test's or a deployment's SITE_NAME
shows). templates/admin/base_site.html adds the site's favicon and the admin's styles."""

from django.conf import settings
from django.contrib import admin
from django.utils.functional import lazy


def _named(template):
    return lazy(lambda: template.format(site=settings.SITE_NAME), str)()


def brand(site=admin.site):
    site.site_header = _named("{site}")
    site.site_title = _named("{site} admin")
    site.index_title = _named("{site} back office")
