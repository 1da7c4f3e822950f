"""The catalogue's filters, search and sorting: one GET form that also filters a queryset.

Every parameter is plain and bookmarkable: ``?q=scuole&zone=5&theme=<slug>&kind=project
&municipality=<ISTAT code>&axis=2&active_from=2021-01-01&active_to=2021-12-31&sort=title&page=2``
(``axis``: the number of an axis of the Strategic Plan in force).
A value that does not validate is reported on its field and not applied; the others still are.

The date filter is "active between": a practice is kept when it was running at some time in
the period, i.e. it started on or before ``active_to`` and had not ended before
``active_from`` (no end date = still running). A practice without a start date has no known
period, so it is left out as soon as either date is given.

``adopted=on`` widens the zone filter to the practices the zone adopted from other zones (a
transfer at the adopted stage), as the dashboard's zones-by-themes matrix counts them.

``status`` exists only when the form is built with ``show_status=True`` (staff): everyone else
always gets the published practices, whatever the URL says.
"""

from __future__ import annotations

from django import forms
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from plans.models import Axis, Plan
from zones.models import Municipality, Zone

from . import search
from .models import Practice, Theme, Transfer

S = Practice.Status
ALL_STATUSES = "all"
# Published first: the option a browser shows, and submits, when none was chosen.
STATUS_CHOICES = [
    *sorted(S.choices, key=lambda choice: choice[0] != S.PUBLISHED),
    (ALL_STATUSES, _("Any status")),
]


class SearchField(forms.CharField):
    """Text whose NUL bytes are dropped before validation (they cannot reach the database)."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class Sort:
    RELEVANCE = "relevance"  # also when no sort is given
    NEWEST = "newest"
    TITLE = "title"
    ZONE = "zone"

    choices = [
        (RELEVANCE, _("Best match")),
        (NEWEST, _("Newest first")),
        (TITLE, _("Title (A to Z)")),
        (ZONE, _("Zone")),
    ]


NEWEST_FIRST = [F("published_at").desc(nulls_last=True), F("created_at").desc(), F("pk").desc()]
ORDERINGS = {
    Sort.NEWEST: NEWEST_FIRST,
    Sort.TITLE: [Lower("title"), "pk"],
    Sort.ZONE: ["zone__number", Lower("title"), "pk"],
}


class CatalogueFilterForm(forms.Form):
    q = SearchField(
        label=_("Search"),
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        help_text=_("Words from the title, summary, description or other fields."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    zone = forms.ChoiceField(label=_("Owning zone"), required=False)
    adopted = forms.BooleanField(
        label=_("Also the practices this zone adopted from others"),
        required=False,
        help_text=_("With a zone chosen: its own practices and those it adopted."),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    axis = forms.ChoiceField(
        label=_("Axis of the Strategic Plan"),
        required=False,
        help_text=_("The practices tagged with an axis of the plan in force."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Practice.Kind.choices],
    )
    municipality = forms.ChoiceField(label=_("Municipality involved"), required=False)
    active_from = forms.DateField(
        label=_("Active from"),
        required=False,
        help_text=_(
            "Practices running at some time in this period (those without a start date "
            "are left out)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    active_to = forms.DateField(
        label=_("Active until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=STATUS_CHOICES,
        help_text=_("Only staff see this filter; the catalogue shows published practices."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=Sort.choices,
        help_text=_("Best match orders a search by relevance; without a search, newest first."),
    )

    def __init__(self, data=None, *, show_status: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        if not show_status:
            del self.fields["status"]
        # Choices come from the database: one query each, however many practices there are.
        self.fields["zone"].choices = [("", _("All zones"))] + [
            (str(zone.number), str(zone)) for zone in Zone.objects.order_by("number")
        ]
        themes = sorted(Theme.objects.all(), key=lambda theme: theme.name.casefold())
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (theme.slug, theme.name) for theme in themes
        ]
        self.fields["municipality"].choices = [("", _("Any municipality")), *_municipalities()]
        # The axes of the plan in force, by number (?axis=2); no filter when no plan is in force.
        axes = list(
            Axis.objects.filter(plan__status=Plan.Status.IN_FORCE)
            .order_by("number")
            .only("pk", "number", "name_it", "name_en")
        )
        self.axis_ids = {str(axis.number): axis.pk for axis in axes}
        if axes:
            self.fields["axis"].choices = [("", _("All axes"))] + [
                (str(axis.number), str(axis)) for axis in axes
            ]
        else:
            del self.fields["axis"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("active_from"), cleaned.get("active_to")
        if start and end and end < start:
            self.add_error("active_to", _("The end of the period cannot be before its start."))
        return cleaned

    @property
    def has_filters(self) -> bool:
        """Whether the request narrows the catalogue (anything but the sort and the default
        status), valid or not: then "clear the filters" is worth offering."""
        return any(
            value
            for name, value in self.data.items()
            if name in self.fields
            and name != "sort"
            and not (name == "status" and value == S.PUBLISHED)
        )

    def filter_queryset(self, queryset):
        """Apply the valid filters, the search and the sort to ``queryset``.

        ``queryset`` is what the user may see (``Practice.objects.visible_to``); this narrows it
        to the published practices unless staff chose another status."""
        self.is_valid()  # the fields that failed validation are not in cleaned_data
        data = self.cleaned_data
        status = (data.get("status") if "status" in self.fields else "") or S.PUBLISHED
        if status != ALL_STATUSES:
            queryset = queryset.filter(status=status)
        if data.get("zone") and data.get("adopted"):
            adopted = Transfer.objects.filter(
                zone__number=data["zone"], stage=Transfer.Stage.ADOPTED
            ).values("practice")
            queryset = queryset.filter(Q(zone__number=data["zone"]) | Q(pk__in=adopted))
        elif data.get("zone"):
            queryset = queryset.filter(zone__number=data["zone"])
        if data.get("theme"):
            queryset = queryset.filter(themes__slug=data["theme"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("axis"):
            queryset = queryset.filter(axes=self.axis_ids[data["axis"]])
        if data.get("municipality"):
            queryset = queryset.filter(municipalities__istat_code=data["municipality"])
        if data.get("active_from"):
            queryset = queryset.filter(start_date__isnull=False).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=data["active_from"])
            )
        if data.get("active_to"):
            queryset = queryset.filter(start_date__lte=data["active_to"])
        text = search.normalise(data.get("q"))
        if text:
            queryset = search.search(queryset, text)
        sort = data.get("sort") or Sort.RELEVANCE
        if sort == Sort.RELEVANCE:
            ordering = [F(search.RANK).desc(), *NEWEST_FIRST] if text else NEWEST_FIRST
        else:
            ordering = ORDERINGS[sort]
        return queryset.order_by(*ordering)


def _municipalities() -> list[tuple[str, list[tuple[str, str]]]]:
    """The municipalities grouped by zone (an <optgroup> each), by ISTAT code."""
    groups: dict[str, list[tuple[str, str]]] = {}
    # Plain values, not model instances: building 312 municipalities and their zones was half
    # the cost of the catalogue's form on every logged-in request (visitors get a cached page).
    rows = Municipality.objects.order_by(
        F("zone__number").asc(nulls_last=True), "name"
    ).values_list("istat_code", "name", "zone__number", "zone__name")
    unassigned = str(_("Not assigned to a zone"))
    for istat_code, name, zone_number, zone_name in rows:
        # The zone's label as str(Zone) writes it.
        label = f"{zone_number}. {zone_name}" if zone_number is not None else unassigned
        groups.setdefault(label, []).append((istat_code, name))
    return list(groups.items())
