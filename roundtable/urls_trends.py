"""The dashboard's trends per quarter (mounted at /cruscotto/andamento/)."""

from django.urls import path

from . import trends_views

urlpatterns = [
    path("", trends_views.trends, name="dashboard-trends"),
    path("andamento.csv", trends_views.trends_csv, name="dashboard-trends-csv"),
]
