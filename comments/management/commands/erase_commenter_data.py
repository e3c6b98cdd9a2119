from django.core.management.base import BaseCommand

from comments.privacy import erase_commenter_data


class Command(BaseCommand):
    help = (
        "Anonymise every comment posted with EMAIL (any case): the name becomes "
        '"Anonymous", the email, website, IP address and user agent are cleared. '
        "The text is kept unless --remove-text. One transaction; the result is logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text",
            action="store_true",
            help="also replace the text of the comments with a short note",
        )

    def handle(self, email, remove_text=False, **options):
        count = erase_commenter_data(email, remove_text=remove_text, requested_by="manage.py")
        self.stdout.write(f"Anonymised {count} comment(s).")
