"""Zones, municipalities and memberships.

Derived figures (a zone's population, area, density, municipality count) are computed by
``Zone.objects.with_figures()``, never stored twice.
"""

import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, DecimalField, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import evidence

istat_code_validator = RegexValidator(
    r"^\d{6}\Z", _("An ISTAT municipality code has exactly 6 digits, e.g. 001272.")
)
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}\Z", _("A colour is written as #rrggbb, e.g. #0066cc.")
)

AREA = DecimalField(max_digits=10, decimal_places=2)


def effective_area(prefix: str = ""):
    """ISTAT's area, or the area from the latest boundaries where ISTAT gives none."""
    return Coalesce(f"{prefix}area_km2", f"{prefix}area_km2_boundaries", output_field=AREA)


def density(population, area) -> Decimal | None:
    if not population or not area:
        return None
    return Decimal(population) / Decimal(area)


class ZoneQuerySet(models.QuerySet):
    def with_figures(self):
        """Annotate municipality count, population and area from the zone's municipalities.

        Ordered by number explicitly: Meta.ordering does not apply to a GROUP BY query.
        """
        return self.order_by("number").annotate(
            municipality_count=Count("municipalities"),
            population=Coalesce(
                Sum("municipalities__population"), Value(0), output_field=IntegerField()
            ),
            area=Sum(effective_area("municipalities__"), output_field=AREA),
        )

    def with_evidence(self):
        """Annotate, per strength of evidence, how many of the zone's municipalities it covers."""
        return self.annotate(
            **{
                f"evidence_{strength.value}": Count(
                    "municipalities",
                    filter=evidence.condition(strength, "municipalities__zone_evidence"),
                )
                for strength in evidence.Strength
            }
        )


class Zone(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(
        _("colour"), max_length=7, default="#0066cc", validators=[colour_validator]
    )
    official_municipality_count = models.PositiveIntegerField(
        _("municipalities in the official figures"), null=True, blank=True
    )
    official_population = models.PositiveIntegerField(
        _("population in the official figures"), null=True, blank=True
    )
    source = models.URLField(_("source"), max_length=500, blank=True)
    evidence_note = models.TextField(
        _("note on the evidence"),
        blank=True,
        help_text=_("What is uncertain about this zone's municipalities, shown to staff."),
    )

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        permissions = [("act_as_staff", _("Can act as metropolitan staff"))]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="zone_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("zones:zone-detail", kwargs={"slug": self.slug})

    @property
    def density(self) -> Decimal | None:
        """Inhabitants per km²; needs ``with_figures()``."""
        return density(getattr(self, "population", None), getattr(self, "area", None))


class MunicipalityQuerySet(models.QuerySet):
    def unassigned(self):
        return self.filter(zone__isnull=True)

    def aggregate_totals(self) -> dict:
        """Count, population, area and density of these municipalities, and how many lack a zone."""
        totals = self.aggregate(
            municipality_count=Count("pk"),
            population=Coalesce(Sum("population"), Value(0), output_field=IntegerField()),
            area=Sum(effective_area(), output_field=AREA),
            unassigned=Count("pk", filter=Q(zone__isnull=True)),
        )
        totals["density"] = density(totals["population"], totals["area"])
        return totals

    def search(self, text: str):
        """Municipalities whose name contains ``text``, ignoring case and accents."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(name_folded__contains=fold(text))


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its accents, so "agliè" and "aglie" match on any database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Municipality(models.Model):
    istat_code = models.CharField(
        _("ISTAT code"), max_length=6, unique=True, validators=[istat_code_validator]
    )
    name = models.CharField(_("name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True, default="")
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, blank=True)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        related_name="municipalities",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    zone_evidence = models.CharField(_("evidence for the zone"), max_length=60, blank=True)
    zone_source = models.CharField(_("source of the zone"), max_length=500, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population reference date"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    area_source = models.CharField(_("source of the area"), max_length=200, blank=True)
    area_km2_boundaries = models.DecimalField(
        _("area from the latest boundaries (km²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    altitude_m = models.IntegerField(_("altitude (m)"), null=True, blank=True)
    altitude_source = models.CharField(_("source of the altitude"), max_length=200, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            # The digits are checked by the validator and the loader; the length by the database.
            models.CheckConstraint(
                condition=Exact(Length("istat_code"), 6), name="municipality_istat_code_length_6"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    @property
    def evidence_strength(self) -> evidence.Strength:
        return evidence.strength_of(self.zone_evidence)

    @property
    def evidence_label(self) -> str:
        return evidence.label_of(self.zone_evidence)

    @property
    def area(self) -> Decimal | None:
        return self.area_km2 if self.area_km2 is not None else self.area_km2_boundaries

    @property
    def density(self) -> Decimal | None:
        return density(self.population, self.area)


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships in force on a day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(active=True, since__lte=on).filter(
            Q(until__isnull=True) | Q(until__gte=on)
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        SPOKESPERSON = "spokesperson", _("Spokesperson")
        DEPUTY = "deputy", _("Deputy")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="memberships",
        on_delete=models.CASCADE,
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="memberships", on_delete=models.CASCADE
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.SPOKESPERSON
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["zone__number", "role", "since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="membership_until_not_before_since",
            ),
            models.UniqueConstraint(
                fields=["user", "zone"],
                condition=Q(active=True),
                name="membership_one_active_per_user_and_zone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.zone} ({self.get_role_display()})"

    def clean(self):
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": _("The end date cannot be before the start date.")})


# --- Notifications ----------------------------------------------------------------------------
# The portal's notices to a user (meetings, minutes, actions, practices). They live here, in the
# base app, so that every app can notify without depending on the apps after it; what each kind
# says is written by the app that sends it (see ``zones.notifications``).


class NotificationPreference(models.Model):
    """How often a user wants e-mail about their notifications."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail each")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")
        NONE = "none", _("No e-mail (only the list in the portal)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="notification_preference", on_delete=models.CASCADE
    )
    frequency = models.CharField(
        _("e-mail about notifications"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class Notification(models.Model):
    """One notice to one user, kept in the portal and e-mailed as the user prefers.

    ``texts`` holds the subject and body already written in every language of the portal, so
    the list reads in the visitor's language and the e-mail in the portal's default one.
    ``key`` makes a notice idempotent: a second notice with the same key is not created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=40)
    texts = models.JSONField(default=dict)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"

    def _text(self, part: str, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
        texts = self.texts.get(language) or self.texts.get(settings.LANGUAGE_CODE) or {}
        return texts.get(part, "")

    @property
    def subject(self) -> str:
        return self._text("subject")

    @property
    def body(self) -> str:
        return self._text("body")
