"""The zones-by-themes matrix: which zone has a published solution for which theme.

A zone "has" a practice when it owns it (``Practice.zone``) or has adopted it (a ``Transfer``
at the adopted stage; one dropped, or still on its way, does not count). Only published
practices count. A cell is the number of distinct such practices of one theme for one zone;
an empty cell is a zone with no solution for that theme, what the Round Table looks for.

Three queries whatever the amount of data: the zones, the themes, and one UNION of the
(practice, zone, theme) triples owned and adopted. The counting is done on those triples, so
that every total counts each practice once: a zone's total is how many practices it has (one
with two themes is one practice, not two), a theme's total how many published practices of
that theme some zone owns or has adopted (one owned by zone A and adopted by zone B is one).
A total can therefore be less than the sum of its cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from practices.models import Practice, Theme, Transfer
from zones.models import Zone


@dataclass(frozen=True)
class Cell:
    zone: Zone
    theme: Theme
    count: int
    url: str

    @property
    def is_empty(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class Row:
    zone: Zone
    cells: list[Cell]
    total: int


@dataclass(frozen=True)
class Matrix:
    themes: list[Theme]
    rows: list[Row]
    theme_totals: list[tuple[Theme, int]]
    total: int

    @property
    def empty_cells(self) -> int:
        return sum(cell.is_empty for row in self.rows for cell in row.cells)


def catalogue_url(zone: Zone, theme: Theme) -> str:
    """The catalogue filtered by zone (owned or adopted) and theme: the cell's practices."""
    query = urlencode({"zone": zone.number, "adopted": "on", "theme": theme.slug})
    return f"{reverse('practices:practice-list')}?{query}"


def _triples() -> set[tuple[int, int, int]]:
    """(practice, zone, theme) for every published practice, once for its owning zone and once
    for each zone that adopted it. One query; the UNION drops any repeat."""
    published = Practice.Status.PUBLISHED
    owned = Practice.themes.through.objects.filter(practice__status=published).values_list(
        "practice_id", "practice__zone_id", "theme_id"
    )
    adopted = Transfer.objects.filter(
        stage=Transfer.Stage.ADOPTED,
        practice__status=published,
        practice__themes__isnull=False,
    ).values_list("practice_id", "zone_id", "practice__themes")
    # Meta.ordering is dropped: SQLite refuses an ORDER BY inside a UNION's parts.
    return set(owned.order_by().union(adopted.order_by()))


def zone_theme_matrix() -> Matrix:
    """Every zone by every theme (in the current language's order), with the totals."""
    zones = list(Zone.objects.order_by("number"))
    themes = sorted(Theme.objects.all(), key=lambda theme: theme.name.casefold())
    cells: dict[tuple[int, int], set[int]] = defaultdict(set)
    per_zone: dict[int, set[int]] = defaultdict(set)
    per_theme: dict[int, set[int]] = defaultdict(set)
    for practice_id, zone_id, theme_id in _triples():
        cells[zone_id, theme_id].add(practice_id)
        per_zone[zone_id].add(practice_id)
        per_theme[theme_id].add(practice_id)
    rows = [
        Row(
            zone=zone,
            cells=[
                Cell(zone, theme, len(cells[zone.pk, theme.pk]), catalogue_url(zone, theme))
                for theme in themes
            ],
            total=len(per_zone[zone.pk]),
        )
        for zone in zones
    ]
    return Matrix(
        themes=themes,
        rows=rows,
        theme_totals=[(theme, len(per_theme[theme.pk])) for theme in themes],
        total=len(set().union(*per_zone.values())),
    )
