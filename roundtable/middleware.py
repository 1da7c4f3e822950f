"""Response headers that Django's own security middleware does not set."""

from django.conf import settings


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
