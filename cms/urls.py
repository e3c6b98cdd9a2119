from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from articles.media_views import serve_media
from articles.sitemaps import sitemap_index, sitemap_page
from articles.views import shared_article_list
from cms.admin_login import RateLimitedAdminLoginForm, remember_this_device
from cms.admin_site import brand
from cms.caching import shared
from cms.health import healthz, status
from comments.views import PrivacyView

# Refusals in the site's style, saying why (cms/refusals.py).
handler400 = "cms.refusals.bad_request"

# Guessing an admin password fails after a few tries (cms/admin_login.py).
admin.site.login_form = RateLimitedAdminLoginForm
# A browser that signed in is not locked out by a stranger's failures for its username.
admin.site.login = remember_this_device(admin.site.login)
# The admin carries the site's name (cms/admin_site.py).
brand(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/status", status, name="health-status"),
    path(
        "robots.txt",
        shared(keys=[])(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots",
    ),
    # An index of the sitemap's pages (articles/sitemaps.py); robots.txt points at it.
    path("sitemap.xml", shared_article_list(sitemap_index), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        shared_article_list(sitemap_page),
        name="sitemap-section",
    ),
    path("privacy/", shared(keys=[])(PrivacyView.as_view()), name="privacy"),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

# The library's files from the local storage, behind the HTTP cache (articles/media_views.py);
# an S3-compatible store serves its own (docs/images.md). Before the apps' catch-all routes.
if not settings.MEDIA_S3_BUCKET:
    urlpatterns.insert(
        -2,
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", serve_media, name="media"),
    )
