from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.privacy import clear_old_ip_addresses


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than N days "
        "(default: the COMMENTS_KEEP_IP_DAYS setting). Run it daily, from cron or a timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="keep them this many days (default: setting)"
        )

    def handle(self, days=None, **options):
        days = settings.COMMENTS_KEEP_IP_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        count = clear_old_ip_addresses(days)
        self.stdout.write(f"Cleared the IP address and user agent of {count} comment(s).")
