from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from plans.extensions import register_axis_figure

        from .plan_tags import axis_figure

        register_axis_figure(axis_figure)
