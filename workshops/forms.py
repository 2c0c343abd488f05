from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from kodeks.forms import DateRangeForm
from kodeks.models import Codex, Point
from workshops.domain import FORMAT_DEFAULTS, Setup, default_group_names, group_is_empty
from workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTHS,
    LARGEST_ID,
    Format,
    Group,
    Participant,
    Phase,
    Series,
    Workshop,
    WorkshopTemplate,
    normalise_join_code,
)

MAX_GROUPS = 30
GROUP_NAME_LIMIT = 100
TEXT_LIMIT = 20_000


class RowsField(forms.ModelMultipleChoiceField):
    """Rows ticked in a list; a number no row can have is an unknown choice, like any other."""

    def clean(self, value):
        for choice in value or ():
            try:
                number = int(choice)
            except (TypeError, ValueError):
                continue
            if abs(number) > LARGEST_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": choice},
                )
        return super().clean(value)


@dataclass
class PoolSection:
    """A heading of the pool picker: a duty with the cases KL lists under it, or a codex."""

    heading: str
    duty: forms.BoundField | None
    cases: list[tuple[forms.BoundField, Case]] = field(default_factory=list)

    @property
    def chosen(self) -> bool:
        """One of its cases is ticked on its own: the section opens to show it."""
        return any(box.data["selected"] for box, _case in self.cases)


class WorkshopSetupForm(forms.Form):
    """What a workshop is set up with, when it is created and while it is not closed."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    date = forms.DateField(
        label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    focus_point = forms.ModelChoiceField(
        label=_("Kodekspunkt i fokus"),
        queryset=Point.objects.filter(codex__slug=Codex.LEADERSHIP),
        required=False,
        help_text=_("Lederteam: mødet handler om ét punkt i Kodeks for god ledelse."),
    )
    pool_duties = RowsField(
        label=_("Cases fra pligterne"),
        queryset=Point.objects.filter(codex__slug=Codex.DUTIES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alle cases under de valgte pligter kommer med."),
    )
    pool_cases = RowsField(
        label=_("Udvalgte cases"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    own_dilemmas = forms.BooleanField(
        label=_("Grupperne må skrive deres eget dilemma"), required=False
    )
    private_tagging = forms.BooleanField(
        label=_("Hver deltager tagger først for sig selv"), required=False
    )
    group_change_open = forms.BooleanField(
        label=_("Deltagerne må selv skifte gruppe"), required=False
    )
    series_name = forms.CharField(
        label=_("Serie (valgfri)"),
        max_length=200,
        required=False,
        help_text=_("Fx en fast sparringsgruppe. Cases, serien har drøftet, bliver markeret."),
        widget=forms.TextInput(attrs={"list": "series-names"}),
    )

    def __init__(self, *args, format: str, organisation, **kwargs) -> None:
        self.format = Format(format)
        super().__init__(*args, **kwargs)
        self.fields["pool_cases"].queryset = (
            Case.objects.visible_to(organisation)
            .select_related("codex", "listed_under")
            .order_by("codex__position", "organisation_id", "number")
        )
        if self.format == Format.LEDERTEAM:
            self.fields["focus_point"].required = True
            del self.fields["pool_duties"]
        else:
            del self.fields["focus_point"]

    def pool_sections(self) -> list[PoolSection]:
        """The cases to pick from, under their duty (with the duty's own box, which takes
        them all) or, for cases under no duty, under their codex."""
        duties = {}
        if "pool_duties" in self.fields:
            for box in self["pool_duties"]:
                duties[box.data["value"].value] = box
        sections: dict[object, PoolSection] = {}
        for box in self["pool_cases"]:
            case = box.data["value"].instance
            if case.listed_under_id in duties:
                key = case.listed_under_id
                heading = f"{case.listed_under.number}. {case.listed_under.title}"
            else:
                key, heading = f"codex-{case.codex_id}", case.codex.title
            if key not in sections:
                sections[key] = PoolSection(heading=heading, duty=duties.get(key))
            sections[key].cases.append((box, case))
        return list(sections.values())

    def _pool(self) -> list[Case]:
        data = self.cleaned_data
        chosen = set(data["pool_cases"])
        for duty in data.get("pool_duties") or []:
            chosen.update(self.fields["pool_cases"].queryset.filter(listed_under=duty))
        focus_point = data.get("focus_point")
        if focus_point and not chosen:
            chosen.update(self.fields["pool_cases"].queryset.about(focus_point))
        return sorted(chosen, key=lambda case: (case.codex.position, case.number or 0, case.pk))

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        data["pool"] = self._pool()
        if not data["pool"] and not data.get("own_dilemmas"):
            raise forms.ValidationError(
                _("Vælg mindst én case eller pligt, eller tillad egne dilemmaer.")
            )
        return data

    def setup(self) -> Setup:
        data = self.cleaned_data
        return Setup(
            title=data["title"],
            date=data["date"],
            pool=data["pool"],
            own_dilemmas=data["own_dilemmas"],
            private_tagging=data["private_tagging"],
            group_change_open=data["group_change_open"],
            focus_point=data.get("focus_point"),
            series_name=data["series_name"],
        )


def _check_group_names(names: list[str]) -> None:
    if len(names) > MAX_GROUPS:
        raise forms.ValidationError(
            _("En workshop kan højst have %(max)s grupper.") % {"max": MAX_GROUPS}
        )
    if len(set(names)) != len(names):
        raise forms.ValidationError(_("To grupper har samme navn."))


def _group_name_lines(text: str) -> list[str]:
    names = [line.strip() for line in text.splitlines()]
    names = [name for name in names if name]
    if any(len(name) > GROUP_NAME_LIMIT for name in names):
        raise forms.ValidationError(_("Et gruppenavn må højst være 100 tegn."))
    return names


class WorkshopForm(WorkshopSetupForm):
    """A new workshop, from a format's defaults or from one of the organisation's templates."""

    group_names = forms.CharField(
        label=_("Grupper"),
        help_text=_("Én gruppe pr. linje."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # A new one with every blank form; see Workshop.submission.
    submission = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    field_order = ["title", "date", "group_names"]

    def __init__(self, *args, format: str, organisation, template=None, **kwargs) -> None:
        kwargs.setdefault("initial", self._initial(Format(format), template))
        super().__init__(*args, format=format, organisation=organisation, **kwargs)

    def _initial(self, format: Format, template) -> dict:
        if template is not None:
            return {
                "date": timezone.localdate(),
                "title": template.name,
                "group_names": "\n".join(template.group_names),
                "focus_point": template.focus_point,
                "pool_cases": list(template.pool.all()),
                "own_dilemmas": template.own_dilemmas,
                "private_tagging": template.private_tagging,
                "group_change_open": template.group_change_open,
            }
        defaults = FORMAT_DEFAULTS[format]
        initial = {
            "date": timezone.localdate(),
            "title": format.label,
            "group_names": "\n".join(default_group_names(defaults.group_count)),
            "own_dilemmas": defaults.own_dilemmas,
        }
        # Every format can be created as it comes: a pool, or a point in focus to draw it from.
        if defaults.all_duties:
            # A new query each time: the field's own queryset is shared by every form.
            initial["pool_duties"] = list(self.base_fields["pool_duties"].queryset.all())
        if format == Format.LEDERTEAM:
            points = self.base_fields["focus_point"].queryset
            initial["focus_point"] = points.order_by("number").first()
        return initial

    def clean_group_names(self) -> list[str]:
        names = _group_name_lines(self.cleaned_data["group_names"])
        if not names:
            raise forms.ValidationError(_("Skriv mindst én gruppe."))
        _check_group_names(names)
        return names


class WorkshopEditForm(WorkshopSetupForm):
    """A workshop's set-up changed: its settings and pool, and its groups renamed, added or
    (when nobody is in them and they hold nothing) removed."""

    new_groups = forms.CharField(
        label=_("Nye grupper"),
        help_text=_("Én gruppe pr. linje."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        self.workshop = workshop
        self.groups = list(workshop.groups.order_by("position"))
        kwargs.setdefault(
            "initial",
            {
                "title": workshop.title,
                "date": workshop.date,
                "focus_point": workshop.focus_point,
                "pool_cases": list(workshop.pool.all()),
                "own_dilemmas": workshop.own_dilemmas,
                "private_tagging": workshop.private_tagging,
                "group_change_open": workshop.group_change_open,
                "series_name": workshop.series.name if workshop.series else "",
            },
        )
        super().__init__(
            *args, format=workshop.format, organisation=workshop.organisation, **kwargs
        )
        for group in self.groups:
            group.empty = group_is_empty(group)
            self.fields[f"group_{group.pk}"] = forms.CharField(
                label=format_lazy(_("Navn på gruppe {position}"), position=group.position),
                max_length=GROUP_NAME_LIMIT,
                initial=group.name,
            )
            if group.empty:
                self.fields[f"remove_{group.pk}"] = forms.BooleanField(
                    label=format_lazy(_("Fjern {name}"), name=group.name), required=False
                )

    def group_rows(self) -> list[tuple[Group, forms.BoundField, forms.BoundField | None]]:
        return [
            (
                group,
                self[f"group_{group.pk}"],
                self[f"remove_{group.pk}"] if group.empty else None,
            )
            for group in self.groups
        ]

    def clean_new_groups(self) -> list[str]:
        return _group_name_lines(self.cleaned_data["new_groups"])

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        data["removed"] = {group.pk for group in self.groups if data.get(f"remove_{group.pk}")}
        data["renamed"] = {
            group.pk: data[f"group_{group.pk}"].strip()
            for group in self.groups
            if group.pk not in data["removed"]
        }
        names = [*data["renamed"].values(), *data["new_groups"]]
        if not names:
            raise forms.ValidationError(_("En workshop skal have mindst én gruppe."))
        _check_group_names(names)
        return data


class TemplateChoiceForm(forms.Form):
    """The organisation's template a new workshop starts from, as the address names it."""

    skabelon = forms.ModelChoiceField(queryset=WorkshopTemplate.objects.none())

    def __init__(self, *args, queryset, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skabelon"].queryset = queryset


class TemplateNameForm(forms.Form):
    name = forms.CharField(
        label=_("Skabelonens navn"),
        max_length=200,
        help_text=_("En skabelon med samme navn bliver erstattet."),
    )


class ArrangeForm(forms.Form):
    """Deal the participants out over the groups: in the order they joined, or at random."""

    EVEN, RANDOM = "even", "random"

    how = forms.ChoiceField(choices=[(EVEN, EVEN), (RANDOM, RANDOM)])


class MoveForm(forms.Form):
    """One participant to another group of the workshop."""

    participant = forms.ModelChoiceField(queryset=Participant.objects.none())
    group = forms.ModelChoiceField(label=_("Flyt til"), queryset=Group.objects.none())

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = workshop.participants.all()
        self.fields["group"].queryset = workshop.groups.all()


class RemoveForm(forms.Form):
    """A participant taken out of the workshop."""

    remove = forms.ModelChoiceField(queryset=Participant.objects.none())

    def __init__(self, *args, workshop: Workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = workshop.participants.all()


class LockForm(forms.Form):
    locked = forms.BooleanField(required=False)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Koden står på skærmen, fx K7Q2-M9XD-4F."),
    )

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) not in CODE_LENGTHS or any(char not in CODE_ALPHABET for char in code):
            raise forms.ValidationError(
                _("Koden har 10 tegn, fx K7Q2-M9XD-4F. Tjek den og prøv igen.")
            )
        return code


class GroupChoiceForm(forms.Form):
    """The group a participant joins, or changes to."""

    group = forms.ModelChoiceField(
        label=_("Gruppe"),
        queryset=Group.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Vælg en af workshoppens grupper."),
            "invalid_choice": _("Vælg en af workshoppens grupper."),
        },
    )

    def __init__(self, *args, workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = workshop.groups.all()


class ParticipantForm(GroupChoiceForm):
    display_name = forms.CharField(label=_("Dit navn (valgfrit)"), max_length=60, required=False)

    field_order = ["display_name", "group"]


class DilemmaForm(forms.Form):
    """A group's choice of dilemma names the dilemma the member's page showed, so a choice
    from an old page never replaces a colleague's without a word."""

    shown = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class CaseChoiceForm(DilemmaForm):
    case = forms.ModelChoiceField(queryset=Case.objects.none())
    # Changing a case the group already has is confirmed on a page of its own.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, workshop, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = workshop.pool.all()


class OwnDilemmaForm(DilemmaForm):
    own_title = forms.CharField(label=_("Overskrift"), max_length=200)
    own_situation = forms.CharField(
        label=_("Beskriv dilemmaet"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Skriv ikke navne på kolleger, borgere eller politikere."),
    )


class SharedTextForm(forms.Form):
    """A member's save of a shared text: the text, and the revision it was written from."""

    text = forms.CharField(
        max_length=TEXT_LIMIT, required=False, strip=False, widget=forms.Textarea
    )
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


class RestoreForm(forms.Form):
    """The revision of a shared text to make the group's text again."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class TagForm(forms.Form):
    """A point of the workshop's codex, and whether it is to be tagged (on) or not."""

    point = forms.IntegerField(min_value=1, max_value=LARGEST_ID)
    on = forms.BooleanField(required=False)

    def __init__(self, *args, codex_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.codex_id = codex_id

    def clean_point(self) -> Point:
        # Read with just what the button shows: a tap is answered with the button alone.
        points = Point.objects.filter(codex_id=self.codex_id).only("number", "title")
        point = points.filter(pk=self.cleaned_data["point"]).first()
        if point is None:
            raise forms.ValidationError(_("Den pligt findes ikke i denne workshop."))
        return point


class TagStepForm(forms.Form):
    """A step of tagging on one's own first: reveal everyone's tags (confirmed, when not all
    members have tagged yet), or agree on the group's tags once they are revealed."""

    REVEAL, AGREE = "reveal", "agree"

    step = forms.ChoiceField(choices=[(REVEAL, REVEAL), (AGREE, AGREE)], required=False)
    confirmed = forms.BooleanField(required=False)


class DoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices)


TIMER_MINUTES = (1, 180)


class TimerForm(forms.Form):
    """Start the timer, give it five minutes more, or stop it."""

    START, MORE, STOP = "start", "more", "stop"

    action = forms.ChoiceField(choices=[(START, START), (MORE, MORE), (STOP, STOP)], initial=START)
    minutes = forms.IntegerField(
        label=_("Timer (minutter)"),
        required=False,
        initial=15,
        min_value=TIMER_MINUTES[0],
        max_value=TIMER_MINUTES[1],
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            format_lazy(
                _("Vælg mellem {lowest} og {highest} minutter."),
                lowest=TIMER_MINUTES[0],
                highest=TIMER_MINUTES[1],
            ),
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.START and data.get("minutes") is None and not self.errors:
            self.add_error("minutes", self.fields["minutes"].error_messages["invalid"])
        return data


class PlenaryForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=MAX_GROUPS)


class ReportForm(DateRangeForm):
    """HR's report filters; they arrive in the URL, so each is checked."""

    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        error_messages={"invalid_choice": _("Vælg et af formaterne på listen.")},
    )
    serie = forms.ModelChoiceField(
        label=_("Serie"),
        queryset=Series.objects.none(),
        required=False,
        empty_label=_("Alle serier"),
        error_messages={"invalid_choice": _("Vælg en af serierne på listen.")},
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", _("Alle formater")), *Format.choices]
        self.fields["serie"].queryset = Series.objects.filter(organisation=organisation)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["fra"],
            "end": data["til"],
            "format": data["format"],
            "series_id": data["serie"].pk if data["serie"] else None,
        }
