"""Where the apps above ``plans`` add to its pages without ``plans`` importing them.

``axis_figures``: callables ``(request, plan) -> AxisFigure | None``, registered by a later app
in its ``AppConfig.ready()`` (practices: the published practices tagged; meetings: the
decisions and action items tagged, as the user may see them). Each counts, per axis of
``plan``, what is tagged with it, in one query whatever the data: the plan's page shows the
figures beside each axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

axis_figures: list = []


@dataclass
class AxisFigure:
    """One figure per axis: ``counts`` by axis id, ``describe(n)`` the words for a count
    ("3 published practices"), and a page listing them per axis id where there is one."""

    key: str
    describe: Callable[[int], str]
    counts: dict[int, int] = field(default_factory=dict)
    links: dict[int, str] = field(default_factory=dict)


def register_axis_figure(figure) -> None:
    if figure not in axis_figures:
        axis_figures.append(figure)
