"""Response headers that Django's own security middleware does not set, and the request log."""

import json
import logging
import time

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("roundtable.requests")


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: the portal uses no camera, microphone, location, payment or
    other powerful browser feature, so none may be used by any page (or anything it embeds).
    The value comes from ``settings.PERMISSIONS_POLICY``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response


class RequestLogMiddleware:
    """One log line per request, as JSON: method, path (without the query string, which may
    hold what someone searched for), status, time taken in milliseconds and the user's id (none
    for a visitor). Nothing else about the person: no address, no name, no IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        logger.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": _user_id(request),
                },
                ensure_ascii=False,
            )
        )
        return response


def _user_id(request) -> int | None:
    """The id of the user the request was served for, if the view looked at who it was: a
    request that never read its session (``/healthz``, static files) is not made to now."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user.is_authenticated else None
