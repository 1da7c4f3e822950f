"""How firmly a municipality's zone is known.

The territory file gives, for each municipality, a code naming the evidence for its zone (see
``data/territory/README.md``). Codes are data, not code: a territory file from another instance
may bring its own. Known codes get a readable label; every code is sorted into one of three
strengths by its form, so staff see at a glance how much of a zone rests on inference.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Strength(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by an official list or act")
    CORROBORATED = "corroborated", _("Corroborated by other sources")
    INFERRED = "inferred", _("Inferred")
    UNKNOWN = "unknown", _("No evidence recorded")


LABELS = {
    "explicit_list_2022": _("Full list of the zone's municipalities (2022)"),
    "explicit_list_2015": _("Full list of the zone's municipalities (2015)"),
    "official_act_DCM": _("Deliberation of the Metropolitan Council"),
    "official_page": _("Official page of the metropolitan city"),
    "official_list": _("Official assignment list"),
    "press_2015_proposal": _("List published with the 2015 proposal"),
    "spokesperson_mayor": _("The mayor was elected spokesperson of the zone"),
    "press_list": _("Named among the zone's municipalities in the press"),
    "secondary_source": _("Named in a study of the Strategic Plan"),
    "inferred_count_population": _("Inferred from position, counts and population"),
}


# A code's strength follows from how it begins; anything else non-empty is corroborated.
PREFIXES = {
    Strength.CONFIRMED: ("explicit_list", "official"),
    Strength.INFERRED: ("inferred",),
}


def strength_of(code: str) -> Strength:
    if not code:
        return Strength.UNKNOWN
    for strength, prefixes in PREFIXES.items():
        if code.startswith(prefixes):
            return strength
    return Strength.CORROBORATED


def condition(strength: Strength, field: str) -> Q:
    """A query condition on ``field`` (an evidence code) matching the codes of ``strength``."""
    if strength == Strength.UNKNOWN:
        return Q(**{field: ""})
    if strength in PREFIXES:
        q = Q()
        for prefix in PREFIXES[strength]:
            q |= Q(**{f"{field}__startswith": prefix})
        return q
    q = ~Q(**{field: ""})
    for prefixes in PREFIXES.values():
        for prefix in prefixes:
            q &= ~Q(**{f"{field}__startswith": prefix})
    return q


def label_of(code: str) -> str:
    if code in LABELS:
        return LABELS[code]
    return code.replace("_", " ")
