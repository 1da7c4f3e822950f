from django.core.management.base import BaseCommand

from meetings.notifications import send_reminders


class Command(BaseCommand):
    help = (
        "Remind the invited zones of meetings starting within two days and tell the assigned "
        "zones of overdue actions. Safe to run every hour: nobody is notified twice."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write(
            f"Reminders: {counts['reminders']} notices; "
            f"overdue actions: {counts['overdue']} notices."
        )
