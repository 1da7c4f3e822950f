"""django-allauth adapter: accounts are created by staff, never by open sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class ClosedSignupAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_password_reset_mail(self, user, email, context):
        # allauth sends no signal for a reset asked for: the audit log learns it here.
        from .audit import password_reset_requested

        password_reset_requested(context.get("request"), user)
        return super().send_password_reset_mail(user, email, context)
