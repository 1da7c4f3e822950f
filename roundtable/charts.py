"""Small server-rendered charts: the coordinates of an SVG bar or rate chart, in plain Python.

A chart is drawn by a template from what these functions compute: the y axis's ticks (three to
five round values from 0), a label under each category (thinned out when there are too many to
read), and a bar or a point per value with the text of its ``<title>``. The SVG is a picture
for those who see it; the same numbers go in a table next to it, which is what a screen reader
reads. Colours come from CSS classes (``static/css/charts.css``); a second series of bars is
hatched too, so that colour is never the only thing that tells the series apart.

Coordinates are in the SVG's own units (``viewBox``), rounded to a tenth; the template prints
them with localisation off, since "12,5" is no SVG number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from math import ceil, floor, log10

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36  # margins: tick labels left, quarter labels below
LABEL_SPACE = 64  # the room one category label needs on the x axis
MAX_BAR = 40  # the widest a bar gets, however few the categories
GROUP_SHARE = 0.7  # the part of a category's slot its bars take, the rest is the gap
RATE_TICKS = (0, 0.25, 0.5, 0.75, 1)

Formatter = Callable[[float], str]


def format_number(value: float) -> str:
    """A count in the current language's format."""
    return number_format(value)


def format_percent(rate: float) -> str:
    """A rate from 0 to 1 as a percentage in the current language's format, e.g. "66,7%"."""
    percent = round(float(rate) * 100, 1)  # number_format cuts decimals, it does not round
    decimals = 0 if percent.is_integer() else 1
    return _("%(value)s%%") % {"value": number_format(percent, decimals)}


@dataclass(frozen=True)
class Series:
    """One row of values, one per category; ``None`` is a value missing (no data)."""

    name: str
    values: Sequence[float | None]
    css_class: str = "chart-series-1"
    hatched: bool = False


@dataclass(frozen=True)
class Tick:
    value: float
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    css_class: str
    hatched: bool


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    ticks: list[Tick]
    x_labels: list[XLabel]
    series: list[Series]
    bars: list[Bar]
    points: list[Point]
    lines: list[str]  # each a polyline's "x,y x,y" points: a gap in the data breaks the line
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: float = WIDTH - RIGHT
    top: int = TOP
    bottom: float = HEIGHT - BOTTOM


def nice_ticks(maximum: float, *, most: int = 5, integer: bool = True) -> list[float]:
    """Round values from 0 reaching at least ``maximum``: 3 to ``most`` of them, a step of 1, 2
    or 5 times a power of ten (whole numbers only when ``integer``). All zeros still get an
    axis: 0, 1, 2."""
    maximum = max(float(maximum), 0.0)
    intervals = most - 1
    base = 1.0 if integer or maximum == 0 else 10.0 ** floor(log10(maximum / intervals))
    for exponent in count():
        for multiple in (1, 2, 5):
            step = multiple * base * 10**exponent
            if ceil(maximum / step - 1e-9) <= intervals:
                needed = max(2, ceil(maximum / step - 1e-9))
                return [_tidy(step * index) for index in range(needed + 1)]
    raise AssertionError("unreachable")


def _tidy(value: float) -> float:
    """A tick without floating-point dust (0.30000000000000004 is 0.3); whole ones as int."""
    value = round(value, 10)
    return int(value) if value.is_integer() else value


def _round(value: float) -> float:
    return round(value, 1)


def _y(value: float, top_value: float) -> float:
    plot_height = HEIGHT - BOTTOM - TOP
    return _round(HEIGHT - BOTTOM - plot_height * value / top_value)


def _slot(count_: int) -> float:
    return (WIDTH - LEFT - RIGHT) / count_


def _centre(index: int, count_: int) -> float:
    return LEFT + _slot(count_) * (index + 0.5)


def x_labels(labels: Sequence[str]) -> list[XLabel]:
    """A label under every category, or under every second, third… one when they would not
    fit side by side; the first is always labelled."""
    if not labels:
        return []
    fits = max(1, int((WIDTH - LEFT - RIGHT) // LABEL_SPACE))
    every = ceil(len(labels) / fits)
    return [
        XLabel(_round(_centre(index, len(labels))), text)
        for index, text in enumerate(labels)
        if index % every == 0
    ]


def _title(series: Series, label: str, value: float | None, formatter: Formatter) -> str:
    shown = _("no data") if value is None else formatter(value)
    return _("%(series)s, %(category)s: %(value)s") % {
        "series": series.name,
        "category": label,
        "value": shown,
    }


def _ticks(values: Sequence[float], formatter: Formatter) -> list[Tick]:
    top_value = values[-1]
    return [Tick(value, _y(value, top_value), formatter(value)) for value in values]


def bar_chart(
    labels: Sequence[str], series: Sequence[Series], *, formatter: Formatter = format_number
) -> Chart:
    """Bars side by side per category, one per series; a missing value draws no bar."""
    present = [value for one in series for value in one.values if value is not None]
    ticks = nice_ticks(max(present, default=0))
    slot = _slot(len(labels)) if labels else 0
    group = min(slot * GROUP_SHARE, MAX_BAR * len(series))
    width = group / len(series) if series else 0
    bars = []
    for index, label in enumerate(labels):
        left = _centre(index, len(labels)) - group / 2
        for position, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            y = _y(value, ticks[-1])
            bars.append(
                Bar(
                    x=_round(left + position * width),
                    y=y,
                    width=_round(width),
                    height=_round(HEIGHT - BOTTOM - y),
                    title=_title(one, label, value, formatter),
                    css_class=one.css_class,
                    hatched=one.hatched,
                )
            )
    return Chart(
        ticks=_ticks(ticks, formatter),
        x_labels=x_labels(labels),
        series=list(series),
        bars=bars,
        points=[],
        lines=[],
    )


def rate_chart(
    labels: Sequence[str], series: Series, *, formatter: Formatter = format_percent
) -> Chart:
    """A point per category for a rate from 0 to 1, joined by a line that breaks where a
    value is missing."""
    points: list[Point] = []
    lines: list[str] = []
    run: list[Point] = []
    for index, (label, value) in enumerate(zip(labels, series.values, strict=True)):
        if value is None:
            lines.extend(_line(run))
            run = []
            continue
        point = Point(
            _round(_centre(index, len(labels))),
            _y(value, RATE_TICKS[-1]),
            _title(series, label, value, formatter),
        )
        points.append(point)
        run.append(point)
    lines.extend(_line(run))
    return Chart(
        ticks=_ticks(RATE_TICKS, formatter),
        x_labels=x_labels(labels),
        series=[series],
        bars=[],
        points=points,
        lines=lines,
    )


def _line(run: list[Point]) -> list[str]:
    """A polyline's points for a run of two or more points (a lone point needs no line)."""
    if len(run) < 2:
        return []
    return [" ".join(f"{point.x},{point.y}" for point in run)]
