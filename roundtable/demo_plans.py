"""The Strategic Plan in the demo: ``seed_demo`` calls ``seed_plans()`` after the practices and
the meetings.

If no plan is in force, the shipped file (``data/strategic-plan/axes.csv``) is loaded through
``plans.loading`` with PSM 2024-2026 in force and PSM 2021-2023 superseded, as ``make run``
does. Then the demo practices, decisions and action items are tagged with axes of the plan in
force, deterministically: a practice by its themes (``THEME_AXES``), a decision by the words of
its agenda item and text, an action item by its own words and else its decision's axes
(``KEYWORD_AXES``). Some decisions match no axis (the Round Table's own business: its method,
its calendar, the minutes) and stay untagged, as they would be.

Idempotent: only what has no tag of the plan in force yet is tagged, so a second run changes
nothing (and tags staff changed by hand are left as they are).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from meetings.models import ActionItem, Decision
from plans.loading import load_plan_file
from plans.models import Axis, Plan
from plans.tagging import PlanTags, plan_in_force, save_plan_tags
from practices.models import Practice

from . import demo_practices as dp
from .demo_meetings import demo_titles

PLAN_FILE = settings.BASE_DIR / "data" / "strategic-plan" / "axes.csv"
IN_FORCE = "PSM-2024-2026"
SUPERSEDED = ("PSM-2021-2023",)

# The axes of PSM 2024-2026: 1 more productive and innovative, 2 greener and more ecological,
# 3 more mobile, accessible and connected, 4 learns more, 5 more attractive, fair and equal,
# 6 healthier.
THEME_AXES = {
    dp.HEALTH: 6,
    dp.SCHOOL: 4,
    dp.MOBILITY: 3,
    dp.COMMERCE: 1,
    dp.SOCIAL: 5,
    dp.CULTURE: 5,
    dp.DIGITAL: 1,
    dp.ADMIN: 1,
    dp.GREEN: 2,
    dp.CIVIL: 6,
}
# Word stems (lower case) in a decision's or action's text, and the axis they point to.
KEYWORD_AXES = [
    (1, ("digital", "lavoro agile", "impres", "negozi", "commerc", "mercato", "produttiv")),
    (2, ("ambient", "rifiut", "idric", "acqua", "parco", "fluvial", "verde", "energi")),
    (3, ("trasport", "mobilit", "bus ", "navetta", "interscambio", "stazion", "neve")),
    (4, ("scuol", "scolastic", "didattic", "bibliotec", "aule ", "orientamento")),
    (5, ("social", "fragil", "abitativ", "anzian", "turism", "francigena", "borghi", "ceramic")),
    (6, ("salute", "sanitar", "ambulator", "farmac", "protezione civile", "sicurezz")),
]


def axes_for_text(text: str) -> set[int]:
    text = f" {text.lower()} "
    return {axis for axis, stems in KEYWORD_AXES if any(stem in text for stem in stems)}


def seed_plans() -> dict:
    """Load the plan if none is in force, then tag the demo content; what was done."""
    loaded = False
    with transaction.atomic():
        if plan_in_force() is None:
            load_plan_file(PLAN_FILE, in_force=IN_FORCE, superseded=SUPERSEDED)
            loaded = True
        plan = Plan.objects.in_force().get()
        axes = {axis.number: axis for axis in Axis.objects.filter(plan=plan)}
        counts = {
            "loaded": loaded,
            "plan": plan,
            "practices": _tag_practices(plan, axes),
            "decisions": 0,
            "actions": 0,
        }
        counts["decisions"], counts["actions"] = _tag_meetings(plan, axes)
    return counts


def _untagged(queryset, plan: Plan):
    return queryset.exclude(axes__plan=plan)


def _tag(obj, plan: Plan, axes: dict, numbers: set[int]) -> bool:
    chosen = [axes[number] for number in sorted(numbers) if number in axes]
    if not chosen:
        return False
    return save_plan_tags(obj, PlanTags(plan=plan, axes=chosen))


def _tag_practices(plan: Plan, axes: dict) -> int:
    titles = [spec.title for spec in dp.PRACTICES]
    practices = _untagged(Practice.objects.filter(title__in=titles), plan).prefetch_related(
        "themes"
    )
    tagged = 0
    for practice in practices.order_by("pk"):
        numbers = {THEME_AXES[t.slug] for t in practice.themes.all() if t.slug in THEME_AXES}
        tagged += _tag(practice, plan, axes, numbers)
    return tagged


def _tag_meetings(plan: Plan, axes: dict) -> tuple[int, int]:
    meetings = demo_titles()
    decisions = _untagged(
        Decision.objects.filter(agenda_item__meeting__title__in=meetings), plan
    ).select_related("agenda_item__practice")
    decided: dict[int, set[int]] = {}
    tagged_decisions = 0
    for decision in decisions.order_by("pk"):
        item = decision.agenda_item
        numbers = axes_for_text(f"{item.title} {decision.text}")
        if item.practice_id:
            numbers |= {
                THEME_AXES[t.slug] for t in item.practice.themes.all() if t.slug in THEME_AXES
            }
        decided[decision.pk] = numbers
        tagged_decisions += _tag(decision, plan, axes, numbers)
    actions = _untagged(
        ActionItem.objects.filter(decision__agenda_item__meeting__title__in=meetings), plan
    ).select_related("decision__agenda_item")
    tagged_actions = 0
    for action in actions.order_by("pk"):
        numbers = axes_for_text(f"{action.title} {action.description}")
        if not numbers:
            numbers = decided.get(action.decision_id) or axes_for_text(
                f"{action.decision.agenda_item.title} {action.decision.text}"
            )
        tagged_actions += _tag(action, plan, axes, numbers)
    return tagged_decisions, tagged_actions
