"""``manage.py load_plan FILE [--in-force CODE] [--superseded CODE …]``: load or update plans."""

from django.core.management.base import BaseCommand, CommandError

from plans.loading import PlanFileError, load_plan_file


class Command(BaseCommand):
    help = (
        "Load Strategic Plans (axes, and strategies and actions where the file has them) from a "
        "CSV file shaped like data/strategic-plan/axes.csv. Idempotent: reports what changed "
        "and what the database has that the file does not (never deleted); a bad file is "
        "refused with its line number and nothing is written. A plan loaded for the first "
        "time is a draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--in-force",
            metavar="CODE",
            help="put this plan in force; the plan in force before it becomes superseded",
        )
        parser.add_argument(
            "--superseded",
            metavar="CODE",
            action="append",
            default=[],
            help="mark this (older) plan as superseded; may be given more than once",
        )

    def handle(self, *args, **options):
        try:
            report = load_plan_file(
                options["file"],
                in_force=options["in_force"],
                superseded=tuple(options["superseded"]),
            )
        except PlanFileError as exc:
            raise CommandError(f"Refused, nothing was written. {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Plans updated."))
        else:
            self.stdout.write(self.style.SUCCESS("No changes: the database matches the file."))
