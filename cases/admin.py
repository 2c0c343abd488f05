from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Staff of an organisation manage their own local cases; KL content is for superusers."""

    list_display = ["title", "number", "codex", "listed_under", "organisation"]
    list_filter = ["codex", "kind", "organisation"]
    list_select_related = ["codex", "listed_under", "organisation"]
    search_fields = ["title", "situation"]
    filter_horizontal = ["points"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        cases = super().get_queryset(request)
        if request.user.is_superuser:
            return cases
        return cases.filter(organisation=request.user.organisation_id)

    def get_exclude(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        return [] if request.user.is_superuser else ["organisation", "number"]

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        if not request.user.is_superuser:
            obj.organisation = request.user.organisation
        super().save_model(request, obj, form, change)
