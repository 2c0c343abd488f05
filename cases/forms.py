from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kodeks.models import Codex, Point


class CaseFilterForm(forms.Form):
    """The library's filters; every value arrives in the URL, so each is checked."""

    q = forms.CharField(
        label=_("Søg"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Søgningen må højst være 100 tegn. Prøv med færre ord.")},
    )
    pligt = forms.TypedChoiceField(
        label=_("Pligt"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Der findes ingen pligt med det nummer.")},
    )
    ledelse = forms.TypedChoiceField(
        label=_("Kodekspunkt for god ledelse"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Der findes intet kodekspunkt med det nummer.")},
    )

    FILTERS = {"pligt": Codex.DUTIES, "ledelse": Codex.LEADERSHIP}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        points = Point.objects.filter(codex__slug__in=self.FILTERS.values()).select_related("codex")
        self.points = {
            name: [point for point in points if point.codex.slug == slug]
            for name, slug in self.FILTERS.items()
        }
        for name, choices in self.points.items():
            self.fields[name].choices = [("", "")] + [(p.number, p.title) for p in choices]

    def selected_points(self) -> list[Point]:
        """The points chosen by valid filters; an unknown value filters nothing."""
        data = getattr(self, "cleaned_data", {})
        return [
            point
            for name, choices in self.points.items()
            for point in choices
            if data.get(name) == point.number
        ]
