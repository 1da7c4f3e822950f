"""Notifications: one notice per user, kept in the portal and e-mailed as the user prefers.

``notify()`` writes the notices inside the caller's transaction; the e-mails leave only after
it commits, through the background task ``deliver_notifications`` (django-tasks: run at once
in development and tests, queued in the database and run by the ``db_worker`` in production).
A failing mail server never breaks a request: the error is logged and the notice stays unsent,
in the portal's list.

Each user chooses immediate e-mails, a daily or weekly digest (``manage.py send_digests``), or
none. A notice with a ``key`` is created once per user: running a reminder job twice e-mails
nobody twice.

What a kind of notice says lives in two templates of the app that sends it,
``<template>_subject.txt`` and ``<template>_message.txt``, rendered once per language of the
portal when the notice is created.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Membership, Notification, NotificationPreference

logger = logging.getLogger(__name__)

Frequency = NotificationPreference.Frequency
DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def frequency_of(user) -> str:
    try:
        return user.notification_preference.frequency
    except NotificationPreference.DoesNotExist:
        return Frequency.IMMEDIATE


def zone_recipients(zones) -> list:
    """The active users who currently speak for any of ``zones``."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.current().filter(zone__in=zones).values("user"),
        ).order_by("pk")
    )


def render_texts(template: str, context: dict) -> dict:
    """Subject and body of a notice in every language of the portal."""
    context = {"portal": settings.ORGANISATION, "site_url": settings.SITE_URL, **context}
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}_message.txt", context)
        texts[language] = {"subject": " ".join(subject.split())[:300], "body": body.strip()}
    return texts


def notify(
    users: Iterable, *, kind: str, template: str, context: dict, url: str = "", key: str = ""
) -> list[Notification]:
    """Write a notice to each active user (once per ``key`` when given), and e-mail it after the
    transaction commits to those who want e-mail at once. Returns the notices created."""
    users = {user.pk: user for user in users if user is not None and user.is_active}
    if not users:
        return []
    if key:
        already = set(
            Notification.objects.filter(user__in=users, key=key).values_list("user", flat=True)
        )
        users = {pk: user for pk, user in users.items() if pk not in already}
    if not users:
        return []
    texts = render_texts(template, context)
    created = []
    for user in users.values():
        notice = Notification(user=user, kind=kind, texts=texts, url=url[:500], key=key)
        try:
            with transaction.atomic():
                notice.save()
        except IntegrityError:
            # Written meanwhile by a concurrent run of the same job: once is enough.
            continue
        created.append(notice)
    if created:
        ids = [notice.pk for notice in created]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return created


def _enqueue(ids: list[int]) -> None:
    try:
        deliver_notifications.enqueue(ids)
    except Exception:
        logger.exception("Could not queue the e-mails of notifications %s", ids)


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _send(subject: str, body: str, email: str, what: str) -> bool:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    try:
        send_mail(f"{prefix}{subject}", body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        logger.exception("Could not send the %s e-mail", what)
        return False
    return True


def _email_body(notice: Notification) -> str:
    language = settings.LANGUAGE_CODE
    parts = [notice._text("body", language)]
    if notice.url:
        parts.append(_absolute(notice.url))
    with translation.override(language):
        parts.append(_footer())
    return "\n\n".join(part for part in parts if part)


def _footer() -> str:
    return _(
        "You receive this e-mail from %(portal)s. Choose how often you hear from the portal on "
        "your notifications page: %(url)s"
    ) % {
        "portal": settings.ORGANISATION.get("portal_name", ""),
        "url": f"{settings.SITE_URL}{reverse('notifications')}",
    }


@task()
def deliver_notifications(ids: list[int]) -> int:
    """E-mail the given notices to users who want e-mail at once; returns how many were sent."""
    sent = 0
    notices = (
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .select_related("user", "user__notification_preference")
        .order_by("pk")
    )
    for notice in notices:
        user = notice.user
        if not (user.is_active and user.email) or frequency_of(user) != Frequency.IMMEDIATE:
            continue
        subject = notice._text("subject", settings.LANGUAGE_CODE)
        if _send(subject, _email_body(notice), user.email, notice.kind):
            Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def send_digests(now=None) -> int:
    """One e-mail per user on a daily or weekly digest whose period has passed, listing the
    notices not yet e-mailed. Safe to run every hour. Returns how many digests were sent."""
    now = now or timezone.now()
    sent = 0
    for frequency, period in DIGEST_PERIODS.items():
        due = (
            NotificationPreference.objects.filter(frequency=frequency, user__is_active=True)
            .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period))
            .exclude(user__email="")
            .select_related("user")
        )
        for preference in due:
            if _send_digest(preference, now):
                sent += 1
    return sent


def _send_digest(preference: NotificationPreference, now) -> bool:
    user = preference.user
    notices = list(
        Notification.objects.filter(
            user=user, emailed_at__isnull=True, created_at__lte=now
        ).order_by("created_at", "pk")
    )
    if not notices:
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
        return False
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        if preference.frequency == Frequency.DAILY:
            subject = _("Your daily digest: %(count)d notifications") % {"count": len(notices)}
        else:
            subject = _("Your weekly digest: %(count)d notifications") % {"count": len(notices)}
        lines = []
        for notice in notices:
            when = timezone.localtime(notice.created_at).strftime("%d/%m/%Y %H:%M")
            lines.append(f"- {when} · {notice._text('subject', language)}")
            if notice.url:
                lines.append(f"  {_absolute(notice.url)}")
        body = "\n".join([*lines, "", _footer()])
    if not _send(subject, body, user.email, f"{preference.frequency} digest"):
        return False
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return True


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
