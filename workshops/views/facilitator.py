"""A facilitator's pages: their workshops, setting one up, the live dashboard, the projector."""

from __future__ import annotations

from collections import defaultdict

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, F
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from kodeks import audit
from kodeks.models import AuditEntry, GuidePage, Point
from kodeks.rendering import render_shared
from kodeks.views import HtmxHttpRequest
from workshops import domain
from workshops.forms import (
    ArrangeForm,
    LockForm,
    MoveForm,
    PhaseForm,
    PlenaryForm,
    RemoveForm,
    TemplateChoiceForm,
    TemplateNameForm,
    TimerForm,
    WorkshopEditForm,
    WorkshopForm,
)
from workshops.models import Format, Group, Phase, Workshop, WorkshopTemplate
from workshops.views.access import facilitator_required, get_workshop_for_facilitator

Action = AuditEntry.Action
CLOSED_PER_PAGE = 20
TIMER_EXTRA_MINUTES = 5


def _templates(request: HttpRequest):
    return WorkshopTemplate.objects.filter(organisation_id=request.user.organisation_id)


@require_GET
@facilitator_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = (
        Workshop.objects.for_organisation(request.user.organisation_id)
        .select_related("facilitator", "series")
        .annotate(group_count=Count("groups", distinct=True))
    )
    today = timezone.localdate()
    open_workshops = workshops.open()
    # Held workshops pile up over the years: the latest first, a page at a time.
    closed = Paginator(workshops.closed().order_by("-date", "-closed_at"), CLOSED_PER_PAGE)
    closed_page = closed.get_page(request.GET.get("side"))
    sections = {
        "running": open_workshops.filter(date__lte=today),
        "upcoming": open_workshops.filter(date__gt=today).order_by("date", "created_at"),
        "closed": closed_page,
    }
    context = {
        "sections": sections,
        "closed_page": closed_page,
        "formats": Format,
        "templates": _templates(request),
    }
    return render(request, "workshops/workshop_list.html", context)


def _chosen_template(request: HttpRequest) -> WorkshopTemplate | None:
    """The organisation's template the set-up starts from (?skabelon=), if one is asked for."""
    choice = TemplateChoiceForm(request.GET, queryset=_templates(request))
    return choice.cleaned_data["skabelon"] if choice.is_valid() else None


@require_http_methods(["GET", "POST"])
@facilitator_required
def create_workshop(request: HttpRequest) -> HttpResponse:
    template = _chosen_template(request)
    format = template.format if template else request.GET.get("format", Format.ONBOARDING)
    if format not in Format.values:
        format = Format.CUSTOM
    organisation = request.user.organisation
    form = WorkshopForm(
        request.POST or None, format=format, organisation=organisation, template=template
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshops = Workshop.objects.for_organisation(request.user.organisation_id)
        submission = data["submission"]
        if submission and (sent := workshops.filter(submission=submission).first()):
            return redirect(sent)
        setup = form.setup()
        try:
            workshop = domain.create_workshop(
                request.user,
                title=setup.title,
                format=format,
                date=setup.date,
                group_names=data["group_names"],
                pool=setup.pool,
                own_dilemmas=setup.own_dilemmas,
                private_tagging=setup.private_tagging,
                group_change_open=setup.group_change_open,
                focus_point=setup.focus_point,
                series_name=setup.series_name,
                submission=submission,
            )
        except IntegrityError:
            # The same form, sent twice at once: the other request created it.
            return redirect(get_object_or_404(workshops, submission=submission))
        audit.record(request, Action.WORKSHOP_CREATED, target=workshop)
        return redirect(workshop)
    context = {
        "form": form,
        "format": Format(format),
        "formats": Format,
        "template": template,
        "templates": _templates(request),
        "series": organisation.series.all() if organisation else [],
    }
    return render(request, "workshops/workshop_form.html", context)


@require_http_methods(["GET", "POST"])
@facilitator_required
def edit_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a workshop's set-up while it is upcoming or running; every open page follows
    within one poll."""
    workshop = get_workshop_for_facilitator(request, pk)
    if workshop.is_closed:
        messages.info(request, _("En lukket workshop kan ikke ændres. Genåbn den først."))
        return redirect(workshop)
    form = WorkshopEditForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        domain.edit_workshop(
            workshop,
            form.setup(),
            renamed=data["renamed"],
            removed=data["removed"],
            added=data["new_groups"],
        )
        audit.record(request, Action.WORKSHOP_EDITED, target=workshop)
        messages.success(request, _("Ændringerne er gemt."))
        return redirect(workshop)
    context = {"workshop": workshop, "form": form, "series": workshop.organisation.series.all()}
    return render(request, "workshops/edit_workshop.html", context)


@require_http_methods(["GET", "POST"])
@facilitator_required
def save_template(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the workshop's set-up as one of the organisation's templates."""
    workshop = get_workshop_for_facilitator(request, pk)
    form = TemplateNameForm(request.POST or None, initial={"name": workshop.title})
    if request.method == "POST" and form.is_valid():
        template = domain.save_template(workshop, name=form.cleaned_data["name"])
        saved = _(
            "Skabelonen “%(name)s” er gemt. Den står ved formaterne, når du opretter en workshop."
        )
        messages.success(request, saved % {"name": template.name})
        return redirect(workshop)
    return render(request, "workshops/save_template.html", {"workshop": workshop, "form": form})


@require_POST
@facilitator_required
def delete_template(request: HttpRequest, template_pk: int) -> HttpResponse:
    template = get_object_or_404(_templates(request), pk=template_pk)
    template.delete()
    messages.success(request, _("Skabelonen “%(name)s” er slettet.") % {"name": template.name})
    return redirect("workshops:list")


def _dashboard_groups(workshop: Workshop) -> list[Group]:
    """The groups with what their dashboard rows show, in a fixed number of queries."""
    groups = list(
        workshop.groups.only(
            "position", "name", "case", "own_title", "done", "version", "last_activity_at"
        ).annotate(
            case_title=F("case__title"),
            notes_length=Length("notes"),
            member_count=Count("participants"),
        )
    )
    tags = defaultdict(list)
    tagged = Point.objects.filter(group__workshop=workshop).order_by("number")
    for group_id, number, title in tagged.values_list("group", "number", "title"):
        tags[group_id].append(f"{number}. {title}")
    # The names participants chose to give, which only the facilitator sees, here.
    names = defaultdict(list)
    named = workshop.participants.exclude(display_name="").order_by("joined_at", "pk")
    for group_id, name in named.values_list("group", "display_name"):
        names[group_id].append(name)
    used = domain.cases_used_in_series(workshop.series, exclude=workshop)
    for group in groups:
        group.tag_labels = tags[group.pk]
        group.member_names = names[group.pk]
        group.used_in_series = group.case_id in used
        count = group.notes_length
        group.notes_size = ngettext("%(count)s tegn", "%(count)s tegn", count) % {"count": count}
    return groups


def _live_etag(request: HttpRequest, pk: int, version: str) -> str:
    return f'"w{pk}.{version}.{request.LANGUAGE_CODE}"'


def _live_version(request: HttpRequest, pk: int) -> str | None:
    """The versions of the workshop and its groups, read once per request: the ETag check
    and the view both ask."""
    if not hasattr(request, "live_version"):
        organisation_id = request.user.organisation_id
        request.live_version = Workshop.objects.live_version(pk, organisation_id=organisation_id)
    return request.live_version


def _dashboard_etag(request: HttpRequest, pk: int) -> str | None:
    """A poll's ETag; None for another organisation's workshop. Whole pages are not polled
    and get none."""
    if not request.headers.get("HX-Request"):
        return None
    version = _live_version(request, pk)
    return None if version is None else _live_etag(request, pk, version)


def _dashboard_context(request: HttpRequest, pk: int) -> dict:
    workshop = get_workshop_for_facilitator(request, pk)
    groups = _dashboard_groups(workshop)
    # The version of exactly what is rendered, for the page to poll with.
    version = f"{workshop.version}.{sum(group.version for group in groups)}"
    return {
        "workshop": workshop,
        "groups": groups,
        "etag": _live_etag(request, pk, version),
        "phases": Phase,
        "participant_count": sum(group.member_count for group in groups),
        "timer_form": TimerForm(auto_id="timer-%s"),
        "guidance": domain.guidance_for(workshop),
    }


@require_GET
@facilitator_required
@vary_on_headers("HX-Request")
@condition(etag_func=_dashboard_etag)
def dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    template_name = "workshops/dashboard.html" + ("#live" if request.htmx else "")
    version = _live_version(request, pk)
    if version is None or len(messages.get_messages(request)):
        # Another organisation's workshop (404), or one without groups; or the page with the
        # message of what the facilitator just did, which is theirs alone and shown once.
        return render(request, template_name, _dashboard_context(request, pk))
    # Everything the page shows: the versions, the language, the facilitator signed in, and
    # the address the participants are told to go to.
    key = f"dashboard:{pk}:{version}:{request.LANGUAGE_CODE}:{request.user.pk}:{request.get_host()}"
    return render_shared(request, template_name, lambda: _dashboard_context(request, pk), key=key)


@require_POST
@facilitator_required
def change_phase(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_workshop_for_facilitator(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid() and not workshop.is_closed:
        domain.set_phase(workshop, phase=form.cleaned_data["phase"])
    return redirect(workshop)


@require_http_methods(["GET", "POST"])
@facilitator_required
def close_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing asks first, saying what it does; only the confirmation closes."""
    workshop = get_workshop_for_facilitator(request, pk)
    if workshop.is_closed:
        return redirect(workshop)
    if request.method == "POST" and request.POST.get("confirmed"):
        domain.set_phase(workshop, phase=Phase.CLOSED)
        audit.record(request, Action.WORKSHOP_CLOSED, target=workshop)
        return redirect(workshop)
    context = {"workshop": workshop, "retention_days": settings.KODEKS_NOTES_RETENTION_DAYS}
    return render(request, "workshops/close_workshop.html", context)


@require_http_methods(["GET", "POST"])
@facilitator_required
def delete_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    """Deleting asks first, naming what goes; then the workshop and all it holds are gone,
    from the summaries, the exports and the report."""
    workshop = get_workshop_for_facilitator(request, pk)
    if request.method == "POST" and request.POST.get("confirmed"):
        title = workshop.title
        audit.record(request, Action.WORKSHOP_DELETED, target=workshop)
        workshop.delete()
        messages.success(request, _("“%(title)s” er slettet.") % {"title": title})
        return redirect("workshops:list")
    groups = workshop.groups.all()
    context = {
        "workshop": workshop,
        "group_count": len(groups),
        "participant_count": workshop.participants.count(),
        "written_count": sum(
            1 for group in groups if group.notes or group.conclusion or group.own_situation
        ),
        "tag_count": Group.tags.through.objects.filter(group__workshop=workshop).count(),
    }
    return render(request, "workshops/delete_workshop.html", context)


@require_POST
@facilitator_required
def duplicate_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_workshop_for_facilitator(request, pk)
    copy = domain.duplicate_workshop(workshop, request.user)
    audit.record(request, Action.WORKSHOP_CREATED, target=copy, label=_("kopi"))
    return redirect(copy)


@require_POST
@facilitator_required
def reopen_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    """A workshop closed too early opens again in plenum, as long as its notes are kept."""
    workshop = get_workshop_for_facilitator(request, pk)
    if workshop.is_closed and workshop.notes_purged_at is None:
        domain.set_phase(workshop, phase=Phase.PLENARY)
        audit.record(request, Action.WORKSHOP_REOPENED, target=workshop)
    return redirect(workshop)


@require_POST
@facilitator_required
def lock_joining(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the workshop to new participants once everyone is in, or open it again."""
    workshop = get_workshop_for_facilitator(request, pk)
    form = LockForm(request.POST)
    if form.is_valid() and not workshop.is_closed:
        domain.lock_joining(workshop, locked=form.cleaned_data["locked"])
    return redirect(workshop)


@require_http_methods(["GET", "POST"])
@facilitator_required
def arrange_groups(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is in which group: deal everyone out evenly or at random, or move one person. A
    moved participant's phone follows to the new group on its next poll."""
    workshop = get_workshop_for_facilitator(request, pk)
    arrange_form = ArrangeForm()
    move_form = MoveForm(workshop=workshop)
    if request.method == "POST" and not workshop.is_closed:
        if "remove" in request.POST:
            remove_form = RemoveForm(request.POST, workshop=workshop)
            if remove_form.is_valid():
                participant = remove_form.cleaned_data["remove"]
                domain.remove_participant(participant)
                messages.success(
                    request,
                    _("%(participant)s er fjernet fra workshoppen.") % {"participant": participant},
                )
                return redirect("workshops:arrange", pk=workshop.pk)
            move_form = remove_form
        elif "how" in request.POST:
            arrange_form = ArrangeForm(request.POST)
            if arrange_form.is_valid():
                at_random = arrange_form.cleaned_data["how"] == ArrangeForm.RANDOM
                domain.split_participants(workshop, at_random=at_random)
                messages.success(request, _("Deltagerne er fordelt på grupperne."))
                return redirect("workshops:arrange", pk=workshop.pk)
        else:
            move_form = MoveForm(request.POST, workshop=workshop)
            if move_form.is_valid():
                participant = move_form.cleaned_data["participant"]
                group = move_form.cleaned_data["group"]
                domain.move_participant(participant, group)
                messages.success(
                    request,
                    _("%(participant)s er flyttet til %(group)s.")
                    % {"participant": participant, "group": group},
                )
                return redirect("workshops:arrange", pk=workshop.pk)
    groups = list(workshop.groups.order_by("position"))
    members = defaultdict(list)
    for participant in workshop.participants.order_by("joined_at", "pk"):
        members[participant.group_id].append(participant)
    for group in groups:
        group.members = members[group.pk]
    context = {
        "workshop": workshop,
        "groups": groups,
        "without_group": members[None],
        "participant_count": sum(len(people) for people in members.values()),
        "arrange_form": arrange_form,
        "move_form": move_form,
    }
    status = 400 if arrange_form.errors or move_form.errors else 200
    return render(request, "workshops/arrange_groups.html", context, status=status)


@require_POST
@facilitator_required
def start_timer(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_workshop_for_facilitator(request, pk)
    form = TimerForm(request.POST, auto_id="timer-%s")
    if not form.is_valid():
        # The dashboard again, saying what is wrong, with what was typed.
        context = {**_dashboard_context(request, pk), "timer_form": form}
        return render(request, "workshops/dashboard.html", context, status=400)
    if not workshop.is_closed:
        action = form.cleaned_data["action"]
        if action == TimerForm.MORE:
            domain.extend_timer(workshop, minutes=TIMER_EXTRA_MINUTES)
        else:
            minutes = form.cleaned_data["minutes"] if action == TimerForm.START else None
            domain.set_timer(workshop, minutes=minutes)
    return redirect(workshop)


@require_GET
@facilitator_required
def projector_join(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen the room joins from: the code large, its QR code and where to type it."""
    workshop = get_workshop_for_facilitator(request, pk)
    return render(request, "workshops/projector_join.html", {"workshop": workshop})


def _projector_etag(request: HttpRequest, pk: int, version: int) -> str:
    return f'"projector{pk}.{version}.{request.LANGUAGE_CODE}"'


def _projector_poll_etag(request: HttpRequest, pk: int) -> str | None:
    """A poll's ETag: the workshop's own version (phase, timer), which groups' work leaves
    alone; None for another organisation's workshop. Whole pages are not polled."""
    if not request.headers.get("HX-Request"):
        return None
    workshops = Workshop.objects.for_organisation(request.user.organisation_id)
    version = workshops.filter(pk=pk).values_list("version", flat=True).first()
    return None if version is None else _projector_etag(request, pk, version)


@require_GET
@facilitator_required
@vary_on_headers("HX-Request")
@condition(etag_func=_projector_poll_etag)
def projector(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The room's screen. It polls for the timer the dashboard starts, stops or extends; a
    new phase reloads it, with the screens that phase shows."""
    workshop = get_workshop_for_facilitator(request, pk)
    context = {"workshop": workshop, "etag": _projector_etag(request, pk, workshop.version)}
    if request.htmx:
        if request.GET.get("fase") != workshop.phase:
            return HttpResponseClientRefresh()
        return render(request, "workshops/projector.html#projector-timer", context)
    form = PlenaryForm(request.GET)
    requested = form.cleaned_data["position"] if form.is_valid() else 1
    if workshop.phase in {Phase.PLENARY, Phase.CLOSED}:
        groups = list(workshop.groups.select_related("case").prefetch_related("tags"))
        position = min(requested, len(groups))
        context.update(groups=groups, group=groups[position - 1], position=position)
    else:
        slides = (
            [workshop.focus_point] if workshop.focus_point else list(workshop.codex.points.all())
        )
        position = min(requested, len(slides))
        context.update(slides=slides, slide=slides[position - 1], position=position)
        context["guidance"] = domain.guidance_for(workshop)
    return render(request, "workshops/projector.html", context)


def _get_guide_for_workshop(workshop: Workshop, slug: str) -> GuidePage:
    """A guide page of the workshop's codex; 404 for any other codex's."""
    return get_object_or_404(
        GuidePage.objects.select_related("codex"), codex=workshop.codex_id, slug=slug
    )


@require_GET
@facilitator_required
def projector_guide(request: HttpRequest, pk: int, guide: str) -> HttpResponse:
    """A guide page in the projector's large type, for the facilitator to go through with the
    room."""
    workshop = get_workshop_for_facilitator(request, pk)
    page = _get_guide_for_workshop(workshop, guide)
    context = {
        "workshop": workshop,
        "etag": _projector_etag(request, pk, workshop.version),
        "page": page,
        "blocks": page.blocks_with_examples(),
        "guidance": domain.guidance_for(workshop),
    }
    return render(request, "workshops/projector_guide.html", context)


def _get_group_for_facilitator(workshop: Workshop, group_pk: int) -> Group:
    """The workshop's group with its case; 404 for a group of any other workshop."""
    return get_object_or_404(workshop.groups.select_related("case"), pk=group_pk)


def _read_along_etag(request: HttpRequest, group_pk: int, versions: str) -> str:
    return f'"read-along.{group_pk}.{versions}.{request.LANGUAGE_CODE}"'


def _read_along_poll_etag(request: HttpRequest, pk: int, group_pk: int) -> str | None:
    """A poll's ETag: the group's version and its workshop's (phase), so other groups' work
    leaves the page alone; None for a group the facilitator may not see. Whole pages are not
    polled and get none."""
    if not request.headers.get("HX-Request"):
        return None
    versions = (
        Group.objects.filter(
            pk=group_pk, workshop_id=pk, workshop__organisation_id=request.user.organisation_id
        )
        .values_list("version", "workshop__version")
        .first()
    )
    if versions is None:
        return None
    group_version, workshop_version = versions
    return _read_along_etag(request, group_pk, f"{group_version}.{workshop_version}")


def _announced_state(group: Group, tags: list[Point]) -> str:
    """What screen readers are told about when it changes: the dilemma, the tags and whether
    the group is done. Not the texts: while the group writes they change with every poll."""
    tag_numbers = "-".join(str(point.number) for point in tags)
    return f"{group.dilemma_key}.{tag_numbers}.{int(group.done)}"


@never_cache
@require_GET
@facilitator_required
@vary_on_headers("HX-Request")
@condition(etag_func=_read_along_poll_etag)
def read_along(request: HtmxHttpRequest, pk: int, group_pk: int) -> HttpResponse:
    workshop = get_workshop_for_facilitator(request, pk)
    group = _get_group_for_facilitator(workshop, group_pk)
    tags = list(group.tags.order_by("number"))
    shown = _announced_state(group, tags)
    template_name = "workshops/read_along.html" + ("#live" if request.htmx else "")
    context = {
        "workshop": workshop,
        "group": group,
        "tags": tags,
        # The version of exactly what is rendered, for the page to poll with.
        "etag": _read_along_etag(request, group.pk, f"{group.version}.{workshop.version}"),
        "shown": shown,
        # The poll says what its page showed: new tags, dilemma or done are announced, new
        # notes alone are not.
        "announce": bool(request.htmx) and request.GET.get("vist") != shown,
    }
    return render(request, template_name, context)


@require_GET
@facilitator_required
def join_qr(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_workshop_for_facilitator(request, pk)
    url = request.build_absolute_uri(reverse("workshops:join-workshop", args=[workshop.join_code]))
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(url, error="m").save(
        response, kind="svg", xmldecl=False, scale=8, title=_("QR-kode til at deltage")
    )
    return response
