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
        # A case without an organisation is KL's, public to everyone: staff who belong to no
        # organisation have no cases of their own, not all of KL's.
        if request.user.organisation_id is None:
            return cases.none()
        return cases.filter(organisation_id=request.user.organisation_id)

    def _may_manage(self, request: HttpRequest, obj: Case | None) -> bool:
        """Superusers manage KL's cases; other staff only their organisation's."""
        if request.user.is_superuser:
            return True
        organisation_id = request.user.organisation_id
        if organisation_id is None:
            return False
        return obj is None or obj.organisation_id == organisation_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request, None) and super().has_add_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return self._may_manage(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return self._may_manage(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return self._may_manage(request, obj) and super().has_delete_permission(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        return [] if request.user.is_superuser else ["organisation", "number"]

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        if not request.user.is_superuser:
            obj.organisation = request.user.organisation
        super().save_model(request, obj, form, change)
