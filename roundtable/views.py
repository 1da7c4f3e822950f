"""Pages that span the apps: home, legal pages, health check and error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zones.models import Municipality, Zone

logger = logging.getLogger(__name__)


def home(request):
    zones = Zone.objects.with_figures()
    totals = Municipality.objects.aggregate_totals()
    return render(request, "roundtable/home.html", {"zones": zones, "totals": totals})


def privacy(request):
    return render(request, "roundtable/privacy.html")


def accessibility(request):
    return render(request, "roundtable/accessibility.html")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, and the shared cache too when there is one
    (``settings.HEALTHZ_CHECKS_CACHE``: Redis); 503 naming the part that failed otherwise.
    Reads no session and no user."""
    parts = {"database": _database_answers()}
    if settings.HEALTHZ_CHECKS_CACHE:
        parts["cache"] = _cache_answers()
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({part: "ok" if fine else "unavailable" for part, fine in parts.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def _cache_answers() -> bool:
    from django.core.cache import cache

    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:  # any client error (refused connection, timeout) means unavailable
        logger.exception("Health check: the cache does not answer")
        return False


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # The error may be the database itself: if the full layout cannot be drawn, answer plainly.
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page itself failed to render")
        return HttpResponseServerError(
            '<!DOCTYPE html><html lang="it"><title>Errore del server</title>'
            "<h1>Errore del server / Server error</h1></html>"
        )
