from __future__ import annotations

from django.urls import path

from workshops import views

app_name = "workshops"
urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/ny/", views.create_workshop, name="create"),
    path("workshops/<int:pk>/", views.dashboard, name="dashboard"),
    path("workshops/<int:pk>/fase/", views.change_phase, name="change-phase"),
    path("workshops/<int:pk>/timer/", views.start_timer, name="start-timer"),
    path("workshops/<int:pk>/luk/", views.close_workshop, name="close"),
    path("workshops/<int:pk>/projektor/", views.projector, name="projector"),
    path("workshops/<int:pk>/qr.svg", views.join_qr, name="join-qr"),
    path("workshops/<int:pk>/opsummering/", views.summary, name="summary"),
    *(
        path(
            f"workshops/<int:pk>/opsummering.{file_format}",
            views.export_summary,
            {"file_format": file_format},
            name=f"summary-{file_format}",
        )
        for file_format in views.SUMMARY_EXPORTS
    ),
    path("rapporter/", views.report, name="report"),
    path(
        "rapporter/rapport.csv",
        views.export_report,
        {"content": "figures", "file_format": "csv"},
        name="report-csv",
    ),
    path(
        "rapporter/rapport.xlsx",
        views.export_report,
        {"content": "figures", "file_format": "xlsx"},
        name="report-xlsx",
    ),
    path(
        "rapporter/raekker.csv",
        views.export_report,
        {"content": "rows", "file_format": "csv"},
        name="report-rows-csv",
    ),
    path("deltag/", views.join, name="join"),
    path("deltag/<str:code>/", views.join_workshop, name="join-workshop"),
    path("deltag/<str:code>/gruppe/<int:group_pk>/", views.group_page, name="group"),
    path("deltag/<str:code>/gruppe/<int:group_pk>/case/", views.choose_case, name="choose-case"),
    path(
        "deltag/<str:code>/gruppe/<int:group_pk>/eget-dilemma/",
        views.write_own_dilemma,
        name="own-dilemma",
    ),
    path("deltag/<str:code>/gruppe/<int:group_pk>/noter/", views.save_notes, name="save-notes"),
    path(
        "deltag/<str:code>/gruppe/<int:group_pk>/konklusion/",
        views.save_conclusion,
        name="save-conclusion",
    ),
    path("deltag/<str:code>/gruppe/<int:group_pk>/tag/", views.tag_point, name="tag-point"),
    path(
        "deltag/<str:code>/gruppe/<int:group_pk>/privat-tag/",
        views.tag_point_privately,
        name="tag-point-privately",
    ),
    path(
        "deltag/<str:code>/gruppe/<int:group_pk>/vis-tags/", views.reveal_tags, name="reveal-tags"
    ),
    path("deltag/<str:code>/gruppe/<int:group_pk>/faerdig/", views.mark_done, name="mark-done"),
]
