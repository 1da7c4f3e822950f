"""The contribution report of a Strategic Plan: what the Round Table's work brought to each axis
(and strategy) of the plan, per zone and in total; the dossier for the plan's yearly revision.

What counts, for an axis or a strategy of the plan:

- **practices**: the *published* practices tagged with it; each counts for its owning zone.
- **adoptions**: the transfers of those practices at the *adopted* stage by a zone *other* than
  the owner (a zone taking up its own practice is not an adoption); each counts for the
  adopting zone.
- **decisions** tagged with it. A decision is the Round Table's, not a zone's: it counts once
  in the total, and also for the zone that proposed the agenda item it was taken on, if any
  (so the zones' decisions need not add up to the total).
- **action items** tagged with it, by status (open, in progress, done, dropped) and overdue
  (open or in progress past their due date, on the day of the report); each counts for every
  zone it is assigned to, and once in the total (so the zones' actions may add up to more).

An item is tagged with an axis when it carries the axis, or a strategy of it, or an action of
one of its strategies: the tagging keeps the axis set, but the report does not rely on it, and
counts each item once per axis however many of those it carries. The same for a strategy
(directly, or through one of its actions). Only tags of this plan's axes, strategies and
actions count.

A period (``Period``, dates both included, either end open) keeps the practices published in
it, the adoptions dated in it (the first step at the adopted stage; an adoption without a dated
step has no date, so it counts only over the whole record) and the decisions and action items
of the meetings held in it. Action items are counted by their status on the day of the report.

A constant number of queries whatever the amount of data: the plan's axes and strategies, the
zones, three per kind of tagged item (tagged by axis, by strategy, by action of the plan), the
adopted transfers, and the zones assigned to the actions. The counting is done here, on sets of
ids, so that nothing is counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from meetings.models import ActionItem, Decision
from plans.models import Axis, Plan, Strategy
from practices.models import Practice, Transfer
from zones.models import Zone

from .trends import Period

OPEN_STATUSES = {ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS}
# Scopes: ("axis", axis id), ("strategy", strategy id), or the whole plan.
PLAN = ("plan", None)


@dataclass(frozen=True)
class Figures:
    practices: int = 0
    adoptions: int = 0
    decisions: int = 0
    open: int = 0
    in_progress: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def actions(self) -> int:
        return self.open + self.in_progress + self.done + self.dropped

    @property
    def is_empty(self) -> bool:
        """No contribution at all: nothing published, adopted, decided or assigned."""
        return not (self.practices or self.adoptions or self.decisions or self.actions)

    def values(self) -> list[int]:
        """The figures in the order of the columns of the page and of the CSV."""
        return [
            self.practices,
            self.adoptions,
            self.decisions,
            self.actions,
            self.open,
            self.in_progress,
            self.done,
            self.dropped,
            self.overdue,
        ]


@dataclass
class _Tally:
    """The ids counted in one scope for one zone (or for all zones)."""

    practices: set[int] = field(default_factory=set)
    adoptions: set[int] = field(default_factory=set)
    decisions: set[int] = field(default_factory=set)
    actions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    overdue: set[int] = field(default_factory=set)

    def figures(self) -> Figures:
        return Figures(
            practices=len(self.practices),
            adoptions=len(self.adoptions),
            decisions=len(self.decisions),
            open=len(self.actions[ActionItem.Status.OPEN]),
            in_progress=len(self.actions[ActionItem.Status.IN_PROGRESS]),
            done=len(self.actions[ActionItem.Status.DONE]),
            dropped=len(self.actions[ActionItem.Status.DROPPED]),
            overdue=len(self.overdue),
        )


@dataclass(frozen=True)
class ZoneRow:
    zone: Zone
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    """A scope's figures per zone (every zone, in order) and in total."""

    zones: list[ZoneRow]
    total: Figures

    @property
    def is_empty(self) -> bool:
        return self.total.is_empty

    @property
    def silent_zones(self) -> list[Zone]:
        """The zones with no contribution in this scope."""
        return [row.zone for row in self.zones if row.figures.is_empty]

    @property
    def contributing_zones(self) -> list[Zone]:
        return [row.zone for row in self.zones if not row.figures.is_empty]


@dataclass(frozen=True)
class StrategySection:
    strategy: Strategy
    breakdown: Breakdown


@dataclass(frozen=True)
class AxisSection:
    axis: Axis
    breakdown: Breakdown
    strategies: list[StrategySection]


@dataclass(frozen=True)
class PlanReport:
    plan: Plan
    period: Period
    today: date
    zones: list[Zone]
    axes: list[AxisSection]
    overall: Breakdown

    @property
    def empty_axes(self) -> list[AxisSection]:
        return [section for section in self.axes if section.breakdown.is_empty]

    @property
    def silent_zones(self) -> list[Zone]:
        """The zones with no contribution to any axis of the plan."""
        return self.overall.silent_zones

    @property
    def has_period(self) -> bool:
        return self.period.start is not None or self.period.end is not None


class _Tallies:
    """Tallies per (scope, zone id); the zone ``None`` is the total of all zones."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, _Tally] = defaultdict(_Tally)

    def each(self, scopes: Iterable[tuple], zones: Iterable[int | None]) -> Iterator[_Tally]:
        """The tallies of every scope given and of the whole plan, for each zone given."""
        for scope in {*scopes, PLAN}:
            for zone_id in zones:
                yield self._by_key[scope, zone_id]

    def breakdown(self, scope: tuple, zones: list[Zone]) -> Breakdown:
        return Breakdown(
            zones=[ZoneRow(zone, self._by_key[scope, zone.pk].figures()) for zone in zones],
            total=self._by_key[scope, None].figures(),
        )


def _scopes(axis_id: int, strategy_id: int | None) -> set[tuple]:
    scopes = {("axis", axis_id)}
    if strategy_id is not None:
        scopes.add(("strategy", strategy_id))
    return scopes


def _tag_rows(model, plan: Plan, items: QuerySet | None, *fields: str) -> list[tuple]:
    """``(item id, axis id, strategy id or None, *fields)`` for every tag of ``model``'s items
    (``items``, or all) to the plan: by axis, by strategy, by action of the plan. Three
    queries; an item tagged several ways gives several rows."""
    source = model._meta.model_name
    restrict = {f"{source}__in": items} if items is not None else {}
    extra = [f"{source}__{name}" for name in fields]
    by_axis = (
        model.axes.through.objects.filter(axis__plan=plan, **restrict)
        .order_by()
        .values_list(f"{source}_id", "axis_id", *extra)
    )
    by_strategy = (
        model.plan_strategies.through.objects.filter(strategy__axis__plan=plan, **restrict)
        .order_by()
        .values_list(f"{source}_id", "strategy__axis_id", "strategy_id", *extra)
    )
    by_action = (
        model.plan_actions.through.objects.filter(action__strategy__axis__plan=plan, **restrict)
        .order_by()
        .values_list(f"{source}_id", "action__strategy__axis_id", "action__strategy_id", *extra)
    )
    rows = [(item, axis, None, *rest) for item, axis, *rest in by_axis]
    return [*rows, *by_strategy, *by_action]


def _tagged(model, plan: Plan) -> QuerySet:
    """``model``'s items tagged with the plan in any of the three ways (for a subquery)."""
    return model.objects.filter(
        Q(axes__plan=plan)
        | Q(plan_strategies__axis__plan=plan)
        | Q(plan_actions__strategy__axis__plan=plan)
    ).values("pk")


def _in_period(moment: datetime | date | None, period: Period) -> bool:
    """Whether a date or moment (local date) falls in the period; an undated item only counts
    when no period is asked for."""
    if period.start is None and period.end is None:
        return True
    if moment is None:
        return False
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return day in period


def contribution_report(plan: Plan, *, period: Period | None = None, today=None) -> PlanReport:
    """The figures of ``plan``'s axes and strategies, per zone and in total."""
    period = period or Period()
    today = today or timezone.localdate()
    zones = list(Zone.objects.order_by("number"))
    axes = list(plan.axes.order_by("number"))
    strategies = list(
        Strategy.objects.filter(axis__plan=plan).order_by("axis__number", "position", "code")
    )
    tallies = _Tallies()

    # Published practices, for their owning zone; where each travelled is kept for adoptions.
    practice_scopes: dict[int, set[tuple]] = defaultdict(set)
    for practice, axis, strategy, zone, published_at in _tag_rows(
        Practice, plan, Practice.objects.published(), "zone_id", "published_at"
    ):
        scopes = _scopes(axis, strategy)
        practice_scopes[practice] |= scopes
        if _in_period(published_at, period):
            for tally in tallies.each(scopes, (zone, None)):
                tally.practices.add(practice)

    # Adoptions by other zones of those practices, for the adopting zone.
    adopted = Transfer.Stage.ADOPTED
    transfers = (
        Transfer.objects.filter(stage=adopted, practice__status=Practice.Status.PUBLISHED)
        .exclude(zone_id=F("practice__zone_id"))
        .filter(practice__in=_tagged(Practice, plan))
        .annotate(adopted_on=Min("steps__on", filter=Q(steps__stage=adopted)))
        .order_by()
        .values_list("pk", "practice_id", "zone_id", "adopted_on")
    )
    for transfer, practice, zone, adopted_on in transfers:
        if practice in practice_scopes and _in_period(adopted_on, period):
            for tally in tallies.each(practice_scopes[practice], (zone, None)):
                tally.adoptions.add(transfer)

    # Decisions: in the total, and for the zone that proposed their agenda item.
    for decision, axis, strategy, proposing_zone, held_on in _tag_rows(
        Decision, plan, None, "agenda_item__proposing_zone_id", "agenda_item__meeting__starts_at"
    ):
        if _in_period(held_on, period):
            zones_counted = (None,) if proposing_zone is None else (proposing_zone, None)
            for tally in tallies.each(_scopes(axis, strategy), zones_counted):
                tally.decisions.add(decision)

    # Action items, by status, for each zone assigned and once in the total.
    assigned: dict[int, list[int]] = defaultdict(list)
    for action, zone in (
        ActionItem.zones.through.objects.filter(actionitem__in=_tagged(ActionItem, plan))
        .order_by()
        .values_list("actionitem_id", "zone_id")
    ):
        assigned[action].append(zone)
    for action, axis, strategy, status, due_date, held_on in _tag_rows(
        ActionItem, plan, None, "status", "due_date", "decision__agenda_item__meeting__starts_at"
    ):
        if not _in_period(held_on, period):
            continue
        overdue = status in OPEN_STATUSES and due_date < today
        for tally in tallies.each(_scopes(axis, strategy), (*assigned[action], None)):
            tally.actions[status].add(action)
            if overdue:
                tally.overdue.add(action)

    sections = [
        AxisSection(
            axis=axis,
            breakdown=tallies.breakdown(("axis", axis.pk), zones),
            strategies=[
                StrategySection(strategy, tallies.breakdown(("strategy", strategy.pk), zones))
                for strategy in strategies
                if strategy.axis_id == axis.pk
            ],
        )
        for axis in axes
    ]
    return PlanReport(
        plan=plan,
        period=period,
        today=today,
        zones=zones,
        axes=sections,
        overall=tallies.breakdown(PLAN, zones),
    )
