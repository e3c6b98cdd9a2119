from pathlib import Path

from django.core.management.base import BaseCommand

from comments.privacy import export_commenter_data_json


class Command(BaseCommand):
    help = (
        "Write every comment posted with EMAIL (any case) as JSON, for a reader's "
        "request to see their data. Prints to standard output unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", type=Path, help="write the JSON to this file")

    def handle(self, email, output=None, **options):
        text = export_commenter_data_json(email)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
