"""Open data: the page, the files, the JSON-LD catalogue, the JSON schemas and the read-only
JSON API (mounted at /dati-aperti/)."""

from django.urls import path

from . import opendata_views as views

urlpatterns = [
    path("", views.page, name="opendata"),
    path("catalogo.jsonld", views.catalogue, name="opendata-catalogue"),
    path("schemi/<slug:name>.json", views.schema, name="opendata-schema"),
    path("api/v1/", views.api_index, name="opendata-api-index"),
    path("api/v1/<slug:slug>/", views.api_list, name="opendata-api-list"),
    path("api/v1/<slug:slug>/<str:key>/", views.api_detail, name="opendata-api-detail"),
    path("<slug:slug>.<str:format>", views.data_file, name="opendata-file"),
]
