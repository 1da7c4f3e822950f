"""The transfer ledger: where a practice has travelled, declaring interest, recording stages.

The ledger is a section of the practice page (``templates/practices/detail/_transfers.html``):
the page merges ``detail_context(request, practice)`` into its context. Its two forms post
here; with htmx the section (or the transfer's card) is redrawn in place, without JavaScript
the browser is redirected back to the practice page. A form refused without JavaScript keeps
its input for that one redirect (in the session), so the page draws it again with its errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from zones.models import Municipality, Zone
from zones.permissions import is_staff_member, zones_of

from .. import permissions, services
from ..forms_transfers import TransferInterestForm, TransferStepForm
from ..models import Practice, Transfer, TransferStep

T = Transfer.Stage
TEMPLATE = "practices/detail/_transfers.html"
OPEN_STAGES = {T.INTERESTED, T.IN_CONTACT, T.ADAPTING, T.PILOTING}
STAGE_BADGES = {
    T.INTERESTED: "bg-secondary",
    T.IN_CONTACT: "bg-primary",
    T.ADAPTING: "bg-primary",
    T.PILOTING: "bg-primary",
    T.ADOPTED: "bg-success",
    T.DROPPED: "bg-danger",
}
PENDING_KEY = "practices:transfer-pending-forms"
PENDING_MAX_CHARS = 20_000


class SeeOther(HttpResponseRedirect):
    """After a POST, the browser fetches the page with GET."""

    status_code = 303


@dataclass
class Ledger:
    """Where a practice has travelled: its transfers and the figures of the headline.

    - ``adopted_zone_count``: the distinct zones with a transfer at stage "adopted";
    - ``municipality_count``: the distinct municipalities reached by those adoptions. An
      adopted transfer that names its municipalities counts those; one that names none was
      adopted by the zone as a whole and counts every municipality of the adopting zone;
    - ``in_progress_count``: transfers still open (interested, in contact, adapting, piloting);
    - ``zone_total``: every zone of the territory (``Zone.objects.count()``), the owning one
      included.
    """

    transfers: list[Transfer]
    zone_total: int
    adopted_zones: list[Zone] = field(default_factory=list)
    municipality_count: int = 0
    in_progress_count: int = 0
    dropped_count: int = 0

    @property
    def adopted_zone_count(self) -> int:
        return len(self.adopted_zones)


def ledger_of(practice: Practice) -> Ledger:
    """The practice's transfers with everything their cards show, in a constant number of
    queries (transfers and zones, municipalities, steps and their authors, two counts)."""
    transfers = list(
        Transfer.objects.filter(practice=practice)
        .select_related("zone")
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch("steps", queryset=TransferStep.objects.select_related("by")),
        )
    )
    ledger = Ledger(transfers=transfers, zone_total=Zone.objects.count())
    adopted = [t for t in transfers if t.stage == T.ADOPTED]
    for transfer in adopted:
        transfer.zone.adopted_transfer_pk = transfer.pk  # the headline links to the card
    # One transfer per zone and practice (a constraint): each adopted transfer is another zone.
    ledger.adopted_zones = sorted((t.zone for t in adopted), key=lambda zone: zone.number)
    ledger.in_progress_count = sum(t.stage in OPEN_STAGES for t in transfers)
    ledger.dropped_count = sum(t.stage == T.DROPPED for t in transfers)
    named = {m.pk for t in adopted for m in t.municipalities.all()}
    whole_zones = {t.zone_id for t in adopted if not t.municipalities.all()}
    if named or whole_zones:
        ledger.municipality_count = Municipality.objects.filter(
            Q(pk__in=named) | Q(zone__in=whole_zones)
        ).count()
    for transfer in transfers:
        transfer.badge_class = STAGE_BADGES.get(transfer.stage, "bg-secondary")
        transfer.move_form = None
    return ledger


def _updatable(user, transfers: list[Transfer]) -> list[Transfer]:
    """The open transfers ``user`` may move, asking ``permissions.can_update_transfer``.

    Only staff and the adopting zone's spokespersons may move a transfer, so the question is
    asked only for transfers of the user's own zones (one per zone at most): the queries do not
    grow with the number of transfers.
    """
    open_transfers = [t for t in transfers if services.TRANSFER_MOVES.get(t.stage)]
    if not open_transfers or not (user and user.is_authenticated):
        return []
    if not is_staff_member(user):
        own = set(zones_of(user).values_list("pk", flat=True))
        open_transfers = [t for t in open_transfers if t.zone_id in own]
    return [t for t in open_transfers if permissions.can_update_transfer(user, t)]


def _pop_pending(request, key: str):
    pending = request.session.get(PENDING_KEY)
    if not pending or key not in pending:
        return None
    entry = pending.pop(key)
    request.session[PENDING_KEY] = pending
    return entry


def _keep_pending(request, key: str, form, errors: list[str]) -> None:
    """Keep a refused form's input for the next page (the one redirect without JavaScript)."""
    data = {
        name: [value[:PENDING_MAX_CHARS] for value in values]
        for name, values in request.POST.lists()
        if name.startswith(f"{form.prefix}-")
    }
    pending = request.session.get(PENDING_KEY) or {}
    pending[key] = {"data": data, "errors": errors}
    request.session[PENDING_KEY] = pending


def _rebind(entry, form_class, **kwargs):
    form = form_class(MultiValueDict(entry["data"]), **kwargs)
    form.is_valid()
    for error in entry.get("errors", []):
        form.add_error(None, error)
    return form


def detail_context(
    request,
    practice,
    *,
    interest_form: TransferInterestForm | None = None,
    step_forms: dict[int, TransferStepForm] | None = None,
    status: str = "",
) -> dict:
    """Context for the transfer ledger on the practice page: where the practice has travelled,
    the declare-interest form (for users with a zone that may still declare) and, on each open
    transfer the user may move, the form of its next stage."""
    user = request.user
    ledger = ledger_of(practice)
    step_forms = dict(step_forms or {})
    for transfer in _updatable(user, ledger.transfers):
        form = step_forms.get(transfer.pk)
        if form is None:
            pending = _pop_pending(request, f"step-{transfer.pk}")
            form = (
                _rebind(pending, TransferStepForm, transfer=transfer)
                if pending
                else TransferStepForm(transfer=transfer)
            )
        transfer.move_form = form
    zones = list(permissions.zones_that_may_declare_interest(user, practice))
    if zones and interest_form is None:
        pending = _pop_pending(request, f"interest-{practice.pk}")
        interest_form = (
            _rebind(pending, TransferInterestForm, zones=zones)
            if pending
            else TransferInterestForm(zones=zones)
        )
    return {
        "transfer_ledger": ledger,
        # Drawn for users with a zone that may still declare, and (with its errors) after a
        # refused declaration.
        "transfer_interest_form": interest_form,
        "transfer_ledger_status": status,
    }


def _zone_name(zone: Zone) -> str:
    """The zone as the ledger's messages name it: "3 AMT Sud" (in "zone 3 AMT Sud")."""
    return f"{zone.number} {zone.name}"


def _login_first(request):
    """Send an anonymous user to the log-in page (with htmx, the whole browser goes there),
    coming back to the page the form was on."""
    next_url = request.get_full_path()
    if request.htmx and request.htmx.current_url_abs_path:
        next_url = request.htmx.current_url_abs_path
    response = redirect_to_login(next_url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def _visible_practice(request, pk):
    return get_object_or_404(Practice.objects.visible_to(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def transfer_create(request, pk):
    """A zone declares its interest in a published practice of another zone."""
    if not request.user.is_authenticated:
        return _login_first(request)
    practice = _visible_practice(request, pk)
    ledger_url = f"{practice.get_absolute_url()}#transfer-ledger"
    if request.method == "GET":
        return SeeOther(ledger_url)
    zones = list(permissions.zones_that_may_declare_interest(request.user, practice))
    form = TransferInterestForm(request.POST, zones=zones)
    if form.is_valid():
        try:
            transfer = services.declare_interest(
                practice=practice,
                zone=form.cleaned_data["zone"],
                by=request.user,
                municipalities=form.cleaned_data["municipalities"],
                note=form.cleaned_data["note"].strip(),
            )
        except services.TransferError as error:
            form.add_error(None, str(error))
        except IntegrityError:  # the same zone declared twice at the same moment
            form.add_error(None, _("This zone has already declared its interest in this practice."))
        else:
            status = _(
                "The interest of zone %(zone)s is recorded; the spokespersons of zone "
                "%(owner)s are told by e-mail."
            ) % {"zone": _zone_name(transfer.zone), "owner": _zone_name(practice.zone)}
            if request.htmx:
                context = detail_context(request, practice, status=status)
                return render(request, f"{TEMPLATE}#transfer-ledger", _page(context, practice))
            messages.success(request, status)
            return SeeOther(transfer.get_absolute_url())
    if request.htmx:
        context = detail_context(request, practice, interest_form=form)
        return render(request, f"{TEMPLATE}#transfer-ledger", _page(context, practice))
    return _refused(
        request,
        form,
        f"interest-{practice.pk}",
        shown_again=bool(zones),
        url=(f"{practice.get_absolute_url()}#transfer-interest" if zones else ledger_url),
    )


@require_http_methods(["GET", "POST"])
def transfer_update(request, pk):
    """Record the next stage of a transfer (staff, or the adopting zone's spokespersons)."""
    if not request.user.is_authenticated:
        return _login_first(request)
    transfer = get_object_or_404(
        Transfer.objects.filter(
            practice__in=Practice.objects.visible_to(request.user)
        ).select_related("practice", "zone"),
        pk=pk,
    )
    practice = transfer.practice
    if request.method == "GET":
        return SeeOther(transfer.get_absolute_url())
    if not permissions.can_update_transfer(request.user, transfer):
        raise PermissionDenied
    form = TransferStepForm(request.POST, transfer=_with_steps(transfer))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.move_transfer(
                transfer=transfer,
                to_stage=data["to_stage"],
                by=request.user,
                on=data["on"],
                note=data["note"].strip(),
                cost=data["cost"],
                result=data["result"].strip(),
                drop_reason=data["drop_reason"].strip() if data["to_stage"] == T.DROPPED else "",
                seen_stage=data["from_stage"],
            )
        except services.TransferError as error:
            form.add_error(None, str(error))
        else:
            status = _("“%(stage)s” is recorded in the ledger of zone %(zone)s.") % {
                "stage": transfer.get_stage_display(),
                "zone": _zone_name(transfer.zone),
            }
            if request.htmx:
                return _render_card(request, practice, transfer.pk, status=status)
            messages.success(request, status)
            return SeeOther(transfer.get_absolute_url())
    if request.htmx:
        return _render_card(request, practice, transfer.pk, form=form)
    return _refused(
        request,
        form,
        f"step-{transfer.pk}",
        shown_again=not form.is_closed,
        url=transfer.get_absolute_url(),
    )


def _refused(request, form, key: str, *, shown_again: bool, url: str):
    """Without JavaScript: say what went wrong at the top of the page and, when the form is
    drawn again there, keep its input and errors for it."""
    errors = list(form.non_field_errors())
    if shown_again:
        messages.error(request, " ".join([*errors, _("Nothing was saved: see the form below.")]))
        _keep_pending(request, key, form, errors)
    else:
        messages.error(request, " ".join([*errors, _("Nothing was saved.")]))
    return SeeOther(url)


def _with_steps(transfer: Transfer) -> Transfer:
    """The transfer with its steps, which the form needs (the date of the last one)."""
    prefetch_related_objects([transfer], "steps")
    return transfer


def _render_card(request, practice, transfer_pk: int, *, form=None, status: str = ""):
    """The transfer's card, and the ledger's headline out of band (a stage may change it)."""
    step_forms = {transfer_pk: form} if form is not None else None
    context = detail_context(request, practice, step_forms=step_forms)
    transfer = next(t for t in context["transfer_ledger"].transfers if t.pk == transfer_pk)
    if form is not None and transfer.move_form is None:
        transfer.move_form = form  # e.g. a closed transfer: the form says why
    context.update(transfer=transfer, transfer_status=status, transfer_oob=True)
    return render(request, f"{TEMPLATE}#transfer-moved", _page(context, practice))


def _page(context: dict, practice: Practice) -> dict:
    """What the ledger's template expects from the practice page around it."""
    return {"section": "practices", "practice": practice, **context}
