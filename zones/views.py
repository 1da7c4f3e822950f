"""Zone pages: the index with the totals, a zone's profile, the unassigned municipalities."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from . import permissions
from .forms import MunicipalityFilterForm
from .models import Membership, Municipality, Zone


def _current_memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current().select_related("user").order_by("role", "since"),
        to_attr="current_memberships",
    )


def zone_list(request):
    staff = permissions.is_staff_member(request.user)
    zones = Zone.objects.with_figures().prefetch_related(_current_memberships())
    if staff:
        zones = zones.with_evidence()
    return render(
        request,
        "zones/zone_list.html",
        {
            "section": "zones",
            "zones": zones,
            "totals": Municipality.objects.aggregate_totals(),
            "show_evidence": staff,
        },
    )


def zone_detail(request, slug):
    zone = get_object_or_404(
        Zone.objects.with_figures().prefetch_related(_current_memberships()), slug=slug
    )
    form = MunicipalityFilterForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    municipalities = zone.municipalities.search(query).order_by("name")
    context = {
        "section": "zones",
        "zone": zone,
        "form": form,
        "query": query,
        "municipalities": municipalities,
        "show_evidence": permissions.can_see_zone_evidence(request.user),
        "show_contacts": request.user.is_authenticated,
    }
    if request.htmx and request.htmx.target == "municipality-results":
        return render(request, "zones/zone_detail.html#municipality-update", context)
    return render(request, "zones/zone_detail.html", context)


def unassigned_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_see_unassigned_municipalities(request.user):
        raise PermissionDenied
    return render(
        request,
        "zones/unassigned_list.html",
        {"section": "zones", "municipalities": Municipality.objects.unassigned().order_by("name")},
    )
