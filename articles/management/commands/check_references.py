from django.core.management.base import BaseCommand, CommandError

from articles.link_check import check_links
from articles.markup import external_links
from articles.models import Article, DeadLink


class Command(BaseCommand):
    help = (
        "Check every http(s) link in the published version of each live article (HEAD, "
        "then GET) and record the dead ones, which the admin shows on the article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="seconds to wait for each answer"
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="how many links are checked at once"
        )

    def handle(self, *args, timeout, workers, **options):
        if timeout <= 0 or workers < 1:
            raise CommandError("--timeout must be above 0 and --workers at least 1.")
        articles = list(Article.objects.published().with_due_updates())
        links = {
            article: external_links(article.published_version.body_html) for article in articles
        }
        urls = list(dict.fromkeys(url for found in links.values() for url in found))
        results = {
            check.url: check for check in check_links(urls, timeout=timeout, workers=workers)
        }
        dead = DeadLink.record(
            {article: [results[url] for url in found] for article, found in links.items()}
        )
        self.stdout.write(
            f"Checked {len(urls)} link{'s' * (len(urls) != 1)} in {len(articles)} "
            f"article{'s' * (len(articles) != 1)}: {dead} dead."
        )
        for article, found in links.items():
            for url in found:
                if results[url].is_dead:
                    problem = results[url].error or f"HTTP {results[url].status_code}"
                    self.stdout.write(f"  /{article.slug}/: {url} ({problem})")
