from django.conf import settings


def site(request):
    """The site's name and public address, for the base template and meta tags."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
