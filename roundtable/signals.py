"""Reactions to changes of accounts made anywhere (the admin, a script, the deletion service)."""

from django.contrib.auth import get_user_model


def end_sessions_of_deactivated(sender, instance, **kwargs):
    """A user made inactive is logged out everywhere at once: their stored sessions are deleted
    when the change is saved (Django would refuse them on their next request anyway, but an
    operator expects "deactivated" to mean "out now", and sessions hold personal state)."""
    if instance.pk is None or instance.is_active:
        return
    was_active = get_user_model().objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        from .anonymise import end_sessions

        end_sessions(instance)
