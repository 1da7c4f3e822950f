"""The dashboard's map of the zones (mounted at /cruscotto/mappa/)."""

from django.urls import path

from . import map_views

urlpatterns = [
    path("", map_views.map_page, name="dashboard-map"),
    path("mappa.csv", map_views.map_csv, name="dashboard-map-csv"),
]
