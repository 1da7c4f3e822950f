"""The root URLconf."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import (
    account_views,
    dashboard_views,
    notifications_views,
    plan_report_views,
    scorecard_views,
    views,
)

admin.site.site_header = settings.ORGANISATION["portal_name"]
admin.site.site_title = settings.ORGANISATION["portal_name"]
# The admin's own login would bypass allauth's rate limits: send it through allauth's login.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("notifiche/", notifications_views.notification_list, name="notifications"),
    path(
        "notifiche/<int:pk>/apri/", notifications_views.notification_open, name="notification-open"
    ),
    path(
        "notifiche/tutte-lette/",
        notifications_views.notifications_mark_all_read,
        name="notifications-mark-all-read",
    ),
    path(
        "notifiche/preferenze/",
        notifications_views.notification_preferences,
        name="notification-preferences",
    ),
    path("cruscotto/", scorecard_views.scorecard_page, name="dashboard"),
    path("cruscotto/schede.csv", scorecard_views.scorecard_csv, name="dashboard-scorecard-csv"),
    path(
        "cruscotto/schede/<int:zone>/<slug:figure>/",
        scorecard_views.scorecard_list,
        name="dashboard-scorecard-list",
    ),
    path(
        "cruscotto/schede/<int:zone>/<slug:figure>.csv",
        scorecard_views.scorecard_list_csv,
        name="dashboard-scorecard-list-csv",
    ),
    path("cruscotto/matrice/", dashboard_views.matrix, name="dashboard-matrix"),
    path("cruscotto/matrice.csv", dashboard_views.matrix_csv, name="dashboard-matrix-csv"),
    path("cruscotto/mappa/", include("roundtable.urls_map")),
    path("cruscotto/andamento/", include("roundtable.urls_trends")),
    path("dati-aperti/", include("roundtable.urls_opendata")),
    path("zone/", include("zones.urls")),
    path("pratiche/", include("practices.urls")),
    path("riunioni/", include("meetings.urls")),
    path(
        "piano-strategico/<slug:code>/contributi/",
        plan_report_views.plan_report,
        name="plan-report",
    ),
    path(
        "piano-strategico/<slug:code>/contributi/stampa/",
        plan_report_views.plan_report_print,
        name="plan-report-print",
    ),
    path(
        "piano-strategico/<slug:code>/contributi.csv",
        plan_report_views.plan_report_csv,
        name="plan-report-csv",
    ),
    path("piano-strategico/", include("plans.urls")),
    path("profilo/", account_views.account_profile, name="account-profile"),
    path("profilo/dati.json", account_views.account_data, name="account-data"),
    path("profilo/", include("roundtable.urls_privacy")),
    path("account/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "roundtable.views.bad_request"
handler403 = "roundtable.views.permission_denied"
handler404 = "roundtable.views.page_not_found"
handler500 = "roundtable.views.server_error"
