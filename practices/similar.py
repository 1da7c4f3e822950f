"""Zones like this one: the zones whose profile is closest to a given zone's.

A zone's profile is three figures from ``Zone.objects.with_figures()``: population, density and
area. They span orders of magnitude (a city zone has twenty times the density of a mountain
one), so each figure is first taken on a log scale, then standardised to a z-score across all
the zones with figures (mean 0, standard deviation 1), so that no figure outweighs the others
just because of its unit. The distance between two zones is the Euclidean distance between
their three z-scores; the nearest zones come first (ties by zone number).

Zones without people or area (an empty zone, or one whose municipalities have no figures yet)
cannot be placed and are never suggested.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zones.models import Zone

FIGURES = ("population", "density", "area")


@dataclass(frozen=True)
class Neighbour:
    zone: object
    distance: float


def profile(zone) -> tuple[float, float, float] | None:
    """The log of a zone's population, density and area; None when one of them is missing."""
    population = getattr(zone, "population", None)
    area = getattr(zone, "area", None)
    if not population or not area or population <= 0 or area <= 0:
        return None
    population, area = float(population), float(area)
    return (math.log(population), math.log(population / area), math.log(area))


def _standardise(profiles: dict[object, Sequence[float]]) -> dict[object, tuple[float, ...]]:
    """Each figure as a z-score across the zones given; a figure all zones share scores 0."""
    if not profiles:
        return {}
    columns = list(zip(*profiles.values(), strict=True))
    means = [sum(column) / len(column) for column in columns]
    deviations = [
        math.sqrt(sum((value - mean) ** 2 for value in column) / len(column))
        for column, mean in zip(columns, means, strict=True)
    ]
    return {
        key: tuple(
            (value - mean) / deviation if deviation else 0.0
            for value, mean, deviation in zip(values, means, deviations, strict=True)
        )
        for key, values in profiles.items()
    }


def nearest(target, zones: Iterable, *, exclude: Iterable = (), count: int = 3) -> list[Neighbour]:
    """The ``count`` zones of ``zones`` closest to ``target``, leaving out ``target`` itself and
    the zones whose primary key is in ``exclude``.

    ``zones`` are objects with ``pk``, ``number``, ``population`` and ``area`` (as annotated by
    ``with_figures()``); the figures are standardised over all of ``zones`` with a profile.
    """
    zones = list(zones)
    profiles = {zone.pk: p for zone in zones if (p := profile(zone)) is not None}
    if target.pk not in profiles:
        target_profile = profile(target)
        if target_profile is None:
            return []
        profiles[target.pk] = target_profile
    scores = _standardise(profiles)
    origin = scores[target.pk]
    excluded = {target.pk, *exclude}
    neighbours = [
        Neighbour(zone, math.dist(origin, scores[zone.pk]))
        for zone in zones
        if zone.pk in scores and zone.pk not in excluded
    ]
    neighbours.sort(key=lambda n: (n.distance, n.zone.number))
    return neighbours[:count]


def zones_like(practice, *, zones: Sequence[Zone] | None = None, count: int = 3):
    """The zones most like ``practice``'s owning zone that have not adopted it yet.

    ``zones`` may be given already loaded with ``with_figures()`` (saves a query).
    """
    from .models import Transfer

    if zones is None:
        zones = list(Zone.objects.with_figures())
    target = next((zone for zone in zones if zone.pk == practice.zone_id), None)
    if target is None:
        return []
    adopted = Transfer.objects.filter(practice=practice, stage=Transfer.Stage.ADOPTED).values_list(
        "zone_id", flat=True
    )
    return nearest(target, zones, exclude=set(adopted), count=count)
