"""The Strategic Plan's pages: the plans and their axes, and the consultations of the zones.

The contribution report spans practices and meetings, so it lives in ``roundtable``.
"""

from django.urls import path

from . import views, views_consultations, views_opinions

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    # The zones' consultations, before "<code>/" (which would take "consultazioni" for a plan).
    path("consultazioni/", views_consultations.consultation_list, name="consultation-list"),
    path(
        "consultazioni/nuova/",
        views_consultations.consultation_create,
        name="consultation-create",
    ),
    path(
        "consultazioni/<int:pk>/",
        views_consultations.consultation_detail,
        name="consultation-detail",
    ),
    path(
        "consultazioni/<int:pk>/modifica/",
        views_consultations.consultation_edit,
        name="consultation-edit",
    ),
    path(
        "consultazioni/<int:pk>/documento/",
        views_consultations.consultation_document,
        name="consultation-document",
    ),
    path(
        "consultazioni/<int:pk>/sollecito/",
        views_consultations.consultation_remind,
        name="consultation-remind",
    ),
    path(
        "consultazioni/<int:pk>/parere/<int:zone>/",
        views_opinions.opinion_answer,
        name="opinion-answer",
    ),
    path(
        "consultazioni/<int:pk>/parere-consolidato/",
        views_opinions.consultation_consolidated,
        name="consultation-consolidated",
    ),
    path(
        "consultazioni/<int:pk>/parere-consolidato.csv",
        views_opinions.consultation_consolidated_csv,
        name="consultation-consolidated-csv",
    ),
    path("<slug:code>/", views.plan_detail, name="plan-detail"),
]
