from django.urls import path

from . import views

app_name = "zones"

urlpatterns = [
    path("", views.zone_list, name="zone-list"),
    path("non-assegnati/", views.unassigned_list, name="unassigned-list"),
    path("<slug:slug>/", views.zone_detail, name="zone-detail"),
]
