from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cases.forms import CaseFilterForm
from cases.models import Case
from kodeks.views import HtmxHttpRequest, visitor_organisation


def _get_case_for_visitor(request: HttpRequest, pk: int) -> Case:
    cases = Case.objects.visible_to(visitor_organisation(request)).select_related(
        "codex", "listed_under", "organisation"
    )
    return get_object_or_404(cases, pk=pk)


@require_GET
@vary_on_headers("HX-Request")
def case_library(request: HtmxHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    form.is_valid()
    cases = (
        Case.objects.visible_to(visitor_organisation(request))
        .select_related("codex", "listed_under", "organisation")
        .prefetch_related("points")
    )
    for point in form.selected_points():
        cases = cases.about(point)
    if query := form.cleaned_data.get("q"):
        cases = cases.search(query)
    template_name = "cases/library.html"
    if request.htmx:
        template_name += "#results"
    context = {"form": form, "cases": cases, "selected": form.selected_points()}
    return render(request, template_name, context)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_visitor(request, pk)
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "points": case.points.select_related("codex")},
    )
