"""The dashboard's trends: what the Round Table did, quarter by quarter.

Three figures per calendar quarter, on local dates (``TIME_ZONE``, Europe/Rome):

- **practices published**: each practice counts once, in the quarter of its *first*
  publication (the earliest ``Transition`` to published; for a practice published without one,
  e.g. imported, its ``published_at``). ``published_at`` is set again whenever a practice is
  published again, and archiving does not undo a publication: counted this way, a quarter's
  figure never changes after the fact.
- **transfers**: two series, transfers *declared* (``Transfer.created_at``) and transfers
  *adopted* (the date, ``on``, of the transfer's first step at the adopted stage; a transfer
  marked adopted without a dated step has no date to count it by).
- **attendance** at the meetings *held* (cancelled and scheduled ones are left out): the
  meetings held, the zones' invitations whose attendance was recorded, those present (in
  person or through a substitute), and the rate present / recorded. A quarter with no meeting
  held, or none with attendance recorded, has no rate (``None``): "no data", not 0 %.

The quarters run from the first one with any of these figures to the current one (or to the
quarter of the last figure, were one dated later); a quarter without any is kept, with zeros,
so that a gap shows as one. A period (``start``/``end`` dates, both included) keeps the figures
dated in it and the quarters it touches, within that same span. A zone keeps the practices it
owns, the transfers into it and its own invitations (and the meetings that invited it).

Four queries whatever the amount of data: the dates are fetched and put in quarters here,
which keeps the time zone handling in Python (truncating dates in SQL would depend on the
database's own time zone support).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Invitation, Meeting
from practices.models import Practice, Transfer, TransferStep
from zones.models import Zone

from .charts import format_percent


class Quarter(NamedTuple):
    """A calendar quarter: ``Quarter(2025, 3)`` is July to September 2025."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def label(self) -> str:
        # Translators: a calendar quarter, e.g. "2025 Q3"; Italian "3º trim. 2025".
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.number}

    def __str__(self) -> str:
        return self.label


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last``, both included (none if ``last`` is earlier)."""
    quarters = []
    quarter = first
    while quarter <= last:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


@dataclass(frozen=True)
class Attendance:
    """The attendance at the meetings held in one quarter."""

    meetings: int = 0
    recorded: int = 0
    present: int = 0

    @property
    def rate(self) -> float | None:
        """Present (or substituted) over recorded invitations, 0 to 1; None without data."""
        return self.present / self.recorded if self.recorded else None

    @property
    def percent(self) -> str:
        """The rate as a percentage in the current language's format ("" without data)."""
        return "" if self.rate is None else format_percent(self.rate)

    def __add__(self, other: Attendance) -> Attendance:
        return Attendance(
            self.meetings + other.meetings,
            self.recorded + other.recorded,
            self.present + other.present,
        )


@dataclass(frozen=True)
class QuarterFigures:
    quarter: Quarter
    published: int
    declared: int
    adopted: int
    attendance: Attendance


@dataclass(frozen=True)
class Period:
    """The dates asked for, both included; either end may be open."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def _first_publications(zone: Zone | None) -> list[date]:
    practices = Practice.objects.order_by()
    if zone is not None:
        practices = practices.filter(zone=zone)
    first = Min("transitions__at", filter=Q(transitions__to_status=Practice.Status.PUBLISHED))
    moments = (
        practices.annotate(first=Coalesce(first, "published_at"))
        .filter(first__isnull=False)
        .values_list("first", flat=True)
    )
    return [_local(moment) for moment in moments]


def _declarations(zone: Zone | None) -> list[date]:
    transfers = Transfer.objects.order_by()
    if zone is not None:
        transfers = transfers.filter(zone=zone)
    return [_local(moment) for moment in transfers.values_list("created_at", flat=True)]


def _adoptions(zone: Zone | None) -> list[date]:
    steps = TransferStep.objects.filter(stage=Transfer.Stage.ADOPTED).order_by()
    if zone is not None:
        steps = steps.filter(transfer__zone=zone)
    return list(steps.values("transfer").annotate(on=Min("on")).values_list("on", flat=True))


def _meetings(zone: Zone | None) -> list[tuple[date, Attendance]]:
    invitations = Q(invitations__zone=zone) if zone is not None else Q()
    recorded = invitations & ~Q(invitations__attendance=Invitation.Attendance.UNRECORDED)
    present = invitations & Q(
        invitations__attendance__in=[
            Invitation.Attendance.PRESENT,
            Invitation.Attendance.SUBSTITUTE,
        ]
    )
    meetings = Meeting.objects.filter(status=Meeting.Status.HELD).order_by()
    if zone is not None:
        meetings = meetings.filter(invitations__zone=zone)
    rows = meetings.annotate(
        recorded=Count("invitations", filter=recorded),
        present=Count("invitations", filter=present),
    ).values_list("starts_at", "recorded", "present")
    return [(_local(starts), Attendance(1, rec, pres)) for starts, rec, pres in rows]


def _per_quarter(days: Iterable[date], period: Period) -> Counter[Quarter]:
    return Counter(Quarter.of(day) for day in days if day in period)


def quarterly_trends(
    *, zone: Zone | None = None, period: Period | None = None, today: date | None = None
) -> list[QuarterFigures]:
    """The figures of every quarter in the span (see the module's docstring), oldest first."""
    period = period or Period()
    today = today or timezone.localdate()
    published, declared, adopted = (
        _first_publications(zone),
        _declarations(zone),
        _adoptions(zone),
    )
    meetings = _meetings(zone)
    dated = [*published, *declared, *adopted, *(day for day, _attendance in meetings)]
    if not dated:
        return []
    first = Quarter.of(min(dated))
    last = max(Quarter.of(today), Quarter.of(max(dated)))
    if period.start:
        first = max(first, Quarter.of(period.start))
    if period.end:
        last = min(last, Quarter.of(period.end))
    counts = [_per_quarter(days, period) for days in (published, declared, adopted)]
    attendance: dict[Quarter, Attendance] = defaultdict(Attendance)
    for day, figures in meetings:
        if day in period:
            attendance[Quarter.of(day)] += figures
    return [
        QuarterFigures(
            quarter=quarter,
            published=counts[0][quarter],
            declared=counts[1][quarter],
            adopted=counts[2][quarter],
            attendance=attendance[quarter],
        )
        for quarter in quarters_between(first, last)
    ]
