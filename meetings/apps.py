from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from practices.extensions import register_my_zone_section, register_practice_section

        from .views.actions import practice_section
        from .views.my_zone import section

        register_my_zone_section(section)
        register_practice_section(practice_section)
