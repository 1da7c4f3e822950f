from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from plans.extensions import register_axis_figure
        from practices.extensions import register_my_zone_section, register_practice_section

        from .views.actions import practice_section
        from .views.my_zone import section
        from .views.plan_tags import action_item_figure, decision_figure

        register_my_zone_section(section)
        register_practice_section(practice_section)
        register_axis_figure(decision_figure)
        register_axis_figure(action_item_figure)
