from __future__ import annotations

from django.urls import path

from workshops.views import facilitator, participant, records

app_name = "workshops"

GROUP = "deltag/<str:code>/gruppe/<id:group_pk>/"

urlpatterns = [
    path("workshops/", facilitator.workshop_list, name="list"),
    path("workshops/ny/", facilitator.create_workshop, name="create"),
    path("workshops/<id:pk>/", facilitator.dashboard, name="dashboard"),
    path("workshops/<id:pk>/rediger/", facilitator.edit_workshop, name="edit"),
    path("workshops/<id:pk>/grupper/", facilitator.arrange_groups, name="arrange"),
    path("workshops/<id:pk>/nye-deltagere/", facilitator.lock_joining, name="lock-joining"),
    path("workshops/<id:pk>/skabelon/", facilitator.save_template, name="save-template"),
    path(
        "workshops/skabeloner/<id:template_pk>/slet/",
        facilitator.delete_template,
        name="delete-template",
    ),
    path("workshops/<id:pk>/fase/", facilitator.change_phase, name="change-phase"),
    path("workshops/<id:pk>/timer/", facilitator.start_timer, name="start-timer"),
    path("workshops/<id:pk>/luk/", facilitator.close_workshop, name="close"),
    path("workshops/<id:pk>/genaabn/", facilitator.reopen_workshop, name="reopen"),
    path("workshops/<id:pk>/slet/", facilitator.delete_workshop, name="delete"),
    path("workshops/<id:pk>/kopi/", facilitator.duplicate_workshop, name="duplicate"),
    path("workshops/<id:pk>/projektor/", facilitator.projector, name="projector"),
    path("workshops/<id:pk>/projektor/deltag/", facilitator.projector_join, name="projector-join"),
    path(
        "workshops/<id:pk>/projektor/vejledning/<slug:guide>/",
        facilitator.projector_guide,
        name="projector-guide",
    ),
    path("workshops/<id:pk>/grupper/<id:group_pk>/", facilitator.read_along, name="read-along"),
    path("workshops/<id:pk>/qr.svg", facilitator.join_qr, name="join-qr"),
    path("workshops/<id:pk>/opsummering/", records.summary, name="summary"),
    *(
        path(
            f"workshops/<id:pk>/opsummering.{file_format}",
            records.export_summary,
            {"file_format": file_format},
            name=f"summary-{file_format}",
        )
        for file_format in records.SUMMARY_EXPORTS
    ),
    path("rapporter/", records.report, name="report"),
    path(
        "rapporter/rapport.csv",
        records.export_report,
        {"content": "figures", "file_format": "csv"},
        name="report-csv",
    ),
    path(
        "rapporter/rapport.xlsx",
        records.export_report,
        {"content": "figures", "file_format": "xlsx"},
        name="report-xlsx",
    ),
    path(
        "rapporter/raekker.csv",
        records.export_report,
        {"content": "rows", "file_format": "csv"},
        name="report-rows-csv",
    ),
    path("deltag/", participant.join, name="join"),
    path("deltag/<str:code>/", participant.join_workshop, name="join-workshop"),
    path(GROUP, participant.group_page, name="group"),
    path(GROUP + "case/", participant.choose_case, name="choose-case"),
    path(GROUP + "eget-dilemma/", participant.write_own_dilemma, name="own-dilemma"),
    *(
        path(
            GROUP + f"{segment}/",
            participant.save_text,
            {"field": field},
            name=f"save-{field.value.replace('_', '-')}",
        )
        for segment, field in participant.TEXTS_BY_SEGMENT.items()
    ),
    path(GROUP + "versioner/<str:segment>/", participant.revisions, name="revisions"),
    path(GROUP + "tag/", participant.tag_point, name="tag-point"),
    path(GROUP + "privat-tag/", participant.tag_point_privately, name="tag-point-privately"),
    path(GROUP + "vis-tags/", participant.reveal_tags, name="reveal-tags"),
    path(GROUP + "faerdig/", participant.mark_done, name="mark-done"),
    path(GROUP + "skift-gruppe/", participant.change_group, name="change-group"),
]
