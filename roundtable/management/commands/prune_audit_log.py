"""Delete the audit log's events older than ``settings.AUDIT_LOG_RETENTION_DAYS`` days.

Run daily (cron or a systemd timer, see the README). The admin cannot delete events: this
command is the only way they go.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from roundtable.audit import AuditEvent


class Command(BaseCommand):
    help = "Delete audit log events older than AUDIT_LOG_RETENTION_DAYS days."

    def handle(self, *args, **options):
        days = settings.AUDIT_LOG_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} audit events older than {days} days.")
