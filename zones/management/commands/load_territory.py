"""``manage.py load_territory [FILE]``: load or update the zones and municipalities."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zones.territory import TerritoryFileError, load_directory, load_file


class Command(BaseCommand):
    help = (
        "Load the territory. Without FILE, loads zones.csv and municipalities.csv from "
        "ROUNDTABLE_TERRITORY_DIR (the shipped territory). FILE may be a zones file, a "
        "municipalities file or a two-column list (ISTAT code, zone number). Idempotent: "
        "reports what changed; a bad file is refused with its line number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a CSV file or a folder with both files")
        parser.add_argument(
            "--evidence",
            default="official_list",
            help="evidence code recorded for a two-column assignment list (default: %(default)s)",
        )
        parser.add_argument(
            "--source",
            default="",
            help="where a two-column assignment list comes from (a URL), recorded per row",
        )

    def handle(self, *args, **options):
        target = options["file"] or settings.TERRITORY_DIR
        try:
            if not Path(target).is_dir():
                reports = [
                    load_file(target, evidence=options["evidence"], source=options["source"])
                ]
            else:
                reports = load_directory(target)
        except TerritoryFileError as exc:
            raise CommandError(f"Refused, nothing was written. {exc}") from exc
        for report in reports:
            for line in report.lines():
                self.stdout.write(line)
        if any(report.changed for report in reports):
            self.stdout.write(self.style.SUCCESS("Territory updated."))
        else:
            self.stdout.write(self.style.SUCCESS("No changes: the database matches the file."))
