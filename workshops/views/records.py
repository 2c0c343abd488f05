"""What is kept of workshops: a workshop's summary, HR's reports, and their exports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kodeks import audit
from kodeks.models import AuditEntry
from workshops import exports
from workshops.forms import ReportForm
from workshops.models import Workshop
from workshops.reports import build_report, report_groups, report_workshops
from workshops.summaries import summarise
from workshops.views.access import get_workshop_for_reader, hr_required, summary_reader_required

Action = AuditEntry.Action
REPORT_PAGE_SIZE = 25


@never_cache
@require_GET
@summary_reader_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_workshop_for_reader(request, pk)
    audit.record(request, Action.SUMMARY_VIEWED, target=workshop)
    return render(request, "workshops/summary.html", {"summary": summarise(workshop)})


SUMMARY_EXPORTS = {
    "csv": exports.summary_csv,
    "xlsx": exports.summary_xlsx,
    "pdf": exports.summary_pdf,
}


@never_cache
@require_GET
@summary_reader_required
def export_summary(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    workshop = get_workshop_for_reader(request, pk)
    audit.record(request, Action.SUMMARY_EXPORTED, target=workshop, label=file_format.upper())
    return SUMMARY_EXPORTS[file_format](summarise(workshop))


def _report_form(request: HttpRequest) -> ReportForm:
    return ReportForm(request.GET or None, organisation=request.user.organisation)


def _report_label(form: ReportForm) -> str:
    """The filters a report was read or exported with, for the audit log."""
    if not form.is_bound or not form.is_valid():
        return ""
    return " ".join(f"{name}={value}" for name, value in form.cleaned_data.items() if value)


def _filtered_workshops(request: HttpRequest, form: ReportForm):
    filters = form.filters() if form.is_bound else {}
    return report_workshops(request.user.organisation_id, **filters)


@never_cache
@require_GET
@hr_required
def report(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "workshops/report.html", {"form": form}, status=400)
    workshops = _filtered_workshops(request, form)
    page = Paginator(workshops.select_related("series"), REPORT_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    counted = Workshop.objects.filter(pk__in=[workshop.pk for workshop in page]).annotate(
        group_count=Count("groups", distinct=True),
        participant_count=Count("participants", distinct=True),
    )
    counts = {row.pk: row for row in counted}
    for workshop in page:
        workshop.group_count = counts[workshop.pk].group_count
        workshop.participant_count = counts[workshop.pk].participant_count
    context = {"form": form, "report": build_report(workshops), "page": page}
    audit.record(request, Action.REPORT_VIEWED, label=_report_label(form))
    return render(request, "workshops/report.html", context)


@never_cache
@require_GET
@hr_required
def export_report(request: HttpRequest, content: str, file_format: str) -> HttpResponse:
    form = _report_form(request)
    if form.is_bound and not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    workshops = _filtered_workshops(request, form)
    label = f"{content} {file_format.upper()} {_report_label(form)}".strip()
    audit.record(request, Action.REPORT_EXPORTED, label=label)
    if file_format == "csv" and content == "rows":
        return exports.csv_response(
            exports.report_row_values(report_groups(workshops)), "kodeks-rapport-raekker.csv"
        )
    figures = exports.report_figure_rows(build_report(workshops))
    if file_format == "csv":
        return exports.csv_response(figures, "kodeks-rapport.csv")
    sheets = [
        (_("Rapport"), figures),
        (_("Rækker"), exports.report_row_values(report_groups(workshops))),
    ]
    return exports.xlsx_response(sheets, "kodeks-rapport.xlsx")
