"""The Metropolitan Strategic Plan as data, and the zones' formal opinion on its revisions.

A plan (three years, updated yearly) has axes, each axis strategies, each strategy actions, all
with codes and names in Italian and English, loaded from a file (``manage.py load_plan``). At
most one plan is in force; practices, decisions and action items are tagged with its axes (and a
strategy or action where known), through the fields those apps declare.

Before the Metropolitan Council adopts a revision, the assembly of the zones' mayors gives its
mandatory opinion: a ``Consultation`` on a draft revision collects one ``ZoneOpinion`` per zone,
with remarks per axis (``AxisRemark``), revisable until the deadline and frozen after it, every
version kept (``history``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import Zone


class BilingualName(models.Model):
    name_it = models.CharField(_("name in Italian"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if (get_language() or "it").startswith("en") and self.name_en:
            return self.name_en
        return self.name_it


class PlanQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Plan.Status.IN_FORCE)


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("For example PSM-2024-2026.")
    )
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2024-2026."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "code"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="in_force"),
                name="plan_one_in_force",
                violation_error_message=_("Only one plan can be in force at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", kwargs={"code": self.code})


class Axis(BilingualName):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), related_name="axes", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField(_("number"))
    source = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="axis_number_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#axis-{self.number}"

    @property
    def code(self) -> str:
        return str(self.number)


class Strategy(BilingualName):
    axis = models.ForeignKey(
        Axis, verbose_name=_("axis"), related_name="strategies", on_delete=models.CASCADE
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example 1.2."))
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)

    class Meta:
        ordering = ["axis", "position", "code"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(fields=["axis", "code"], name="strategy_code_unique_in_axis"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Action(BilingualName):
    """An action of the plan (not to be confused with a meeting's action item)."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), related_name="actions", on_delete=models.CASCADE
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example 1.2.3."))
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)

    class Meta:
        ordering = ["strategy", "position", "code"]
        verbose_name = _("action of the plan")
        verbose_name_plural = _("actions of the plan")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"], name="plan_action_code_unique_in_strategy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def consultation_document_path(instance, filename: str) -> str:
    """A generated name: the uploader's file name is kept in the database, never on disk."""
    return f"consultations/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ConsultationQuerySet(models.QuerySet):
    def open(self, now=None):
        return self.filter(deadline__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(deadline__lte=now or timezone.now())


class Consultation(models.Model):
    """The zones' formal opinion asked on a draft revision of the plan."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan revision"),
        related_name="consultations",
        on_delete=models.PROTECT,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    document = models.FileField(_("document"), upload_to=consultation_document_path, max_length=255)
    document_name = models.CharField(_("original file name"), max_length=255)
    document_content_type = models.CharField(_("content type"), max_length=120)
    document_size = models.PositiveIntegerField(_("size (bytes)"))
    deadline = models.DateTimeField(_("deadline"))
    axes = models.ManyToManyField(
        Axis, verbose_name=_("axes it touches"), related_name="consultations"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)

    objects = ConsultationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:consultation-detail", kwargs={"pk": self.pk})

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.deadline


class ZoneOpinion(models.Model):
    """One zone's answer to a consultation; revisable until the deadline, then frozen."""

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        FAVOURABLE_WITH_REMARKS = "favourable_with_remarks", _("Favourable with remarks")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        related_name="opinions",
        on_delete=models.CASCADE,
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="plan_opinions", on_delete=models.PROTECT
    )
    verdict = models.CharField(_("opinion"), max_length=30, choices=Verdict.choices)
    text = models.TextField(_("text of the opinion"), max_length=20000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
    )
    answered_at = models.DateTimeField(_("first answered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last revised"), default=timezone.now, editable=False)
    # Optimistic concurrency, as for practices: two deputies of a zone never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "zone__number"]
        verbose_name = _("zone's opinion")
        verbose_name_plural = _("zones' opinions")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "zone"], name="opinion_once_per_zone"),
        ]

    def __str__(self) -> str:
        return f"{self.zone}: {self.get_verdict_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.consultation.get_absolute_url()}#zone-{self.zone.number}"


class AxisRemark(models.Model):
    opinion = models.ForeignKey(
        ZoneOpinion, verbose_name=_("opinion"), related_name="remarks", on_delete=models.CASCADE
    )
    axis = models.ForeignKey(
        Axis, verbose_name=_("axis"), related_name="remarks", on_delete=models.PROTECT
    )
    text = models.TextField(_("remark"), max_length=10000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["opinion", "axis__number"]
        verbose_name = _("remark on an axis")
        verbose_name_plural = _("remarks on the axes")
        constraints = [
            models.UniqueConstraint(fields=["opinion", "axis"], name="remark_once_per_axis"),
        ]

    def __str__(self) -> str:
        return f"{self.opinion.zone} — {self.axis}"
