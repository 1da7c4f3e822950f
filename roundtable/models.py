"""The portal-wide records that belong to no single app: a user's request to erase their account.

A request is pending until the user withdraws it or staff decide: declined (with a reason the
user reads) or done (the account's personal data erased by ``roundtable.anonymise``). A user
has at most one pending request; the database refuses a second one. The request stays after
the decision, as the record that the erasure was asked for and carried out, and by whom; the
user's own words (the reason they gave) are erased with the account.

No change history is kept for it (django-simple-history would copy the user's reason into rows
that outlive the erasure); ``decided_by`` and ``decided_at`` are its audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountDeletionRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=AccountDeletionRequest.Status.PENDING)

    def decided(self):
        return self.exclude(status=AccountDeletionRequest.Status.PENDING)


class AccountDeletionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        WITHDRAWN = "withdrawn", _("withdrawn by the user")
        DECLINED = "declined", _("declined")
        DONE = "done", _("done: personal data erased")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="deletion_requests",
        on_delete=models.SET_NULL,
        null=True,
    )
    reason = models.TextField(_("reason given by the user"), max_length=2000, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.TextField(_("why it was declined"), max_length=2000, blank=True)

    objects = AccountDeletionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("account deletion request")
        verbose_name_plural = _("account deletion requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="deletion_request_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="deletion_request_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_status_display()}"


# The security audit log lives with its receivers; imported here so Django finds the model.
from .audit import AuditEvent  # noqa: E402, F401
