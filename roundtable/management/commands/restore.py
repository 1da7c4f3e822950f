"""``manage.py restore DIR``: a backup into an empty database and storage, then checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roundtable.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (new, or only "
        "migrated) and the uploaded files into the storage, then check every table and file "
        "against the backup's manifest. Exits with an error on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a folder written by `manage.py backup`")

    def handle(self, *args, **options):
        try:
            problems = restore_backup(Path(options["dir"]), log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            count = len(problems)
            raise CommandError(
                f"The restored data does not match the backup ({count} "
                f"{'difference' if count == 1 else 'differences'}, listed above)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Restored and checked: every table and uploaded file matches the backup."
            )
        )
