"""E-mails about practices, sent after the transaction commits.

A failing mail server never breaks the request: the error is logged and the work is kept.
(The meetings issue moves sending to a background task queue.)
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from zones.models import Membership

logger = logging.getLogger(__name__)


def _send(template: str, context: dict, recipients: list[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return

    def send():
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = render_to_string(f"practices/email/{template}_subject.txt", context)
                body = render_to_string(f"practices/email/{template}_message.txt", context)
            send_mail(
                " ".join(subject.split()),
                body,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        except Exception:
            logger.exception("Could not send the %s e-mail to %s", template, recipients)

    transaction.on_commit(send)


def _zone_emails(zone) -> list[str]:
    return list(
        Membership.objects.current()
        .filter(zone=zone, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def practice_reviewed(*, transition) -> None:
    """Staff moved a practice: its author and the owning zone's spokespersons hear why."""
    practice = transition.practice
    recipients = _zone_emails(practice.zone)
    if practice.created_by and practice.created_by.is_active:
        recipients.append(practice.created_by.email)
    _send(
        "practice_reviewed",
        {
            "practice": practice,
            "transition": transition,
            "portal": settings.ORGANISATION,
            "site_url": settings.SITE_URL,
        },
        recipients,
    )


def interest_declared(*, transfer) -> None:
    """Another zone wants to take up a practice: the owning zone's spokespersons are told."""
    _send(
        "interest_declared",
        {"transfer": transfer, "portal": settings.ORGANISATION, "site_url": settings.SITE_URL},
        _zone_emails(transfer.practice.zone),
    )
