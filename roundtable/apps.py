from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RoundtableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Round Table")

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="roundtable.sync_roles")

        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from .signals import end_sessions_of_deactivated, remember_session

        user_logged_in.connect(remember_session, dispatch_uid="roundtable.remember_session")

        pre_save.connect(
            end_sessions_of_deactivated,
            sender=get_user_model(),
            dispatch_uid="roundtable.end_sessions_of_deactivated",
        )

        from . import audit, mfa, page_cache, permissions_cache

        audit.connect()
        mfa.connect()
        page_cache.connect()
        permissions_cache.connect()
