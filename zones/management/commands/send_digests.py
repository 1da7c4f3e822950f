from django.core.management.base import BaseCommand

from zones.notifications import send_digests


class Command(BaseCommand):
    help = (
        "E-mail the daily and weekly digests of notifications that are due. Safe to run every "
        "hour: a digest goes out once per period and lists each notice once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Digests sent: {send_digests()}.")
