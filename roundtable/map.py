"""The dashboard's map of the zones: five figures per zone, and the shapes to draw them on.

The shapes come from one small file, ``map.json`` in the territory folder, built once by
``scripts/build_map.py`` from the openpolis / ISTAT boundaries (CC BY 4.0, credited on the page).
It is read once per process. Municipalities are matched to the database by ISTAT code, and
their zone is the database's, not the file's: a municipality moved to another zone is drawn in
its new zone at once. The file's outline of a zone is drawn only while the zone holds exactly
the municipalities the outline was drawn from; after a change the municipalities' own edges
still show the zone.

The figures, all time:

- population: the sum of the zone's municipalities' populations;
- density: inhabitants per km², over the municipalities' areas (ISTAT's, or the boundaries'
  where ISTAT gives none);
- practices shared: published practices the zone owns;
- adoptions: transfers into the zone at the adopted stage, of published practices;
- attendance rate: of the zone's invitations to held meetings whose attendance was recorded,
  the share present or represented by a substitute. None ("no data", not 0) while nothing is
  recorded.

Five queries whatever the amount of data: zones, municipalities, practices, adoptions and
attendance, each grouped by zone in the database.

The map colours the zones in up to five classes of the chosen figure, by rank (quantiles):
the zones are put in order and cut into five groups of about the same size, equal values kept
together. Each class is stated in the legend by the lowest and highest value it holds, so the
colours are never the only way to read the map; zones without a value are hatched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.models import Invitation, Meeting
from practices.models import Practice, Transfer
from zones.models import Municipality, Zone, effective_area

MAP_FILE_NAME = "map.json"
CLASS_COUNT = 5


# --- The figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    column: str  # the CSV column and the table's header

    def display(self, value) -> str:
        """The value in words, localised: "132.429 inhabitants", "no data"."""
        if value is None:
            return str(_("no data"))
        if self.key == "population":
            return ngettext("%s inhabitant", "%s inhabitants", value) % grouped(value)
        if self.key == "density":
            return _("%s inhabitants per km²") % grouped(value, 1)
        if self.key == "practices":
            return ngettext("%s practice shared", "%s practices shared", value) % grouped(value)
        if self.key == "adoptions":
            return ngettext("%s adoption", "%s adoptions", value) % grouped(value)
        return _("attendance rate %s%%") % grouped(value, 1)

    def number(self, value) -> str:
        """The bare value, localised, for the table: "132.429", "87,5%", "no data"."""
        if value is None:
            return str(_("no data"))
        if self.key == "density":
            return grouped(value, 1)
        if self.key == "attendance":
            return f"{grouped(value, 1)}%"
        return grouped(value)


FIGURES = (
    Figure("population", _("Population"), _("Population")),
    Figure("density", _("Density"), _("Density (inhabitants per km²)")),
    Figure("practices", _("Practices shared"), _("Practices shared")),
    Figure("adoptions", _("Adoptions"), _("Adoptions")),
    Figure("attendance", _("Attendance rate at meetings"), _("Attendance rate (%)")),
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}
DEFAULT_FIGURE = FIGURES[0]


def grouped(value, decimals: int = 0) -> str:
    """A number in the current language, with thousands separators."""
    if decimals:
        value = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def rate(present: int, recorded: int) -> Decimal | None:
    """A percentage, to one decimal; None when nothing was recorded."""
    if not recorded:
        return None
    return (Decimal(100) * present / recorded).quantize(Decimal("0.1"))


def density(population: int, area) -> Decimal | None:
    if not population or not area:
        return None
    return (Decimal(population) / Decimal(area)).quantize(Decimal("0.1"))


# --- The shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFile:
    view_box: str
    municipalities: dict[str, dict]  # ISTAT code → {"name", "d"}
    zone_outlines: dict[int, tuple[frozenset[str], str]]  # number → (ISTAT codes, d)
    source: dict


def map_path() -> Path:
    return Path(settings.TERRITORY_DIR) / MAP_FILE_NAME


@cache
def read_map_file(path: str) -> MapFile | None:
    """The map file at ``path``, read once per process; None if there is none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return MapFile(
        view_box=data["viewBox"],
        municipalities={m["istat_code"]: m for m in data["municipalities"]},
        zone_outlines={
            zone["number"]: (frozenset(zone["istat_codes"]), zone["d"]) for zone in data["zones"]
        },
        source=data["source"],
    )


def map_file() -> MapFile | None:
    return read_map_file(str(map_path()))


# --- The zones' figures ----------------------------------------------------------------------


@dataclass
class Place:
    """A municipality as drawn: its name, its path and the name of its zone (if any)."""

    name: str
    d: str
    zone_name: str = ""


@dataclass
class ZoneFigures:
    """A zone's figures; ``shown`` is the chosen one in words, ``cells`` every one as the table
    shows it, both filled in by ``zone_map``."""

    zone: Zone
    values: dict[str, object]
    places: list[Place] = field(default_factory=list)
    outline: str = ""
    css_class: str = "map-no-data"
    shown: str = ""
    cells: list[tuple[Figure, str]] = field(default_factory=list)

    def value(self, figure: Figure):
        return self.values[figure.key]


@dataclass(frozen=True)
class MapClass:
    """A class of the legend: its colour, its lowest and highest value (as shown), its zones."""

    css_class: str
    low: str
    high: str
    count: int


@dataclass
class ZoneMap:
    figure: Figure
    rows: list[ZoneFigures]
    totals: dict[str, object]
    total_cells: list[tuple[Figure, str]]
    classes: list[MapClass]
    unassigned: list[Place]
    without_shape: list[str]  # names of municipalities the map file has no outline for
    file: MapFile | None

    @property
    def no_data(self) -> int:
        return sum(row.value(self.figure) is None for row in self.rows)


def _counts_by_zone(queryset, **counts) -> dict[int, dict]:
    rows = queryset.order_by().values("zone_id").annotate(**counts)
    return {row.pop("zone_id"): row for row in rows}


def zone_figures() -> tuple[list[ZoneFigures], dict[str, object], list[dict]]:
    """Every zone's five figures, the whole territory's, and the municipalities (five queries)."""
    zones = list(Zone.objects.with_figures())
    municipalities = list(
        Municipality.objects.order_by("name").values(
            "istat_code", "name", "zone_id", "population", area=effective_area()
        )
    )
    practices = _counts_by_zone(Practice.objects.published(), n=Count("pk"))
    adoptions = _counts_by_zone(
        Transfer.objects.filter(
            stage=Transfer.Stage.ADOPTED, practice__status=Practice.Status.PUBLISHED
        ),
        n=Count("pk"),
    )
    recorded = Invitation.objects.filter(meeting__status=Meeting.Status.HELD).exclude(
        attendance=Invitation.Attendance.UNRECORDED
    )
    present = Q(attendance__in=[Invitation.Attendance.PRESENT, Invitation.Attendance.SUBSTITUTE])
    attendance = _counts_by_zone(
        recorded, recorded=Count("pk"), present=Count("pk", filter=present)
    )
    rows = []
    for zone in zones:
        seen = attendance.get(zone.pk, {"recorded": 0, "present": 0})
        values = {
            "population": zone.population,
            "density": density(zone.population, zone.area),
            "practices": practices.get(zone.pk, {}).get("n", 0),
            "adoptions": adoptions.get(zone.pk, {}).get("n", 0),
            "attendance": rate(seen["present"], seen["recorded"]),
        }
        rows.append(ZoneFigures(zone=zone, values=values))
    population = sum(m["population"] or 0 for m in municipalities)
    area = sum(m["area"] or 0 for m in municipalities)
    totals = {
        "population": population,
        "density": density(population, area),
        "practices": sum(row.values["practices"] for row in rows),
        "adoptions": sum(row.values["adoptions"] for row in rows),
        "attendance": rate(
            sum(c["present"] for c in attendance.values()),
            sum(c["recorded"] for c in attendance.values()),
        ),
    }
    return rows, totals, municipalities


# --- Classes ---------------------------------------------------------------------------------


def classify(values: list, count: int = CLASS_COUNT) -> list[int | None]:
    """Each value's class, 0 to ``count - 1`` (None for no value), by rank.

    The values are put in order and cut into ``count`` groups of about the same size; a value
    equal to the one before it stays in its class. Fewer distinct values than classes give one
    class each. The classes used are spread over the palette, lightest to darkest."""
    known = sorted({v for v in values if v is not None})
    ordered = sorted(v for v in values if v is not None)
    if not known:
        return [None] * len(values)
    rank_class: dict = {}
    if len(known) <= count:
        rank_class = {v: i for i, v in enumerate(known)}
    else:
        for index, value in enumerate(ordered):
            rank_class.setdefault(value, index * count // len(ordered))
    used = sorted(set(rank_class.values()))
    spread = {c: _spread(i, len(used), count) for i, c in enumerate(used)}
    return [None if v is None else spread[rank_class[v]] for v in values]


def _spread(index: int, used: int, count: int) -> int:
    if used == 1:
        return count // 2
    return round(index * (count - 1) / (used - 1))


def legend(figure: Figure, values: list, classes: list[int | None]) -> list[MapClass]:
    """The classes in use, lightest first, each with its lowest and highest value."""
    members: dict[int, list] = {}
    for value, css in zip(values, classes, strict=True):
        if css is not None:
            members.setdefault(css, []).append(value)
    return [
        MapClass(
            f"map-class-{css + 1}", figure.number(min(held)), figure.number(max(held)), len(held)
        )
        for css, held in sorted(members.items())
    ]


def _cells(values: dict) -> list[tuple[Figure, str]]:
    return [(figure, figure.number(values[figure.key])) for figure in FIGURES]


# --- The map ---------------------------------------------------------------------------------


# Figures that only staff see for every zone; a spokesperson sees them for their own zones (and
# the whole territory's), as on the scorecard.
PRIVATE_FIGURES = ("attendance",)


def zone_map(figure: Figure = DEFAULT_FIGURE, *, own_zones: set[int] | None = None) -> ZoneMap:
    """The zones' figures, coloured by ``figure``, with their municipalities' shapes.

    ``own_zones`` (zone ids) limits the private figures to those zones: the others have none,
    shown as no data. ``None`` shows every zone's (staff)."""
    rows, totals, municipalities = zone_figures()
    if own_zones is not None:
        for row in rows:
            if row.zone.pk not in own_zones:
                row.values.update(dict.fromkeys(PRIVATE_FIGURES))
    values = [row.value(figure) for row in rows]
    classes = classify(values)
    for row, css in zip(rows, classes, strict=True):
        row.css_class = "map-no-data" if css is None else f"map-class-{css + 1}"
        row.shown = figure.display(row.value(figure))
        row.cells = _cells(row.values)
    drawn = map_file()
    unassigned, without_shape = _place(rows, municipalities, drawn)
    return ZoneMap(
        figure=figure,
        rows=rows,
        totals=totals,
        total_cells=_cells(totals),
        classes=legend(figure, values, classes),
        unassigned=unassigned,
        without_shape=without_shape,
        file=drawn,
    )


def _place(rows, municipalities, drawn: MapFile | None) -> tuple[list[Place], list[str]]:
    """Put each municipality's shape in its zone; return those with no zone and those with no
    shape. A zone's outline is kept only if the zone still holds the municipalities it was
    drawn from."""
    if drawn is None:
        return [], []
    by_pk = {row.zone.pk: row for row in rows}
    codes: dict[int, set[str]] = {}
    unassigned, without_shape = [], []
    for municipality in municipalities:
        shape = drawn.municipalities.get(municipality["istat_code"])
        if shape is None:
            without_shape.append(municipality["name"])
            continue
        row = by_pk.get(municipality["zone_id"])
        if row is None:
            unassigned.append(Place(municipality["name"], shape["d"]))
            continue
        row.places.append(Place(municipality["name"], shape["d"], row.zone.name))
        codes.setdefault(row.zone.pk, set()).add(municipality["istat_code"])
    for row in rows:
        outline = drawn.zone_outlines.get(row.zone.number)
        if outline and outline[0] == codes.get(row.zone.pk, set()):
            row.outline = outline[1]
    return unassigned, without_shape
