"""Tagging practices, decisions and action items with the Strategic Plan.

What is tagged declares three many-to-many fields, ``axes``, ``plan_strategies`` and
``plan_actions`` (``practices.Practice``, ``meetings.Decision``, ``meetings.ActionItem``); this
module works on any of them without importing their apps.

The rules, in one place:

- only the axes, strategies and actions of the plan **in force** may be chosen; an id of
  another plan is refused with a message naming the plan in force;
- a strategy implies its axis and an action its strategy and axis: the three are kept
  consistent whenever tags are saved (``PlanTags.completed``);
- tags of other plans (a plan since superseded) are kept when the tags of the plan in force are
  saved: they record what the item contributed to in its day.

Forms get the three fields from ``PlanTagsFormMixin`` (the practice form, the decision and action
forms) or use ``PlanTagsForm`` on its own (the staff's small form on a practice or action page);
``save_plan_tags`` writes them. Who may tag what is each app's ``permissions`` business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from zones.fields import IdsField

from .models import Action, Axis, Plan, Strategy

FIELDS = ("axes", "plan_strategies", "plan_actions")


def plan_in_force() -> Plan | None:
    return Plan.objects.in_force().first()


@dataclass
class PlanTags:
    """The axes, strategies and actions of one plan chosen for an item."""

    plan: Plan
    axes: list[Axis] = field(default_factory=list)
    strategies: list[Strategy] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def completed(self) -> PlanTags:
        """These tags with the strategy of each action and the axis of each strategy added.
        Refuses (ValueError) anything that is not of ``plan``."""
        actions = {action.pk: action for action in self.actions}
        strategies = {strategy.pk: strategy for strategy in self.strategies}
        for action in actions.values():
            strategies.setdefault(action.strategy_id, action.strategy)
        axes = {axis.pk: axis for axis in self.axes}
        for strategy in strategies.values():
            axes.setdefault(strategy.axis_id, strategy.axis)
        if any(axis.plan_id != self.plan.pk for axis in axes.values()):
            raise ValueError("Only the axes of one plan may be saved together.")
        return PlanTags(
            plan=self.plan,
            axes=sorted(axes.values(), key=lambda axis: axis.number),
            strategies=sorted(strategies.values(), key=lambda s: (s.axis_id, s.position, s.code)),
            actions=sorted(actions.values(), key=lambda a: (a.strategy_id, a.position, a.code)),
        )


def save_plan_tags(obj, tags: PlanTags) -> bool:
    """Set ``obj``'s tags of ``tags.plan`` (completed), keeping its tags of other plans.
    Whether anything changed."""
    tags = tags.completed()
    changed = False
    relations = (
        (obj.axes, tags.axes, "plan"),
        (obj.plan_strategies, tags.strategies, "axis__plan"),
        (obj.plan_actions, tags.actions, "strategy__axis__plan"),
    )
    with transaction.atomic():
        for relation, chosen, to_plan in relations:
            current = set(relation.filter(**{to_plan: tags.plan}).values_list("pk", flat=True))
            wanted = {item.pk for item in chosen}
            if current - wanted:
                relation.remove(*(current - wanted))
                changed = True
            if wanted - current:
                relation.add(*(wanted - current))
                changed = True
    return changed


def prefetch_plan_tags(prefix: str = "") -> list[Prefetch]:
    """What a page showing the tags of many items prefetches (three queries in all)."""
    return [
        Prefetch(f"{prefix}axes", queryset=Axis.objects.select_related("plan")),
        Prefetch(f"{prefix}plan_strategies", queryset=Strategy.objects.all()),
        Prefetch(f"{prefix}plan_actions", queryset=Action.objects.all()),
    ]


def tag_tree(obj) -> list[dict]:
    """``obj``'s tags for display: each axis with its strategies, each with its actions. Reads
    the relations with ``.all()``, so that prefetched tags (``prefetch_plan_tags``) cost
    nothing more."""
    strategies = sorted(obj.plan_strategies.all(), key=lambda s: (s.position, s.code))
    actions = sorted(obj.plan_actions.all(), key=lambda a: (a.position, a.code))
    axes = sorted(obj.axes.all(), key=lambda axis: (axis.plan.status != "in_force", axis.number))
    return [
        {
            "axis": axis,
            "in_force": axis.plan.status == Plan.Status.IN_FORCE,
            "strategies": [
                {
                    "strategy": strategy,
                    "actions": [a for a in actions if a.strategy_id == strategy.pk],
                }
                for strategy in strategies
                if strategy.axis_id == axis.pk
            ],
        }
        for axis in axes
    ]


# --- Forms ------------------------------------------------------------------------------------


class PlanChoiceField(IdsField):
    """A multiple choice among the plan in force's items, by id. An id that is not a whole
    number a database can hold, or not of the plan in force, is refused with a message."""


def _field(queryset, label, plan: Plan) -> PlanChoiceField:
    not_of_plan = _(
        "Choose from the plan in force (%(plan)s): “%%(value)s” is not one of its items."
    ) % {"plan": plan}
    return PlanChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": not_of_plan,
            "invalid_pk_value": _("“%(pk)s” is not an item of the plan."),
        },
    )


class PlanTagsFormMixin:
    """Adds ``axes``, ``plan_strategies`` and ``plan_actions`` of the plan in force to a form
    (none when no plan is in force). Call ``add_plan_tags`` at the end of ``__init__`` and
    ``complete_plan_tags`` in ``clean``; ``plan_tags`` is then what to save."""

    plan = None

    def add_plan_tags(self, *, tagged=None) -> None:
        """Add the three fields; ``tagged``, an item already saved, gives their initial value
        (read with ``.all()``: prefetched tags cost no query)."""
        self.plan = plan_in_force()
        if self.plan is None:
            return
        plan = self.plan
        self.fields["axes"] = _field(
            Axis.objects.filter(plan=plan).select_related("plan").order_by("number"),
            _("Axes of the Strategic Plan"),
            plan,
        )
        self.fields["plan_strategies"] = _field(
            Strategy.objects.filter(axis__plan=plan)
            .select_related("axis__plan")
            .order_by("axis__number", "position", "code"),
            _("Strategies of the plan"),
            plan,
        )
        self.fields["plan_actions"] = _field(
            Action.objects.filter(strategy__axis__plan=plan)
            .select_related("strategy__axis__plan")
            .order_by("strategy__axis__number", "strategy__position", "position", "code"),
            _("Actions of the plan"),
            plan,
        )
        if tagged is not None and tagged.pk is not None:
            for name in FIELDS:
                of_plan = {item.pk for item in self._plan_items[name]}
                self.initial.setdefault(
                    name, [item.pk for item in getattr(tagged, name).all() if item.pk in of_plan]
                )

    @cached_property
    def _plan_items(self) -> dict[str, list]:
        """The plan in force's axes, strategies and actions (one query each)."""
        return {name: list(self.fields[name].queryset) for name in FIELDS}

    def complete_plan_tags(self, cleaned: dict) -> None:
        """Add to the choice the strategy of each action and the axis of each strategy."""
        if self.plan is None or any(name in self.errors for name in FIELDS):
            return
        tags = PlanTags(
            plan=self.plan,
            axes=list(cleaned.get("axes") or []),
            strategies=list(cleaned.get("plan_strategies") or []),
            actions=list(cleaned.get("plan_actions") or []),
        ).completed()
        cleaned["axes"], cleaned["plan_strategies"], cleaned["plan_actions"] = (
            tags.axes,
            tags.strategies,
            tags.actions,
        )

    @property
    def plan_tags(self) -> PlanTags | None:
        """The tags chosen (after ``is_valid``), or None when there is no plan in force."""
        if self.plan is None:
            return None
        data = self.cleaned_data
        return PlanTags(
            plan=self.plan,
            axes=list(data.get("axes") or []),
            strategies=list(data.get("plan_strategies") or []),
            actions=list(data.get("plan_actions") or []),
        )

    def cleaned_without_plan_tags(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key not in FIELDS}

    @cached_property
    def plan_tag_tree(self) -> list[dict]:
        """The plan in force as a tree of checkboxes: each axis with its strategies, each
        strategy with its actions, and which are ticked (as submitted, or as saved)."""
        if self.plan is None:
            return []
        ticked = {name: {str(pk) for pk in (self[name].value() or [])} for name in FIELDS}
        strategies = self._plan_items["plan_strategies"]
        actions = self._plan_items["plan_actions"]
        tree = []
        for axis in self._plan_items["axes"]:
            nodes = []
            for strategy in strategies:
                if strategy.axis_id != axis.pk:
                    continue
                leaves = [
                    {"action": action, "checked": str(action.pk) in ticked["plan_actions"]}
                    for action in actions
                    if action.strategy_id == strategy.pk
                ]
                nodes.append(
                    {
                        "strategy": strategy,
                        "checked": str(strategy.pk) in ticked["plan_strategies"],
                        "actions": leaves,
                    }
                )
            tree.append(
                {
                    "axis": axis,
                    "checked": str(axis.pk) in ticked["axes"],
                    "strategies": nodes,
                    "open": any(
                        node["checked"] or any(leaf["checked"] for leaf in node["actions"])
                        for node in nodes
                    ),
                }
            )
        return tree

    @property
    def plan_tag_errors(self) -> list[str]:
        return [str(error) for name in FIELDS for error in self.errors.get(name, [])]


class PlanTagsForm(PlanTagsFormMixin, forms.Form):
    """The axes (and strategies, actions) of the plan in force for one item, on its own: the
    staff's form on a practice's or an action item's page.

    Every box may be unticked (that clears the tags), so a form that arrived empty would look
    like a choice to clear them: ``sent``, always in the form, tells the two apart, and a post
    without it (truncated, or not a form at all) is refused."""

    sent = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, *args, tagged, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_plan_tags(tagged=tagged)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sent") != "1":
            raise ValidationError(
                _(
                    "The form arrived incomplete: nothing was changed. Reload the page and "
                    "try again."
                )
            )
        if self.plan is None:
            raise ValidationError(_("No Strategic Plan is in force: there is nothing to choose."))
        self.complete_plan_tags(cleaned)
        return cleaned
