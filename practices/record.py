"""A published practice as a good-practice record, in the structure of the European
policy-learning platforms (Interreg Europe's good-practice database, where the Round Table was
itself first published): title, summary, detailed description, resources needed, evidence of
success, difficulties encountered, potential for learning or transfer, main institution,
location (region and NUTS code), timescale, contact, themes.

``good_practice_record`` builds the record once, as a dict; both outputs show that dict:

- the printable page (``practices/record.html``, ``pratiche/<pk>/scheda/``): every field with
  its label, "not stated" where the practice says nothing; to save it as a PDF, the browser's
  print command (as for the meeting pack);
- the JSON file (``pratiche/<pk>/scheda.json``, through ``as_json``), described by the JSON
  Schema (draft 2020-12) committed next to this module, ``schemas/good_practice_record.schema.json``
  and served at ``pratiche/scheda.schema.json``.

Only a published practice has a record (``record_queryset``): the record is a publication.
It is public, like the practice's page, so it holds no personal data of the portal's users:
the contact is the contact person the practice itself names and the organisation's address
(``settings.ORGANISATION``), and of the expert opinions only how many there are and the date
of the latest; their text is for logged-in users, on the practice's page.

The location comes from ``settings.ORGANISATION`` (``region``, ``nuts_code``), so that another
instance states its own territory; the country is the first two letters of the NUTS code.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from plans.models import Action, Axis, Strategy
from zones.models import Municipality, Zone

from . import markdown
from .models import Practice, Theme, Transfer

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "good_practice_record.schema.json"
FORMAT_NAME = "good-practice-record"
FORMAT_VERSION = "1.0"


def record_queryset():
    """The practices that have a record (the published ones), with everything it shows in a
    constant number of queries."""
    adopted_elsewhere = Q(transfers__stage=Transfer.Stage.ADOPTED) & ~Q(transfers__zone=F("zone"))
    return (
        Practice.objects.published()
        .select_related("zone")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("slug")),
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch(
                "axes",
                queryset=Axis.objects.select_related("plan").order_by("plan__code", "number"),
            ),
            Prefetch("plan_strategies", queryset=Strategy.objects.order_by("code")),
            Prefetch("plan_actions", queryset=Action.objects.order_by("code")),
        )
        .annotate(
            adopting_zones=Count("transfers__zone", filter=adopted_elsewhere, distinct=True),
            expert_opinion_count=Count("expert_opinions", distinct=True),
            latest_expert_opinion=Max("expert_opinions__given_on"),
        )
    )


def _stated(text: str) -> str | None:
    """A text field, or None when the practice leaves it empty ("not stated")."""
    text = (text or "").strip()
    return text or None


def good_practice_record(
    practice: Practice,
    *,
    absolute: Callable[[str], str] = str,
    now: datetime.datetime | None = None,
) -> dict:
    """The record of ``practice`` (from ``record_queryset``), in the active language; dates
    and moments as Python objects (``as_json`` writes them in ISO 8601). ``absolute`` turns
    the portal's paths into full addresses (``request.build_absolute_uri``)."""
    organisation = settings.ORGANISATION
    nuts_code = organisation.get("nuts_code", "")
    page = practice.get_absolute_url()
    return {
        "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION},
        "schema": absolute(reverse("practices:record-schema")),
        "language": (get_language() or settings.LANGUAGE_CODE).split("-")[0],
        "exported_at": timezone.localtime(now or timezone.now()).replace(microsecond=0),
        "url": absolute(page),
        "record_url": absolute(reverse("practices:practice-record-json", args=[practice.pk])),
        "id": practice.pk,
        "title": practice.title,
        "kind": {"code": practice.kind, "label": str(practice.get_kind_display())},
        "summary": practice.summary,
        "detailed_description": {
            "html": str(markdown.render(practice.description, top_heading=3)),
            "text": markdown.plain_text(practice.description),
        },
        "resources_needed": _stated(practice.resources_needed),
        "evidence_of_success": _stated(practice.evidence_of_success),
        "difficulties_encountered": _stated(practice.difficulties),
        "potential_for_learning_or_transfer": _stated(practice.potential_for_transfer),
        "main_institution": _stated(practice.main_institution),
        "location": {
            "country_code": nuts_code[:2],
            "region": organisation.get("region", ""),
            "nuts_code": nuts_code,
            "zone": {
                "number": practice.zone.number,
                "name": practice.zone.name,
                "url": absolute(practice.zone.get_absolute_url()),
            },
            "municipalities": [
                {"istat_code": m.istat_code, "name": m.name} for m in practice.municipalities.all()
            ],
        },
        "timescale": {
            "start_date": practice.start_date,
            "end_date": practice.end_date,
            "ongoing": practice.end_date is None,
        },
        "contact": {
            "contact_person": _stated(practice.contact_person),
            "organisation": organisation["name"],
            "email": organisation["contact_email"],
            "website": organisation["url"],
        },
        "themes": [{"slug": theme.slug, "name": theme.name} for theme in practice.themes.all()],
        "strategic_plan": {
            "axes": [
                {
                    "plan_code": axis.plan.code,
                    "plan_title": axis.plan.title,
                    "plan_period": axis.plan.period,
                    "number": axis.number,
                    "name": axis.name,
                    "url": absolute(axis.get_absolute_url()),
                }
                for axis in practice.axes.all()
            ],
            "strategies": [
                {"code": strategy.code, "name": strategy.name}
                for strategy in practice.plan_strategies.all()
            ],
            "actions": [
                {"code": action.code, "name": action.name} for action in practice.plan_actions.all()
            ],
        },
        "adoption": {
            "adopting_zones": practice.adopting_zones,
            "zones_in_territory": Zone.objects.count(),
        },
        "expert_opinions": {
            "count": practice.expert_opinion_count,
            "latest_date": practice.latest_expert_opinion,
        },
        "published_at": timezone.localtime(practice.published_at).replace(microsecond=0)
        if practice.published_at
        else None,
        "updated_at": timezone.localtime(practice.updated_at).replace(microsecond=0),
        "publisher": {
            "name": organisation["name"],
            "portal": organisation["portal_name"],
            "url": organisation["url"],
        },
    }


def _iso(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso(item) for item in value]
    return value


def as_json(record: dict) -> dict:
    """The record as the JSON file writes it: ``$schema`` first, dates in ISO 8601."""
    data = _iso(record)
    return {"$schema": data.pop("schema"), **data}
