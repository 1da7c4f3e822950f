"""``manage.py backup DIR``: the database, the uploaded files and a manifest into a new folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roundtable.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and every uploaded file into "
        "DIR, a new or empty folder, with a manifest of row counts and checksums that "
        "`manage.py restore` checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a folder that does not exist yet, or an empty one")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(Path(options["dir"]), log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup complete: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} uploaded files."
            )
        )
