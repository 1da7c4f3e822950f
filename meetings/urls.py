from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("<int:number>/", views.meeting_detail, name="meeting-detail"),
    path("convocazioni/<int:pk>/risposta/", views.invitation_answer, name="invitation-answer"),
]
