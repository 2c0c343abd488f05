from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kodeks.models import Codex, GuidePage, Organisation, Point, Theme, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "organisation", "role", "is_staff"]
    list_filter = ["organisation", "role", "is_staff"]
    list_select_related = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ["organisation", "role"]}),
    ]


class PointInline(admin.StackedInline):
    model = Point
    extra = 0


class GuidePageInline(admin.StackedInline):
    model = GuidePage
    extra = 0


class ThemeInline(admin.StackedInline):
    model = Theme
    extra = 0


@admin.register(Codex)
class CodexAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "taggable"]
    inlines = [PointInline, ThemeInline, GuidePageInline]
