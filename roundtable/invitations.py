"""Inviting a user: an e-mail with a link to set their password (allauth's reset-by-key page)."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings


def invitation_url(*, request, user) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    return get_adapter(request).get_reset_password_from_key_url(key)


def send_invitation(*, request, user) -> str:
    """E-mail ``user`` a link to set their password; returns the link."""
    url = invitation_url(request=request, user=user)
    get_adapter(request).send_mail(
        "account/email/invitation",
        user.email,
        {
            "user": user,
            "invitation_url": url,
            "organisation": settings.ORGANISATION,
            "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )
    return url
