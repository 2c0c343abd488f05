from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from kodeks import organisation_admin, views

codex_patterns = (
    [
        path("", views.codex_list, name="codices"),
        path("<slug:slug>/", views.codex_detail, name="codex"),
        path("<slug:slug>/<id:number>/", views.point_detail, name="point"),
        path("<slug:slug>/vejledning/<slug:guide>/", views.guide_detail, name="guide"),
    ],
    "kodeks",
)

organisation_patterns = (
    [
        path("brugere/", organisation_admin.users, name="users"),
        path("brugere/<id:user_pk>/", organisation_admin.change_user, name="change-user"),
        path("brugere/inviter/", organisation_admin.invite, name="invite"),
        path("log/", organisation_admin.audit_log, name="audit-log"),
        path("log.csv", organisation_admin.audit_log_csv, name="audit-log-csv"),
    ],
    "organisation",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("kodeks/", include(codex_patterns)),
    path("cases/", include("cases.urls")),
    path("", include("workshops.urls")),
    path("organisation/", include(organisation_patterns)),
    path(
        "invitation/<uidb64>/<token>/",
        organisation_admin.AcceptInvitationView.as_view(),
        name="accept-invitation",
    ),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sprog/", set_language, name="set_language"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    path("was", views.accessibility_short_url, name="accessibility-short-url"),
    path("admin/", admin.site.urls),
]
