from django.core.management.base import BaseCommand

from meetings.notifications import send_reminders


class Command(BaseCommand):
    help = (
        "Remind the invited zones of meetings starting within two days, tell the assigned "
        "zones of overdue actions, and remind the zones that have not answered a consultation "
        "on the Strategic Plan closing within three days. Safe to run every hour: nobody is "
        "notified twice."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write(
            f"Reminders: {counts['reminders']} notices; "
            f"overdue actions: {counts['overdue']} notices; "
            f"consultations: {counts['consultations']} notices."
        )
