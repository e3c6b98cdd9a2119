"""manage.py purge_http_cache [KEY ...]: drop pages from the shared HTTP cache now.

Without keys, every page: run it after a deployment that changed the static
files (new names in the manifest) or the templates. With keys, only the pages
under them: "article-12", "articles" (the lists of articles).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.caching import EVERY_PAGE, purge


class Command(BaseCommand):
    help = "Drop pages from the shared HTTP cache (HTTP_CACHE_NODES): every page, or KEYs."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", metavar="KEY")

    def handle(self, *args, keys, **options):
        nodes = settings.HTTP_CACHE_NODES
        if not nodes:
            raise CommandError("HTTP_CACHE_NODES is empty: there is no shared cache to purge.")
        confirmed = purge(*(keys or [EVERY_PAGE]), soft=False)
        if confirmed < len(nodes):
            raise CommandError(f"Only {confirmed} of {len(nodes)} cache nodes confirmed the purge.")
        self.stdout.write(f"Purged {' '.join(keys) or 'every page'} on {confirmed} node(s).")
