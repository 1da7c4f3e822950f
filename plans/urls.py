"""The Strategic Plan's pages: the plans and their axes, and the consultations of the zones.

The contribution report spans practices and meetings, so it lives in ``roundtable``.
"""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<slug:code>/", views.plan_detail, name="plan-detail"),
]
