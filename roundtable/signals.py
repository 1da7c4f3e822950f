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


# With sessions in the cache (Redis) there is no table to search for a user's sessions, so the
# keys of each user's sessions are remembered in the cache at log-in, for end_sessions().
SESSION_INDEX_KEY = "roundtable:sessions-of-user:{}"


def session_index_key(user_pk) -> str:
    return SESSION_INDEX_KEY.format(user_pk)


def remember_session(sender, request, user, **kwargs):
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import cache

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store_class, "get_model_class") or request is None:
        return  # a database table holds the sessions: end_sessions() searches it
    if not request.session.session_key:
        request.session.save()
    key = session_index_key(user.pk)
    keys = [k for k in cache.get(key, []) if store_class().exists(k)]
    keys.append(request.session.session_key)
    cache.set(key, keys, settings.SESSION_COOKIE_AGE)
