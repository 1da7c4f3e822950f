"""Account deletion: the user's request and staff confirmation (mounted at /profilo/)."""

from django.urls import path

from . import deletion_views

urlpatterns = [
    path(
        "cancellazione/",
        deletion_views.account_deletion_request,
        name="account-deletion-request",
    ),
    path(
        "cancellazione/ritira/",
        deletion_views.account_deletion_withdraw,
        name="account-deletion-withdraw",
    ),
    path(
        "richieste-cancellazione/",
        deletion_views.deletion_requests,
        name="deletion-requests",
    ),
    path(
        "richieste-cancellazione/<int:pk>/conferma/",
        deletion_views.deletion_request_confirm,
        name="deletion-request-confirm",
    ),
    path(
        "richieste-cancellazione/<int:pk>/rifiuta/",
        deletion_views.deletion_request_decline,
        name="deletion-request-decline",
    ),
]
