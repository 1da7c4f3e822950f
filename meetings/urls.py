from django.urls import path

from .views import agenda, attendance, calendar, decisions, manage, meetings, minutes, plan_tags

app_name = "meetings"

urlpatterns = [
    path("", meetings.meeting_list, name="meeting-list"),
    path("<int:number>/", meetings.meeting_detail, name="meeting-detail"),
    path("convocazioni/<int:pk>/risposta/", meetings.invitation_answer, name="invitation-answer"),
    *manage.urlpatterns,
    *agenda.urlpatterns,
    *attendance.urlpatterns,
    *decisions.urlpatterns,
    *plan_tags.urlpatterns,
    *minutes.urlpatterns,
    *calendar.urlpatterns,
]
