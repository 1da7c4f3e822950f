"""The zone scorecard: how much each zone takes part in the Round Table's work over a period.

Every figure is the size of a list, and the scorecard links each figure to that list: both come
from the same queryset (``FIGURES``), so what the page counts is what the list shows. A figure
counts, for one zone, in the period ``[start, end]`` (local dates, both days included):

- ``invitations``: its invitations to meetings starting in the period, cancelled ones left out;
  ``answered``: those it answered (attending, not attending or sending a substitute).
- ``recorded``: its invitations to meetings held in the period whose attendance staff recorded;
  ``attended``: those where it was present or represented by a substitute. The attendance rate
  is ``attended / recorded``; with nothing recorded there is no rate (shown as "no data").
- ``practices``: the practices it created in the period, by their status today
  (``practices-published``, ``practices-review`` = submitted or changes requested,
  ``practices-draft``, ``practices-closed`` = archived or rejected).
- ``adopted-from``: transfers by which it adopted another zone's practice, adopted in the
  period (the date of the "adopted" step); ``adopted-by``: transfers by which other zones
  adopted one of its practices, adopted in the period.
- ``actions``: action items assigned to it (alone or with other zones) decided in the period;
  ``actions-on-time``: those done no later than their due date; ``actions-overdue``: those
  still open past their due date today.
- ``comments``: comments, not hidden, written in the period on practices by people who spoke
  for the zone on the day they wrote.

Counting is one query per figure, grouped by zone, whatever the amount of data. The metropolitan
row gives the average per zone of each count, and each rate over all the zones together.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meetings.models import ActionItem, Invitation, Meeting
from practices.models import Comment, Practice, Transfer
from zones.models import Zone

PS = Practice.Status


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        """The first instant of the period, in the current time zone."""
        return _midnight(self.start)

    @property
    def before(self) -> datetime.datetime:
        """The first instant after the period."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def query(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months, today included."""
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return Period(start + datetime.timedelta(days=1), today)


# The querysets, one per list. Each takes the period and returns rows that carry a zone at
# ``Figure.zone_path``.


def _invitations(period: Period) -> QuerySet:
    return Invitation.objects.filter(
        meeting__starts_at__gte=period.since, meeting__starts_at__lt=period.before
    ).exclude(meeting__status=Meeting.Status.CANCELLED)


def _answered(period: Period) -> QuerySet:
    return _invitations(period).exclude(answer=Invitation.Answer.PENDING)


def _recorded(period: Period) -> QuerySet:
    return Invitation.objects.filter(
        meeting__status=Meeting.Status.HELD,
        meeting__starts_at__gte=period.since,
        meeting__starts_at__lt=period.before,
    ).exclude(attendance=Invitation.Attendance.UNRECORDED)


def _attended(period: Period) -> QuerySet:
    return _recorded(period).filter(
        attendance__in=[Invitation.Attendance.PRESENT, Invitation.Attendance.SUBSTITUTE]
    )


def _practices(period: Period, *statuses: str) -> QuerySet:
    practices = Practice.objects.filter(created_at__gte=period.since, created_at__lt=period.before)
    return practices.filter(status__in=statuses) if statuses else practices


def _adopted(period: Period) -> QuerySet:
    return Transfer.objects.filter(
        steps__stage=Transfer.Stage.ADOPTED,
        steps__on__gte=period.start,
        steps__on__lte=period.end,
    ).exclude(zone=F("practice__zone"))


def _actions(period: Period) -> QuerySet:
    return ActionItem.objects.filter(created_at__gte=period.since, created_at__lt=period.before)


def _actions_on_time(period: Period) -> QuerySet:
    return (
        _actions(period)
        .filter(status=ActionItem.Status.DONE, completed_at__isnull=False)
        .alias(completed_on=TruncDate("completed_at"))
        .filter(completed_on__lte=F("due_date"))
    )


def _actions_overdue(period: Period) -> QuerySet:
    return _actions(period).overdue()


def _comments(period: Period, zone: Zone | None = None) -> QuerySet:
    """Comments by people who spoke for a zone on the day they wrote; the zone comes from the
    membership in force then (``author__memberships__zone``). The zone, when given, is part of
    the same ``filter()`` so that it applies to that very membership, not to any other."""
    in_zone = {"author__memberships__zone": zone} if zone is not None else {}
    return (
        Comment.objects.shown()
        .filter(created_at__gte=period.since, created_at__lt=period.before)
        .alias(written_on=TruncDate("created_at"))
        .filter(
            Q(author__memberships__until__isnull=True)
            | Q(author__memberships__until__gte=F("written_on")),
            author__memberships__since__lte=F("written_on"),
            **in_zone,
        )
    )


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    listing: str  # which kind of list shows its rows: see roundtable.scorecard_lists
    rows: Callable[[Period], QuerySet]
    zone_path: str = "zone"
    description: Promise | str = ""
    # For rows whose zone comes through a multi-valued relation with conditions of its own:
    # the rows of one zone, built in one filter() (see _comments).
    in_zone: Callable[[Period, Zone], QuerySet] | None = None

    @property
    def shared(self) -> bool:
        """Whether one row may count for several zones (an action assigned to two zones), so
        that the all-zones total is not the sum of the zones' figures."""
        return self.zone_path in ("zones", "author__memberships__zone")


FIGURES: dict[str, Figure] = {
    figure.key: figure
    for figure in [
        Figure(
            "invitations",
            _("Invitations"),
            "invitations",
            _invitations,
            description=_("Invitations to meetings starting in the period, cancelled ones aside."),
        ),
        Figure("answered", _("Invitations answered"), "invitations", _answered),
        Figure(
            "recorded",
            _("Meetings with attendance recorded"),
            "invitations",
            _recorded,
            description=_("Meetings held in the period whose attendance staff recorded."),
        ),
        Figure("attended", _("Meetings attended"), "invitations", _attended),
        Figure("practices", _("Practices shared"), "practices", _practices),
        Figure(
            "practices-published",
            _("Published"),
            "practices",
            lambda period: _practices(period, PS.PUBLISHED),
        ),
        Figure(
            "practices-review",
            _("Under review"),
            "practices",
            lambda period: _practices(period, PS.SUBMITTED, PS.CHANGES_REQUESTED),
        ),
        Figure(
            "practices-draft", _("Drafts"), "practices", lambda period: _practices(period, PS.DRAFT)
        ),
        Figure(
            "practices-closed",
            _("Archived or rejected"),
            "practices",
            lambda period: _practices(period, PS.ARCHIVED, PS.REJECTED),
        ),
        Figure(
            "adopted-from",
            _("Adopted from other zones"),
            "transfers",
            _adopted,
            description=_("Other zones' practices this zone adopted in the period."),
        ),
        Figure(
            "adopted-by",
            _("Adopted by other zones"),
            "transfers",
            _adopted,
            zone_path="practice__zone",
            description=_("This zone's practices that other zones adopted in the period."),
        ),
        Figure(
            "actions",
            _("Actions assigned"),
            "actions",
            _actions,
            zone_path="zones",
            description=_("Action items decided in the period and assigned to the zone."),
        ),
        Figure(
            "actions-on-time",
            _("Done on time"),
            "actions",
            _actions_on_time,
            zone_path="zones",
        ),
        Figure(
            "actions-overdue",
            _("Overdue"),
            "actions",
            _actions_overdue,
            zone_path="zones",
            description=_("Still open after their due date."),
        ),
        Figure(
            "comments",
            _("Comments"),
            "comments",
            _comments,
            zone_path="author__memberships__zone",
            in_zone=_comments,
            description=_("Comments on practices written by the zone's spokespersons."),
        ),
    ]
}


def rows_for(figure: Figure, period: Period, zone: Zone | None) -> QuerySet:
    """The rows a figure counts, for one zone (or for all zones when ``zone`` is None)."""
    if zone is None:
        rows = figure.rows(period)
    elif figure.in_zone is not None:
        rows = figure.in_zone(period, zone)
    else:
        rows = figure.rows(period).filter(**{figure.zone_path: zone})
    return rows.distinct()


def counts(figure: Figure, period: Period) -> dict[int, int]:
    """Zone id → how many rows, in one query."""
    grouped = (
        figure.rows(period)
        .order_by()
        .values(figure.zone_path)
        .annotate(n=Count("pk", distinct=True))
        .values_list(figure.zone_path, "n")
    )
    return {zone_id: n for zone_id, n in grouped if zone_id is not None}


def list_url(figure_key: str, zone: Zone | None, period: Period) -> str:
    number = zone.number if zone is not None else 0
    path = reverse("dashboard-scorecard-list", kwargs={"zone": number, "figure": figure_key})
    return f"{path}?{urlencode(period.query())}"


@dataclass(frozen=True)
class Value:
    """A figure of one row: a count, and for rates the ratio of two counts."""

    count: int | float
    url: str | None = None
    of: int | None = None  # the denominator of a rate
    of_url: str | None = None

    @property
    def rate(self) -> float | None:
        if self.of is None:
            return None
        return self.count / self.of if self.of else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass
class Row:
    zone: Zone | None  # None for the metropolitan rows
    label: str
    values: dict[str, Value] = field(default_factory=dict)

    @property
    def rate_cells(self) -> list[tuple[str, Value]]:
        return [(key, self.values[key]) for key, *_rest in RATE_COLUMNS]

    @property
    def count_cells(self) -> list[tuple[str, Value]]:
        return [(key, self.values[key]) for key in COUNT_COLUMNS]


# The columns of the scorecard table, in order: (key, label, numerator, denominator).
RATE_COLUMNS = [
    ("attendance", _("Attendance rate"), "attended", "recorded"),
    ("answers", _("Invitations answered"), "answered", "invitations"),
]
COUNT_COLUMNS = [
    "practices",
    "practices-published",
    "practices-review",
    "practices-draft",
    "practices-closed",
    "adopted-from",
    "adopted-by",
    "actions",
    "actions-on-time",
    "actions-overdue",
    "comments",
]


@dataclass
class Scorecard:
    period: Period
    rows: list[Row]  # one per zone shown
    total: Row | None  # all zones together, with links (staff only)
    average: Row  # average per zone (counts) and metropolitan rates

    rate_columns = RATE_COLUMNS

    @property
    def count_columns(self) -> list[Figure]:
        return [FIGURES[key] for key in COUNT_COLUMNS]


def scorecard(period: Period, zones: list[Zone], *, with_total: bool) -> Scorecard:
    """The scorecard rows for ``zones`` plus the metropolitan rows, computed over every zone."""
    all_counts = {key: counts(figure, period) for key, figure in FIGURES.items()}
    # A row counted for several zones is one row of the all-zones list: one query each.
    distinct_totals = (
        {
            key: rows_for(figure, period, None).count()
            for key, figure in FIGURES.items()
            if figure.shared
        }
        if with_total
        else {}
    )
    zone_total = Zone.objects.count()

    def value_row(zone: Zone | None, label: str, linked: bool, average: bool = False) -> Row:
        row = Row(zone, label)

        def count_of(key: str) -> int | float:
            numbers = all_counts[key]
            if zone is not None:
                return numbers.get(zone.pk, 0)
            if average:  # each zone's own figure, averaged
                return sum(numbers.values()) / zone_total if zone_total else 0
            return distinct_totals.get(key, sum(numbers.values()))

        def url(key: str) -> str | None:
            return list_url(key, zone, period) if linked else None

        for column, _label, numerator, denominator in RATE_COLUMNS:
            if average:  # the metropolitan rate: all the zones' counts together
                row.values[column] = Value(
                    sum(all_counts[numerator].values()), of=sum(all_counts[denominator].values())
                )
            else:
                row.values[column] = Value(
                    count_of(numerator),
                    url(numerator),
                    of=count_of(denominator),
                    of_url=url(denominator),
                )
        for key in COUNT_COLUMNS:
            row.values[key] = Value(count_of(key), url(key))
        return row

    return Scorecard(
        period=period,
        rows=[value_row(zone, f"{zone.number}. {zone.name}", linked=True) for zone in zones],
        total=value_row(None, str(_("All zones")), linked=True) if with_total else None,
        average=value_row(None, str(_("Average per zone")), linked=False, average=True),
    )
