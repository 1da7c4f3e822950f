"""The user's own account page, and the download of everything the portal holds about them.

What the file contains is decided in ``roundtable.personal_data``; these views only check that
someone is logged in and hand it over.
"""

from __future__ import annotations

import json

from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from zones.models import Membership

from .deletion_views import deletion_context
from .personal_data import personal_data


@require_safe
def account_profile(request):
    """Name, e-mail and zones, with the links to the user's settings and data."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    memberships = Membership.objects.filter(user=request.user).select_related("zone")
    return render(
        request,
        "roundtable/account.html",
        {"section": "account", "memberships": memberships, **deletion_context(request.user)},
    )


@never_cache
@require_safe
def account_data(request):
    """The user's data as a JSON attachment named with today's date (Europe/Rome)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    body = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"miei-dati-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
