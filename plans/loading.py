"""Loading Strategic Plans from a CSV file (``manage.py load_plan``).

The file has one row per axis, strategy or action (``data/strategic-plan/README.md``): the
columns ``plan``, ``plan_title``, ``period``, ``axis_number``, ``axis_name_it``,
``axis_name_en``, ``source``, and optionally ``strategy_code``, ``strategy_name_it``,
``strategy_name_en``, ``action_code``, ``action_name_it``, ``action_name_en``.

The whole file is read and checked before anything is written: the first fault refuses it
with its line number, and the database is left as it was. Loading is idempotent: rows that
match the file are left alone, changed names are updated, and the report says which; nothing
is ever deleted (what the database has and the file does not is listed and kept). A plan
loaded for the first time is a draft; ``in_force`` puts one plan in force (the plan in force
before it becomes superseded) and ``superseded`` marks older plans as such.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from .models import Action, Axis, Plan, Strategy

REQUIRED_COLUMNS = [
    "plan",
    "plan_title",
    "period",
    "axis_number",
    "axis_name_it",
    "axis_name_en",
    "source",
]
OPTIONAL_COLUMNS = [
    "strategy_code",
    "strategy_name_it",
    "strategy_name_en",
    "action_code",
    "action_name_it",
    "action_name_en",
]
# The longest value each column may hold (the model's field).
MAX_LENGTHS = {
    "plan": 40,
    "plan_title": 200,
    "period": 20,
    "axis_name_it": 300,
    "axis_name_en": 300,
    "source": 500,
    "strategy_code": 20,
    "strategy_name_it": 300,
    "strategy_name_en": 300,
    "action_code": 20,
    "action_name_it": 300,
    "action_name_en": 300,
}
KINDS = ("Plans", "Axes", "Strategies", "Actions")


class PlanFileError(Exception):
    """A file that cannot be loaded; ``line`` is the 1-based line of the file at fault."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class KindReport:
    """What a load did to one kind of object."""

    kind: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = [
            f"{self.kind}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged."
        ]
        out += [f"  + {item}" for item in self.created]
        out += [f"  ~ {item}" for item in self.updated]
        return out


@dataclass
class Report:
    """What a load did, to be printed for the operator."""

    kinds: dict[str, KindReport] = field(
        default_factory=lambda: {kind: KindReport(kind) for kind in KINDS}
    )
    statuses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.statuses or any(r.created or r.updated for r in self.kinds.values()))

    def lines(self) -> list[str]:
        out = [line for report in self.kinds.values() for line in report.lines()]
        out += [f"  * {status}" for status in self.statuses]
        out += [f"  ! {note}" for note in self.notes]
        return out


# --- Reading and checking ---------------------------------------------------------------------


@dataclass
class _Item:
    """One plan, axis, strategy or action as the file describes it, and where first."""

    line: int
    values: dict
    children: dict = field(default_factory=dict)


def _read_records(path: Path) -> list[tuple[int, dict]]:
    """(line number, row as a dict) for the data rows, after checking the header."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(path, None, f"cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanFileError(
            path, line, "is not UTF-8 text (save the file as UTF-8 and load it again)."
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PlanFileError(path, line, "holds a NUL character: is it really a CSV file?")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = []
        start = 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PlanFileError(path, reader.line_num, f"is not well-formed CSV ({exc}).") from exc
    if not rows:
        raise PlanFileError(path, None, "is empty.")
    header = [cell.strip().lower() for cell in rows[0][1]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise PlanFileError(path, 1, f"missing column(s): {', '.join(missing)}.")
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise PlanFileError(path, 1, f"unknown column(s): {', '.join(unknown)}.")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise PlanFileError(path, 1, f"column(s) named twice: {', '.join(repeated)}.")
    records = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise PlanFileError(
                path, line, f"has {len(row)} columns where the header has {len(header)}."
            )
        record = {column: "" for column in OPTIONAL_COLUMNS}
        record.update({column: cell.strip() for column, cell in zip(header, row, strict=True)})
        records.append((line, record))
    if not records:
        raise PlanFileError(path, None, "has a header but no rows.")
    return records


def _check_row(path, line: int, record: dict) -> None:
    for column in ("plan", "plan_title", "period", "axis_number", "axis_name_it"):
        if not record[column]:
            raise PlanFileError(path, line, f"{column} is empty: it is required.")
    for column, longest in MAX_LENGTHS.items():
        if len(record[column]) > longest:
            raise PlanFileError(path, line, f"{column} is longer than {longest} characters.")
    code = record["plan"]
    if slugify(code) != code.lower() or not code.replace("-", "").replace("_", "").isalnum():
        raise PlanFileError(
            path,
            line,
            f"plan code '{code}' may hold only letters, digits, hyphens and underscores.",
        )
    number = record["axis_number"]
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= 999:
        raise PlanFileError(
            path, line, f"axis_number '{number}' is not a whole number from 1 to 999."
        )
    if record["source"]:
        try:
            URLValidator()(record["source"])
        except ValidationError:
            raise PlanFileError(
                path, line, f"source '{record['source'][:80]}' is not a web address."
            ) from None
    strategy, action = record["strategy_code"], record["action_code"]
    if not strategy and (record["strategy_name_it"] or record["strategy_name_en"]):
        raise PlanFileError(path, line, "a strategy name without its strategy_code.")
    if not action and (record["action_name_it"] or record["action_name_en"]):
        raise PlanFileError(path, line, "an action name without its action_code.")
    if strategy:
        if not strategy.startswith(f"{int(number)}.") or len(strategy) <= len(f"{int(number)}."):
            raise PlanFileError(
                path,
                line,
                f"strategy code '{strategy}' does not start with its axis number "
                f"({int(number)}.): strategy codes read like {int(number)}.1.",
            )
        if not record["strategy_name_it"]:
            raise PlanFileError(path, line, f"strategy {strategy} has no strategy_name_it.")
    if action:
        if not strategy:
            raise PlanFileError(
                path,
                line,
                f"action {action} has no strategy_code: an action belongs to a strategy.",
            )
        if not action.startswith(f"{strategy}.") or len(action) <= len(strategy) + 1:
            raise PlanFileError(
                path,
                line,
                f"action code '{action}' does not start with its strategy code ({strategy}.).",
            )
        if not record["action_name_it"]:
            raise PlanFileError(path, line, f"action {action} has no action_name_it.")


def _merge(path, line: int, items: dict, key, values: dict, what: str) -> _Item:
    """The item ``key`` of ``items``, created from ``values`` or checked against them."""
    item = items.get(key)
    if item is None:
        item = items[key] = _Item(line, values)
        return item
    for name, value in values.items():
        known = item.values[name]
        if name == "source":
            # The axis's source is the first one given; rows of its strategies may cite others.
            if not known and value:
                item.values[name] = value
            continue
        if known != value:
            raise PlanFileError(
                path,
                line,
                f"{what}: {name} '{value}' differs from '{known}' on line {item.line}; the "
                "same code must have the same names throughout the file.",
            )
    return item


def parse(path: Path | str) -> dict[str, _Item]:
    """The plans of the file, each with its axes, strategies and actions, checked."""
    path = Path(path)
    plans: dict[str, _Item] = {}
    strategy_axis: dict[tuple[str, str], tuple[int, int]] = {}
    for line, record in _read_records(path):
        _check_row(path, line, record)
        code = record["plan"]
        plan = _merge(
            path,
            line,
            plans,
            code,
            {"title": record["plan_title"], "period": record["period"]},
            f"plan {code}",
        )
        number = int(record["axis_number"])
        axis = _merge(
            path,
            line,
            plan.children,
            number,
            {
                "name_it": record["axis_name_it"],
                "name_en": record["axis_name_en"],
                "source": record["source"],
            },
            f"axis {number} of {code}",
        )
        if not record["strategy_code"]:
            continue
        strategy_code = record["strategy_code"]
        seen = strategy_axis.setdefault((code, strategy_code), (number, line))
        if seen[0] != number:
            raise PlanFileError(
                path,
                line,
                f"strategy {strategy_code} is under axis {number} here and under axis "
                f"{seen[0]} on line {seen[1]}.",
            )
        strategy = _merge(
            path,
            line,
            axis.children,
            strategy_code,
            {"name_it": record["strategy_name_it"], "name_en": record["strategy_name_en"]},
            f"strategy {strategy_code} of {code}",
        )
        if record["action_code"]:
            _merge(
                path,
                line,
                strategy.children,
                record["action_code"],
                {"name_it": record["action_name_it"], "name_en": record["action_name_en"]},
                f"action {record['action_code']} of {code}",
            )
    return plans


# --- Writing ----------------------------------------------------------------------------------


def _update(obj, values: dict) -> list[str]:
    """Set ``values`` on ``obj``; what changed, as "field old → new"."""
    changes = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes.append(f"{name} {_show(old)} → {_show(new)}")
            setattr(obj, name, new)
    return changes


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}…'"


def _save(report: KindReport, obj, values: dict, label: str) -> None:
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        report.created.append(label)
        return
    changes = _update(obj, values)
    if changes:
        obj.full_clean()
        obj.save()
        report.updated.append(f"{label}: {'; '.join(changes)}")
    else:
        report.unchanged += 1


def _apply(plans: dict[str, _Item], report: Report) -> None:
    existing_plans = {plan.code: plan for plan in Plan.objects.all()}
    codes = list(plans)
    axes = {
        (axis.plan.code, axis.number): axis
        for axis in Axis.objects.filter(plan__code__in=codes).select_related("plan")
    }
    strategies = {
        (s.axis.plan.code, s.code): s
        for s in Strategy.objects.filter(axis__plan__code__in=codes).select_related("axis__plan")
    }
    actions = {
        (a.strategy.axis.plan.code, a.code): a
        for a in Action.objects.filter(strategy__axis__plan__code__in=codes).select_related(
            "strategy__axis__plan"
        )
    }
    seen_axes, seen_strategies, seen_actions = set(), set(), set()
    for code, plan_item in plans.items():
        plan = existing_plans.get(code) or Plan(code=code)
        _save(
            report.kinds["Plans"],
            plan,
            plan_item.values,
            f"{code} {plan_item.values['title']} ({plan_item.values['period']})",
        )
        for number, axis_item in plan_item.children.items():
            seen_axes.add((code, number))
            axis = axes.get((code, number)) or Axis(plan=plan, number=number)
            _save(
                report.kinds["Axes"],
                axis,
                axis_item.values,
                f"{code} axis {number} {axis_item.values['name_it']}",
            )
            for position, (s_code, s_item) in enumerate(axis_item.children.items(), start=1):
                seen_strategies.add((code, s_code))
                strategy = strategies.get((code, s_code)) or Strategy(axis=axis, code=s_code)
                _save(
                    report.kinds["Strategies"],
                    strategy,
                    {**s_item.values, "position": position},
                    f"{code} strategy {s_code} {s_item.values['name_it']}",
                )
                for a_position, (a_code, a_item) in enumerate(s_item.children.items(), start=1):
                    seen_actions.add((code, a_code))
                    action = actions.get((code, a_code)) or Action(strategy=strategy, code=a_code)
                    _save(
                        report.kinds["Actions"],
                        action,
                        {**a_item.values, "position": a_position},
                        f"{code} action {a_code} {a_item.values['name_it']}",
                    )
    _note_absent(report, "plans", [c for c in existing_plans if c not in plans])
    _note_absent(report, "axes", [f"{c} axis {n}" for (c, n) in axes if (c, n) not in seen_axes])
    _note_absent(
        report,
        "strategies",
        [f"{c} {s}" for (c, s) in strategies if (c, s) not in seen_strategies],
    )
    _note_absent(
        report, "actions", [f"{c} {a}" for (c, a) in actions if (c, a) not in seen_actions]
    )


def _note_absent(report: Report, kind: str, absent: list[str]) -> None:
    if absent:
        shown = ", ".join(sorted(absent)[:20]) + (" …" if len(absent) > 20 else "")
        report.notes.append(
            f"{len(absent)} {kind} in the database are not in the file and were kept: {shown}"
        )


def _set_statuses(report: Report, in_force: str | None, superseded: list[str]) -> None:
    S = Plan.Status
    for code in superseded:
        plan = Plan.objects.get(code=code)
        if plan.status != S.SUPERSEDED:
            report.statuses.append(f"{code}: {_status(plan)} → superseded")
            plan.status = S.SUPERSEDED
            plan.save(update_fields=["status", "updated_at"])
    if not in_force:
        return
    plan = Plan.objects.get(code=in_force)
    if plan.status == S.IN_FORCE:
        return
    # The plan in force before this one is superseded first: at most one may be in force.
    for previous in Plan.objects.in_force():
        report.statuses.append(f"{previous.code}: in force → superseded")
        previous.status = S.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    report.statuses.append(f"{plan.code}: {_status(plan)} → in force")
    plan.status = S.IN_FORCE
    plan.save(update_fields=["status", "updated_at"])


def _status(plan: Plan) -> str:
    return plan.status.replace("_", " ")


def load_plan_file(
    path: Path | str, *, in_force: str | None = None, superseded: tuple[str, ...] = ()
) -> Report:
    """Check a plan file and load it, all or nothing; set the plans' statuses if asked."""
    path = Path(path)
    plans = parse(path)
    superseded = list(dict.fromkeys(superseded))
    if in_force and in_force in superseded:
        raise PlanFileError(path, None, f"{in_force} cannot be both in force and superseded.")
    known = set(plans) | set(
        Plan.objects.filter(code__in=[c for c in [in_force, *superseded] if c]).values_list(
            "code", flat=True
        )
    )
    for code in [in_force, *superseded]:
        if code and code not in known:
            raise PlanFileError(
                path,
                None,
                f"there is no plan {code} in the file or in the database (the file has "
                f"{', '.join(plans)}).",
            )
    report = Report()
    with transaction.atomic():
        _apply(plans, report)
        _set_statuses(report, in_force, superseded)
    return report
