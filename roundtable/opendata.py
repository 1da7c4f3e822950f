"""Open data: the portal's public records as documented datasets, and the catalogue that lists them.

Each dataset publishes exactly what a visitor who does not log in can read on the site, and
nothing more:

- practices: the published ones (``Practice.objects.published()``), with the fields of their
  public page; never who created them, comments, transfers or history;
- themes, zones and municipalities: the figures of the zone pages (not the evidence behind each
  municipality's zone, nor the spokespersons, which the pages keep for staff or for people);
- meetings: the public ones (``Meeting.objects.visible_to(AnonymousUser())``): number, title,
  dates, place and status; never the video-call link, the invitations or the attendance;
- decisions: those a visitor reads on a meeting's page, i.e. on accepted agenda items of public
  meetings that are held (and not on a follow-up of an action decided at a private meeting).

A ``Dataset`` names its fields (name, type, description) once: the page, the JSON schemas and the
tests read them from here. Its ``queryset`` gives the public records in a constant number of
queries (annotations, ``select_related``, ``prefetch_related``), and ``row`` turns one record into
a plain dict (dates in ISO 8601, lists as lists) shared by the JSON file and the API; the CSV
joins lists with ``|``. Everything is published under CC BY 4.0, by the organisation named in
``settings.ORGANISATION``, and is dated by the latest change among its records (today when its
records carry no date).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Decision, Meeting
from practices.models import Practice, Theme
from zones.models import Municipality, Zone

LICENCE_NAME = "CC BY 4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LIST_SEPARATOR = "|"
# The EU vocabularies DCAT-AP_IT asks for: data themes and languages.
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LANGUAGES = {"it": "ITA", "en": "ENG", "fr": "FRA", "de": "DEU", "es": "SPA", "sl": "SLV"}


# --- Fields and datasets ----------------------------------------------------------------------


class Type:
    """The types a field can have: the label the page shows, and the JSON schema of a value."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    URL = "url"
    LIST = "list"

    LABELS = {
        INTEGER: _("whole number"),
        DECIMAL: _("decimal number (point as separator)"),
        TEXT: _("text"),
        DATE: _("date (YYYY-MM-DD)"),
        DATETIME: _("date and time (ISO 8601, with time zone)"),
        URL: _("web address"),
        LIST: _("list (separated by | in the CSV file)"),
    }


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str | Promise
    # Empty in a record that does not say (null in JSON, an empty cell in CSV).
    optional: bool = False

    @property
    def type_label(self) -> str:
        return Type.LABELS[self.type]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str | Promise
    description: str | Promise
    fields: tuple[Field, ...]
    queryset: Callable
    row: Callable[[object], dict]
    # The field identifying a record in the API's detail address.
    key: str
    # An EU data theme code (GOVE: government and public sector, REGI: regions and cities...).
    theme: str
    keywords: tuple[str | Promise, ...]
    last_change: Callable[[], datetime.datetime | datetime.date | None] = lambda: None

    @property
    def key_field(self) -> str:
        """The row's field holding the key of the API's detail address."""
        return "id" if self.key == "pk" else self.key

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def rows(self, records=None, absolute: Callable[[str], str] = str) -> list[dict]:
        """The rows of ``records`` (all the public records by default); ``absolute`` turns the
        paths of the web-address fields into full addresses (``request.build_absolute_uri``)."""
        links = [field.name for field in self.fields if field.type == Type.URL]
        rows = []
        for record in self.queryset() if records is None else records:
            row = self.row(record)
            for name in links:
                row[name] = absolute(row[name])
            rows.append(row)
        return rows

    def find(self, key: str, absolute: Callable[[str], str] = str) -> dict | None:
        """The row of the public record whose key is ``key``, or None."""
        try:
            records = list(self.queryset().filter(**{self.key: key})[:1])
        except (ValueError, TypeError, ValidationError):
            return None
        return self.rows(records, absolute)[0] if records else None

    def modified(self) -> datetime.date:
        """The day of the latest change among the records; today when they carry no date."""
        when = self.last_change()
        if when is None:
            return timezone.localdate()
        if isinstance(when, datetime.datetime):
            return timezone.localdate(when)
        return when


# --- Values -----------------------------------------------------------------------------------


def iso(value) -> str | None:
    """A date, or a date-time in the portal's time zone, in ISO 8601; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def csv_cell(value):
    """A value as the CSV file writes it: lists joined with ``|``, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return value


# --- Practices --------------------------------------------------------------------------------


def _practices():
    return (
        Practice.objects.published()
        .select_related("zone")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("slug")),
            Prefetch("municipalities", queryset=Municipality.objects.order_by("istat_code")),
        )
        .order_by("-published_at", "-pk")
    )


def _practice_row(practice: Practice) -> dict:
    return {
        "id": practice.pk,
        "url": practice.get_absolute_url(),
        "title": practice.title,
        "kind": practice.kind,
        "summary": practice.summary,
        "description": practice.description,
        "zone_number": practice.zone.number,
        "zone_name": practice.zone.name,
        "themes": [theme.slug for theme in practice.themes.all()],
        "municipalities": [m.istat_code for m in practice.municipalities.all()],
        "main_institution": practice.main_institution,
        "start_date": iso(practice.start_date),
        "end_date": iso(practice.end_date),
        "contact_person": practice.contact_person,
        "created_at": iso(practice.created_at),
        "updated_at": iso(practice.updated_at),
        "published_at": iso(practice.published_at),
    }


PRACTICES = Dataset(
    slug="pratiche",
    title=_("Published practices"),
    description=_(
        "The good practices, projects and solutions of the catalogue that are published, with "
        "their owning zone, themes and the municipalities involved."
    ),
    fields=(
        Field("id", Type.INTEGER, _("The practice's number in the portal.")),
        Field("url", Type.URL, _("The practice's page.")),
        Field("title", Type.TEXT, _("Title.")),
        Field("kind", Type.TEXT, _("One of: good_practice, project, solution.")),
        Field("summary", Type.TEXT, _("Short summary.")),
        Field("description", Type.TEXT, _("Full description, in Markdown.")),
        Field("zone_number", Type.INTEGER, _("Number of the owning zone (see the zones).")),
        Field("zone_name", Type.TEXT, _("Name of the owning zone.")),
        Field("themes", Type.LIST, _("Slugs of its themes (see the themes).")),
        Field(
            "municipalities",
            Type.LIST,
            _("ISTAT codes of the municipalities involved (see the municipalities)."),
        ),
        Field("main_institution", Type.TEXT, _("The institution leading it; may be empty.")),
        Field("start_date", Type.DATE, _("When it started."), optional=True),
        Field("end_date", Type.DATE, _("When it ended; empty while it is ongoing."), optional=True),
        Field("contact_person", Type.TEXT, _("Whom to ask, as the practice's page shows it.")),
        Field("created_at", Type.DATETIME, _("When it was entered in the portal.")),
        Field("updated_at", Type.DATETIME, _("When it was last changed.")),
        Field("published_at", Type.DATETIME, _("When it was published."), optional=True),
    ),
    queryset=_practices,
    row=_practice_row,
    key="pk",
    theme="GOVE",
    keywords=(_("good practices"), _("projects"), _("homogeneous zones")),
    last_change=lambda: Practice.objects.published().aggregate(at=Max("updated_at"))["at"],
)


# --- Themes -----------------------------------------------------------------------------------


def _themes():
    published = Q(practices__status=Practice.Status.PUBLISHED)
    return Theme.objects.annotate(
        published_practices=Count("practices", filter=published)
    ).order_by("slug")


THEMES = Dataset(
    slug="temi",
    title=_("Themes"),
    description=_("The themes that classify the practices, named in Italian and English."),
    fields=(
        Field("slug", Type.TEXT, _("The theme's identifier, used in the practices.")),
        Field("name_it", Type.TEXT, _("Name in Italian.")),
        Field("name_en", Type.TEXT, _("Name in English.")),
        Field("published_practices", Type.INTEGER, _("How many published practices it has.")),
    ),
    queryset=_themes,
    row=lambda theme: {
        "slug": theme.slug,
        "name_it": theme.name_it,
        "name_en": theme.name_en,
        "published_practices": theme.published_practices,
    },
    key="slug",
    theme="GOVE",
    keywords=(_("themes"), _("classification")),
)


# --- Zones and municipalities -----------------------------------------------------------------


def _zone_row(zone: Zone) -> dict:
    return {
        "number": zone.number,
        "name": zone.name,
        "official_name": zone.official_name,
        "slug": zone.slug,
        "url": zone.get_absolute_url(),
        "description": zone.description,
        "municipality_count": zone.municipality_count,
        "population": zone.population,
        "area_km2": number(zone.area),
        "density": number(zone.density),
    }


ZONES = Dataset(
    slug="zone",
    title=_("Homogeneous zones"),
    description=_(
        "The homogeneous zones of the metropolitan area, with their municipalities' number, "
        "population, area and density."
    ),
    fields=(
        Field("number", Type.INTEGER, _("The zone's number.")),
        Field("name", Type.TEXT, _("Short name.")),
        Field("official_name", Type.TEXT, _("Official name; may be empty.")),
        Field("slug", Type.TEXT, _("The zone's identifier in the portal's addresses.")),
        Field("url", Type.URL, _("The zone's page.")),
        Field("description", Type.TEXT, _("Description; may be empty.")),
        Field("municipality_count", Type.INTEGER, _("How many municipalities it has.")),
        Field(
            "population",
            Type.INTEGER,
            _("Resident population: the sum of its municipalities' (ISTAT)."),
        ),
        Field(
            "area_km2",
            Type.DECIMAL,
            _("Area in km²: the sum of its municipalities' (ISTAT, or the latest boundaries)."),
            optional=True,
        ),
        Field("density", Type.DECIMAL, _("Inhabitants per km²."), optional=True),
    ),
    queryset=lambda: Zone.objects.with_figures(),
    row=_zone_row,
    key="number",
    theme="REGI",
    keywords=(_("homogeneous zones"), _("territory"), _("population")),
)


MUNICIPALITIES = Dataset(
    slug="comuni",
    title=_("Municipalities"),
    description=_(
        "The municipalities of the metropolitan area assigned to a zone, with their ISTAT code, "
        "population, area and altitude."
    ),
    fields=(
        Field("istat_code", Type.TEXT, _("ISTAT code (6 digits).")),
        Field("name", Type.TEXT, _("Name.")),
        Field("zone_number", Type.INTEGER, _("Number of its zone (see the zones).")),
        Field("population", Type.INTEGER, _("Resident population (ISTAT)."), optional=True),
        Field(
            "population_date",
            Type.DATE,
            _("The day the population refers to."),
            optional=True,
        ),
        Field(
            "area_km2",
            Type.DECIMAL,
            _("Area in km² (ISTAT, or from the latest boundaries where ISTAT gives none)."),
            optional=True,
        ),
        Field("altitude_m", Type.INTEGER, _("Altitude of the centre in metres."), optional=True),
    ),
    queryset=lambda: (
        Municipality.objects.filter(zone__isnull=False)
        .select_related("zone")
        .order_by("name", "istat_code")
    ),
    row=lambda municipality: {
        "istat_code": municipality.istat_code,
        "name": municipality.name,
        "zone_number": municipality.zone.number,
        "population": municipality.population,
        "population_date": iso(municipality.population_date),
        "area_km2": number(municipality.area),
        "altitude_m": municipality.altitude_m,
    },
    key="istat_code",
    theme="REGI",
    keywords=(_("municipalities"), _("ISTAT"), _("territory")),
)


# --- Meetings and decisions -------------------------------------------------------------------


def _public_meetings():
    return Meeting.objects.visible_to(AnonymousUser())


def _meeting_row(meeting: Meeting) -> dict:
    return {
        "number": meeting.number,
        "url": meeting.get_absolute_url(),
        "title": meeting.title,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "place": meeting.place,
        "status": meeting.status,
        "cancel_reason": meeting.cancel_reason,
    }


MEETINGS = Dataset(
    slug="riunioni",
    title=_("Public meetings"),
    description=_(
        "The public meetings of the Round Table: when, where, and whether they were held."
    ),
    fields=(
        Field("number", Type.INTEGER, _("The meeting's sequence number.")),
        Field("url", Type.URL, _("The meeting's page.")),
        Field("title", Type.TEXT, _("Title.")),
        Field("starts_at", Type.DATETIME, _("When it starts.")),
        Field("ends_at", Type.DATETIME, _("When it ends.")),
        Field("place", Type.TEXT, _("Where it takes place; empty for an online meeting.")),
        Field("status", Type.TEXT, _("One of: scheduled, held, cancelled.")),
        Field("cancel_reason", Type.TEXT, _("Why it was cancelled; empty otherwise.")),
    ),
    queryset=lambda: _public_meetings().order_by("-starts_at", "-number"),
    row=_meeting_row,
    key="number",
    theme="GOVE",
    keywords=(_("meetings"), _("Round Table")),
    last_change=lambda: _public_meetings().aggregate(at=Max("updated_at"))["at"],
)


def _public_decisions():
    """Decisions a visitor reads on a meeting's page: on accepted items of public, held
    meetings; a follow-up item shows only if its action was decided at a public meeting."""
    return Decision.objects.filter(
        agenda_item__status=AgendaItem.Status.ACCEPTED,
        agenda_item__meeting__in=_public_meetings().filter(status=Meeting.Status.HELD),
    ).filter(
        Q(agenda_item__action__isnull=True)
        | Q(agenda_item__action__decision__agenda_item__meeting__is_public=True)
    )


def _decision_row(decision: Decision) -> dict:
    meeting = decision.agenda_item.meeting
    return {
        "id": decision.pk,
        "url": f"{meeting.get_absolute_url()}#decision-{decision.pk}",
        "meeting_number": meeting.number,
        "meeting_date": iso(timezone.localdate(meeting.starts_at)),
        "agenda_item": decision.agenda_item.title,
        "kind": decision.kind,
        "text": decision.text,
        "method": decision.method,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "abstentions": decision.abstentions,
    }


DECISIONS = Dataset(
    slug="decisioni",
    title=_("Decisions of the public meetings"),
    description=_(
        "What the Round Table decided, recommended or took note of at its public meetings, once "
        "they are held, and how (by consensus or by vote)."
    ),
    fields=(
        Field("id", Type.INTEGER, _("The decision's number in the portal.")),
        Field("url", Type.URL, _("The decision on its meeting's page.")),
        Field("meeting_number", Type.INTEGER, _("Number of the meeting (see the meetings).")),
        Field("meeting_date", Type.DATE, _("The day of the meeting.")),
        Field("agenda_item", Type.TEXT, _("Title of the agenda item it was taken on.")),
        Field("kind", Type.TEXT, _("One of: decision, recommendation, information.")),
        Field("text", Type.TEXT, _("What was decided.")),
        Field("method", Type.TEXT, _("One of: consensus, vote.")),
        Field("votes_for", Type.INTEGER, _("Votes in favour (a vote only)."), optional=True),
        Field("votes_against", Type.INTEGER, _("Votes against (a vote only)."), optional=True),
        Field("abstentions", Type.INTEGER, _("Abstentions (a vote only)."), optional=True),
    ),
    queryset=lambda: (
        _public_decisions()
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__starts_at", "agenda_item__position", "pk")
    ),
    row=_decision_row,
    key="pk",
    theme="GOVE",
    keywords=(_("decisions"), _("Round Table")),
    last_change=lambda: _public_decisions().aggregate(at=Max("created_at"))["at"],
)


DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (PRACTICES, THEMES, ZONES, MUNICIPALITIES, MEETINGS, DECISIONS)
}


# --- Publisher and licence --------------------------------------------------------------------


def publisher() -> dict:
    """The organisation publishing the data, from ``settings.ORGANISATION``."""
    organisation = settings.ORGANISATION
    return {
        "name": organisation["name"],
        "url": organisation["url"],
        "identifier": organisation.get("ipa_code", ""),
    }


def licence() -> dict:
    return {"name": LICENCE_NAME, "title": LICENCE_TITLE, "url": LICENCE_URL}


def language_uri(code: str | None = None) -> str:
    """The EU authority's address of a language (the portal's default one by default)."""
    code = (code or settings.LANGUAGE_CODE)[:2].lower()
    return EU_LANGUAGE + LANGUAGES.get(code, code.upper())
