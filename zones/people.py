"""How the portal names a person, and how it recognises an account whose personal data were
erased.

An erased account (see ``roundtable.anonymise``) keeps its row, so that the practices, comments,
minutes and decisions it wrote still point somewhere; its e-mail address becomes
``former-user-<pk>@invalid`` (the ``.invalid`` top-level domain is reserved by RFC 2606 and never
delivers). Every page names people through ``display_name`` (the ``person`` template filter), so
such an account reads "Former user" everywhere, as does a user row deleted outright.
"""

from __future__ import annotations

from django.utils.translation import gettext

FORMER_USER_DOMAIN = "invalid"


def former_user_email(pk: int) -> str:
    """The unique, undeliverable address an erased account is left with."""
    return f"former-user-{pk}@{FORMER_USER_DOMAIN}"


def former_username(pk: int) -> str:
    return f"former-user-{pk}"


def is_former_user(user) -> bool:
    """True for an account whose personal data were erased."""
    return user is not None and user.email == former_user_email(user.pk)


def display_name(user) -> str:
    """A person's name as pages show it: never their e-mail address, and "Former user" for an
    erased account (or none at all)."""
    if user is None or is_former_user(user):
        return gettext("Former user")
    return user.get_full_name() or gettext("(name not given)")
