"""Practices: the shared catalogue of projects and good practices, and where they travel.

Fields follow the good-practice records of European policy-learning platforms. A practice's
status changes only through ``practices.services.apply_transition`` (one table of allowed
transitions); a transfer's stage only through ``practices.services.move_transfer``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import Municipality, Zone, fold
from zones.permissions import is_staff_member, zones_of


class Theme(models.Model):
    """A small managed taxonomy, named in Italian and English."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_it = models.CharField(_("name in Italian"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        ordering = ["name_it"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "it").startswith("en") else self.name_it


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may read: a visitor the published practices; a logged-in user also
        the archived ones and every practice of their own zones; staff everything."""
        if is_staff_member(user):
            return self.all()
        if not (user and user.is_authenticated and user.is_active):
            return self.published()
        return self.filter(
            Q(status__in=[Practice.Status.PUBLISHED, Practice.Status.ARCHIVED])
            | Q(zone__in=zones_of(user))
        )

    def recheck_due(self, on=None):
        on = on or timezone.localdate()
        return self.filter(recheck_by__lte=on).exclude(
            status__in=[Practice.Status.ARCHIVED, Practice.Status.REJECTED]
        )


class Practice(models.Model):
    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("Good practice")
        PROJECT = "project", _("Project")
        SOLUTION = "solution", _("Solution")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.GOOD_PRACTICE
    )
    summary = models.TextField(_("summary"), max_length=1000)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: headings, lists, links, emphasis.")
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("owning zone"), related_name="practices", on_delete=models.PROTECT
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities involved"),
        related_name="practices",
        blank=True,
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="practices")
    main_institution = models.CharField(_("main institution"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty while it is ongoing.")
    )
    resources_needed = models.TextField(_("resources needed"), blank=True)
    evidence_of_success = models.TextField(_("evidence of success"), blank=True)
    potential_for_transfer = models.TextField(_("potential for learning or transfer"), blank=True)
    difficulties = models.TextField(_("difficulties encountered"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    # The Strategic Plan (plans app): axes of the plan in force, and a strategy or an action of
    # it where known (practices.plan_tags keeps the three consistent).
    axes = models.ManyToManyField(
        "plans.Axis",
        verbose_name=_("axes of the Strategic Plan"),
        related_name="practices",
        blank=True,
    )
    plan_strategies = models.ManyToManyField(
        "plans.Strategy", verbose_name=_("strategies"), related_name="practices", blank=True
    )
    plan_actions = models.ManyToManyField(
        "plans.Action", verbose_name=_("actions of the plan"), related_name="practices", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    recheck_by = models.DateField(
        _("re-check by"),
        null=True,
        blank=True,
        help_text=_("When the practice should be checked again (rules change, measures expire)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # Optimistic concurrency: a form carries the version it was loaded with (save_practice).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Text searched besides title and summary (description, institution, evidence, transfers).
    # On PostgreSQL a generated, weighted tsvector column with a GIN index is built from
    # title, summary and search_text (migration 0002); SQLite searches search_folded.
    search_text = models.TextField(default="", editable=False)
    search_folded = models.TextField(default="", editable=False)

    objects = PracticeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "search_folded"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints = [
            models.UniqueConstraint(
                "zone",
                Lower("title"),
                name="practice_title_unique_in_zone",
                violation_error_message=_("This zone already has a practice with this title."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="practice_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "zone"]),
            # The catalogue's "newest first" order (practices.filters.NEWEST_FIRST), column for
            # column, so that a page of it is read from the index instead of sorting every
            # published practice (nulls last: a draft has no publication date). On PostgreSQL
            # the index holds published_at DESC NULLS LAST (migrations 0004 and 0006); it is
            # declared here without NULLS LAST, which SQLite refuses each time it rebuilds the
            # table for a new column (its NULLs sort last when descending anyway).
            models.Index(
                F("status"),
                F("published_at").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="practice_newest_first",
            ),
            # The open data's order of the published practices (roundtable.opendata).
            models.Index(
                F("status"), F("published_at").desc(), F("id").desc(), name="practice_open_data"
            ),
            # The dashboard's counts of the practices created in a period, by zone
            # (roundtable.scorecard): read from the index alone instead of scanning every practice.
            models.Index(fields=["created_at", "zone", "id"], name="practice_created_in_zone"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.refresh_search_text(save=False)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_folded"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("practices:practice-detail", kwargs={"pk": self.pk})

    @property
    def is_ongoing(self) -> bool:
        return self.end_date is None

    def refresh_search_text(self, save: bool = True) -> None:
        """Rebuild the searched text from the practice and its transfers."""
        parts = [
            self.description,
            self.main_institution,
            self.resources_needed,
            self.evidence_of_success,
            self.potential_for_transfer,
            self.difficulties,
            self.contact_person,
        ]
        if self.pk:
            for notes, result, reason in self.transfers.values_list(
                "notes", "result", "drop_reason"
            ):
                parts += [notes, result, reason]
        self.search_text = "\n".join(p for p in parts if p)
        self.search_folded = fold(" ".join([self.title, self.summary, self.search_text]))
        if save and self.pk:
            Practice.objects.filter(pk=self.pk).update(
                search_text=self.search_text, search_folded=self.search_folded
            )


class Transition(models.Model):
    """One step of a practice's lifecycle: who moved it, when, from what to what, and why."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), related_name="transitions", on_delete=models.CASCADE
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Practice.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Practice.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.practice}: {self.from_status} → {self.to_status}"


def attachment_path(instance, filename: str) -> str:
    """A generated name: the uploader's file name is kept in the database, never on disk."""
    return f"practices/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), related_name="attachments", on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:attachment-download", kwargs={"pk": self.pk})


class CommentQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(hidden_at__isnull=True)


class Comment(models.Model):
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), related_name="comments", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="practice_comments",
        on_delete=models.SET_NULL,
        null=True,
    )
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    report_reason = models.TextField(_("reason for the report"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="comment_hidden_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Transfer(models.Model):
    """A zone's take-up of another zone's practice, from interest to adoption (or not)."""

    class Stage(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        IN_CONTACT = "in_contact", _("In contact")
        ADAPTING = "adapting", _("Adapting")
        PILOTING = "piloting", _("Piloting")
        ADOPTED = "adopted", _("Adopted")
        DROPPED = "dropped", _("Dropped")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), related_name="transfers", on_delete=models.CASCADE
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("adopting zone"), related_name="transfers_in", on_delete=models.PROTECT
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="transfers", blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.INTERESTED, editable=False
    )
    notes = models.TextField(_("adaptation notes"), blank=True)
    cost = models.DecimalField(
        _("cost (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    result = models.TextField(_("result"), blank=True)
    drop_reason = models.TextField(_("why it was dropped"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("declared"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["practice", "zone"], name="transfer_once_per_zone"),
            models.CheckConstraint(
                condition=~Q(stage="dropped") | ~Q(drop_reason=""),
                name="transfer_dropped_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="transfer_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} → {self.zone}"

    def get_absolute_url(self) -> str:
        return f"{self.practice.get_absolute_url()}#transfer-{self.pk}"


class TransferStep(models.Model):
    """A dated stage of a transfer's ledger."""

    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfer"), related_name="steps", on_delete=models.CASCADE
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Transfer.Stage.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at", "pk"]
        verbose_name = _("transfer stage")
        verbose_name_plural = _("transfer stages")

    def __str__(self) -> str:
        return f"{self.transfer}: {self.get_stage_display()} ({self.on})"


class ExpertOpinion(models.Model):
    """An expert's assessment of a published practice, as the European policy-learning platforms
    publish beside a good practice: shown to logged-in users; visitors see that one exists."""

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("practice"),
        related_name="expert_opinions",
        on_delete=models.CASCADE,
    )
    assessment = models.TextField(_("assessment"), max_length=20000)
    strengths = models.TextField(_("strengths"), blank=True, max_length=10000)
    conditions_for_transfer = models.TextField(
        _("conditions for transfer"), blank=True, max_length=10000
    )
    given_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="expert_opinions",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        permissions = [("give_expert_opinion", _("Can write expert opinions on practices"))]

    def __str__(self) -> str:
        return f"{self.practice}: {self.given_on}"

    def get_absolute_url(self) -> str:
        return f"{self.practice.get_absolute_url()}#expert-opinion-{self.pk}"
