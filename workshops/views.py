from __future__ import annotations

from collections import defaultdict
from functools import wraps

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from kodeks.forms import client_address
from kodeks.models import Point, User
from kodeks.sessions import read_with_session
from kodeks.shortcuts import render_shared
from kodeks.views import HtmxHttpRequest
from workshops import domain, exports
from workshops.forms import (
    CaseChoiceForm,
    ConclusionForm,
    DoneForm,
    JoinForm,
    NotesForm,
    OwnDilemmaForm,
    ParticipantForm,
    PhaseForm,
    PlenaryForm,
    PointForm,
    ReportForm,
    TimerForm,
    WorkshopForm,
)
from workshops.models import (
    LIVE_CHANGES,
    Format,
    Group,
    GroupState,
    Participant,
    Phase,
    Workshop,
    workshop_live_etag,
)
from workshops.reports import build_report, report_groups, report_workshops
from workshops.summaries import summarise

SESSION_KEY = "participants"
REPORT_PAGE_SIZE = 25


# Access by role ----------------------------------------------------------------------------


def role_required(*roles: str):
    """Logged in with one of the roles; anyone else logged in gets 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# HR may not run workshops.
facilitator_required = role_required(User.Role.FACILITATOR, User.Role.ADMIN)
summary_reader_required = role_required(User.Role.FACILITATOR, User.Role.ADMIN, User.Role.HR)
hr_required = role_required(User.Role.HR, User.Role.ADMIN)


# Facilitators ------------------------------------------------------------------------------


def _get_workshop_for_facilitator(request: HttpRequest, pk: int) -> Workshop:
    workshops = Workshop.objects.for_organisation(request.user.organisation_id)
    return get_object_or_404(workshops.select_related("codex", "focus_point", "series"), pk=pk)


def _workshop_etag(request: HttpRequest, pk: int) -> str | None:
    """Read once per request: the ETag check and the view both ask. The dashboard has it read
    with the session, in the same query, when the session's user is the signed-in user."""
    if not hasattr(request, "_workshop_etag"):
        user, session = request.user, request.session
        if session.along is not None and getattr(session.signed_in_user, "pk", None) == user.pk:
            request._workshop_etag = workshop_live_etag(pk, *session.along)
        else:
            organisation_id = user.organisation_id
            request._workshop_etag = Workshop.objects.live_etag(pk, organisation_id=organisation_id)
    return request._workshop_etag


def _dashboard_etag(request: HttpRequest, pk: int) -> str | None:
    if not request.headers.get("HX-Request"):
        return None
    return _workshop_etag(request, pk)


@require_GET
@facilitator_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = (
        Workshop.objects.for_organisation(request.user.organisation_id)
        .select_related("facilitator", "series")
        .annotate(group_count=Count("groups", distinct=True))
    )
    today = timezone.localdate()
    sections = {
        "running": [w for w in workshops if not w.is_closed and w.date <= today],
        "upcoming": [w for w in workshops if not w.is_closed and w.date > today],
        "closed": [w for w in workshops if w.is_closed],
    }
    return render(
        request, "workshops/workshop_list.html", {"sections": sections, "formats": Format}
    )


@require_http_methods(["GET", "POST"])
@facilitator_required
def create_workshop(request: HttpRequest) -> HttpResponse:
    format = request.GET.get("format", Format.ONBOARDING)
    if format not in Format.values:
        format = Format.CUSTOM
    organisation = request.user.organisation
    form = WorkshopForm(request.POST or None, format=format, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshop = domain.create_workshop(
            request.user,
            title=data["title"],
            format=format,
            date=data["date"],
            group_names=data["group_names"],
            pool=data["pool"],
            own_dilemmas=data["own_dilemmas"],
            private_tagging=data["private_tagging"],
            focus_point=data.get("focus_point"),
            series_name=data["series_name"],
        )
        return redirect(workshop)
    series = organisation.series.all() if organisation else []
    context = {"form": form, "format": Format(format), "formats": Format, "series": series}
    return render(request, "workshops/workshop_form.html", context)


def _dashboard_groups(workshop: Workshop) -> list[Group]:
    """The groups with what their dashboard rows show, in a fixed number of queries.

    Read only when the live section is not cached for the workshop's current version.
    """
    groups = list(
        workshop.groups.only(
            "position", "name", "case", "own_title", "done", "changed_at"
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
    used = domain.cases_used_in_series(workshop.series, exclude=workshop)
    for group in groups:
        group.tag_labels = tags[group.pk]
        group.used_in_series = group.case_id in used
    return groups


@read_with_session(LIVE_CHANGES, lambda pk: [pk, pk])
@require_GET
@facilitator_required
@vary_on_headers("HX-Request")
@condition(etag_func=_dashboard_etag)
def dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    etag = _workshop_etag(request, pk)
    if etag is None:
        raise Http404
    template_name = "workshops/dashboard.html"
    if request.htmx:
        template_name += "#live"

    def context() -> dict:
        workshop = _get_workshop_for_facilitator(request, pk)
        groups = SimpleLazyObject(lambda: _dashboard_groups(workshop))
        return {
            "workshop": workshop,
            "etag": etag,
            "groups": groups,
            "phases": Phase,
            "participant_count": SimpleLazyObject(
                lambda: sum(group.member_count for group in groups)
            ),
        }

    # Every change in the workshop or its groups changes the ETag; the page also names the
    # user and the host.
    where = f"{request.get_host()}{request.get_full_path()}"
    version = f"{etag}:{request.user.pk}:{request.LANGUAGE_CODE}:{where}"
    return render_shared(request, template_name, context, version=version)


@require_POST
@facilitator_required
def change_phase(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_facilitator(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid() and not workshop.is_closed:
        domain.set_phase(workshop, phase=form.cleaned_data["phase"])
    return redirect(workshop)


@require_POST
@facilitator_required
def close_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_facilitator(request, pk)
    if not workshop.is_closed:
        domain.set_phase(workshop, phase=Phase.CLOSED)
    return redirect(workshop)


@require_POST
@facilitator_required
def start_timer(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_facilitator(request, pk)
    form = TimerForm(request.POST)
    if form.is_valid() and not workshop.is_closed:
        domain.set_timer(workshop, minutes=form.cleaned_data["minutes"])
    return redirect(workshop)


@require_GET
@facilitator_required
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_facilitator(request, pk)
    form = PlenaryForm(request.GET)
    requested = form.cleaned_data["position"] if form.is_valid() else 1
    context = {"workshop": workshop}
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
    return render(request, "workshops/projector.html", context)


@require_GET
@facilitator_required
def join_qr(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_facilitator(request, pk)
    url = request.build_absolute_uri(reverse("workshops:join-workshop", args=[workshop.join_code]))
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(url, error="m").save(
        response, kind="svg", xmldecl=False, scale=8, title=_("QR-kode til at deltage")
    )
    return response


# Summaries and reports ---------------------------------------------------------------------


def _get_workshop_for_reader(request: HttpRequest, pk: int) -> Workshop:
    """Facilitators read any workshop of their organisation; HR only the closed ones."""
    workshops = Workshop.objects.for_organisation(request.user.organisation_id)
    if request.user.role == User.Role.HR:
        workshops = workshops.closed()
    related = ("codex", "focus_point", "series", "facilitator")
    return get_object_or_404(workshops.select_related(*related), pk=pk)


@never_cache
@require_GET
@summary_reader_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_reader(request, pk)
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
    workshop = _get_workshop_for_reader(request, pk)
    return SUMMARY_EXPORTS[file_format](summarise(workshop))


def _report_form(request: HttpRequest) -> ReportForm:
    return ReportForm(request.GET or None, organisation=request.user.organisation)


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


# Participants ------------------------------------------------------------------------------


def _open_workshop(code: str) -> Workshop | None:
    return Workshop.objects.open().filter(join_code=code).first()


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        if domain.join_throttled(address):
            response = render(request, "workshops/join.html", {"form": form, "throttled": True})
            response.status_code = 429
            return response
        workshop = _open_workshop(form.cleaned_data["code"]) if form.is_valid() else None
        if workshop is not None:
            return redirect("workshops:join-workshop", code=workshop.join_code)
        domain.record_wrong_code(address)
        if form.is_valid():
            form.add_error(
                "code", _("Der er ingen åben workshop med den kode. Tjek koden og prøv igen.")
            )
    return render(request, "workshops/join.html", {"form": form})


def _session_participant(request: HttpRequest, workshop: Workshop) -> Participant | None:
    participant_id = request.session.get(SESSION_KEY, {}).get(str(workshop.pk))
    if participant_id is None:
        return None
    return workshop.participants.filter(pk=participant_id).select_related("group").first()


@require_http_methods(["GET", "POST"])
def join_workshop(request: HttpRequest, code: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.open(), join_code=code)
    participant = _session_participant(request, workshop)
    if participant is not None and participant.group_id:
        return redirect(participant.group)
    form = ParticipantForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        participant = domain.join_workshop(
            workshop,
            display_name=form.cleaned_data["display_name"],
            group=form.cleaned_data["group"],
        )
        request.session.setdefault(SESSION_KEY, {})[str(workshop.pk)] = participant.pk
        request.session.modified = True
        return redirect(participant.group)
    return render(request, "workshops/join_workshop.html", {"workshop": workshop, "form": form})


def _visitors_participants(request: HttpRequest, code: str, group_pk: int):
    """The visitor's participant in this group, if any: a session sees only its own group."""
    participant_ids = request.session.get(SESSION_KEY, {}).values()
    return Participant.objects.filter(
        pk__in=participant_ids, workshop__join_code=code, group_id=group_pk
    )


def _get_participant_for_group(
    request: HttpRequest, code: str, group_pk: int, *, with_case: bool = True
) -> Participant:
    """The visitor's participant in this group with its group and workshop, or 404."""
    participants = _visitors_participants(request, code, group_pk).select_related(
        "group__workshop", *(["group__case"] if with_case else [])
    )
    # A session holds one participant per workshop, so at most one matches: get() spares the
    # ordering that first() would add.
    try:
        return participants.get()
    except Participant.DoesNotExist:
        raise Http404 from None


def _group_state(request: HttpRequest, code: str, group_pk: int) -> GroupState | None:
    """Read once per request: the ETag check and the view both ask."""
    if not hasattr(request, "_group_state"):
        participant_ids = request.session.get(SESSION_KEY, {}).values()
        request._group_state = Group.objects.state_for_member(
            group_pk, join_code=code, participant_ids=participant_ids
        )
    return request._group_state


def _get_editable_group(
    request: HttpRequest, code: str, group_pk: int
) -> tuple[Group, Participant]:
    participant = _get_participant_for_group(request, code, group_pk, with_case=False)
    _refuse_if_closed(participant.group.workshop.phase)
    return participant.group, participant


def _check_editable(request: HttpRequest, code: str, group_pk: int) -> None:
    """As _get_editable_group (404 unless a member, 403 once closed), in the group page's
    poll query instead of loading the participant, the group and the workshop."""
    state = _group_state(request, code, group_pk)
    if state is None:
        raise Http404
    _refuse_if_closed(state.phase)


def _refuse_if_closed(phase: str) -> None:
    if phase == Phase.CLOSED:
        raise PermissionDenied(_("Workshoppen er lukket. Jeres resultat kan ikke længere ændres."))


def _group_etag(request: HttpRequest, code: str, group_pk: int) -> str | None:
    if not request.headers.get("HX-Request"):
        return None
    state = _group_state(request, code, group_pk)
    return None if state is None else state.etag


def _group_context(group: Group, participant: Participant) -> dict:
    workshop = group.workshop
    points = list(Point.objects.filter(codex_id=workshop.codex_id).order_by("number"))
    tagged = set(Group.tags.through.objects.filter(group=group).values_list("point", flat=True))
    private = set()
    if workshop.private_tagging:
        private_tags = Participant.private_tags.through.objects.filter(participant=participant)
        private = set(private_tags.values_list("point", flat=True))
    member_counts = domain.private_tag_counts(group) if group.revealed else {}
    for point in points:
        point.tagged = point.pk in tagged
        point.private = point.pk in private
        point.members = member_counts.get(point.pk, 0)
    context = {
        "workshop": workshop,
        "group": group,
        "participant": participant,
        "points": points,
        "tagged_points": [point for point in points if point.tagged],
        "notes_form": NotesForm(initial={"notes": group.notes, "version": group.notes_version}),
        "conclusion_form": ConclusionForm(initial={"conclusion": group.conclusion}),
        "own_form": OwnDilemmaForm(),
        "editable": not workshop.is_closed,
    }
    if not group.has_dilemma:
        used = domain.cases_used_in_series(workshop.series, exclude=workshop)
        pool = list(workshop.pool.select_related("listed_under"))
        for case in pool:
            case.used_in_series = case.pk in used
        context["pool"] = pool
    if group.done or workshop.is_closed:
        elsewhere = domain.same_case_elsewhere(group)
        context["elsewhere"] = [
            (point, elsewhere[point.pk]) for point in points if elsewhere[point.pk]
        ]
    return context


def _group_page_version(request: HtmxHttpRequest, state: GroupState) -> str | None:
    """What the group page shows depends on, for rendering it once for the whole group.

    None while members tag privately: then each sees their own tags. What other groups
    tagged on the same case, shown once a group is done, may be up to a minute old.
    """
    if state.private_tagging and not state.revealed:
        return None
    path = request.get_full_path()
    return f"{state.etag}:{request.user.pk}:{request.LANGUAGE_CODE}:{path}"


@never_cache
@require_GET
@vary_on_headers("HX-Request")
@condition(etag_func=_group_etag)
def group_page(request: HtmxHttpRequest, code: str, group_pk: int) -> HttpResponse:
    state = _group_state(request, code, group_pk)
    if state is None:
        raise Http404
    if request.htmx and request.GET.get("fase") not in {None, state.phase}:
        # The phase moved on: the page as a whole changes (e.g. read-only when closed).
        return HttpResponseClientRefresh()
    template_name = "workshops/group.html"
    if request.htmx:
        template_name += "#live"

    def context() -> dict:
        participant = _get_participant_for_group(request, code, group_pk)
        return _group_context(participant.group, participant)

    return render_shared(
        request, template_name, context, version=_group_page_version(request, state)
    )


def _group_response(request: HtmxHttpRequest, group: Group, participant: Participant, partial: str):
    if not request.htmx:
        return redirect(group)
    context = _group_context(group, participant)
    return render(request, f"workshops/group.html#{partial}", context)


@require_POST
def choose_case(request: HttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, _participant = _get_editable_group(request, code, group_pk)
    form = CaseChoiceForm(request.POST, workshop=group.workshop)
    if form.is_valid():
        domain.choose_case(group, case=form.cleaned_data["case"])
    return redirect(group)


@require_POST
def write_own_dilemma(request: HttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, participant = _get_editable_group(request, code, group_pk)
    if not group.workshop.own_dilemmas:
        raise PermissionDenied(_("Denne workshop bruger kun cases fra puljen."))
    form = OwnDilemmaForm(request.POST)
    if form.is_valid():
        domain.write_own_dilemma(
            group,
            title=form.cleaned_data["own_title"],
            situation=form.cleaned_data["own_situation"],
        )
        return redirect(group)
    context = {**_group_context(group, participant), "own_form": form}
    return render(request, "workshops/group.html", context, status=400)


def _notes_response(
    request: HtmxHttpRequest,
    group: Group,
    participant: Participant,
    form: NotesForm,
    *,
    status: int = 200,
    conflict: dict | None = None,
) -> HttpResponse:
    """The save state under the notes for htmx; without it, the whole page with the form."""
    context = {"group": group, "notes_form": form, "conflict": conflict}
    if request.htmx:
        return render(request, "workshops/group.html#notes-state", context, status=status)
    context = {**_group_context(group, participant), **context}
    return render(request, "workshops/group.html", context, status=status)


@require_POST
def save_notes(request: HtmxHttpRequest, code: str, group_pk: int) -> HttpResponse:
    form = NotesForm(request.POST)
    if request.htmx and form.is_valid():
        # Notes autosave while people type, and the answer is only the save state: the
        # membership is checked with the group page's poll query and the row is updated
        # without loading the group, which was most of the work of a save.
        _check_editable(request, code, group_pk)
        group, participant = Group(pk=group_pk), None
    else:
        group, participant = _get_editable_group(request, code, group_pk)
    if not form.is_valid():
        return _notes_response(request, group, participant, form, status=400)
    text = form.cleaned_data["notes"]
    try:
        domain.save_notes(group, text=text, version=form.cleaned_data["version"])
    except domain.NotesConflict as conflict:
        current = conflict.current
        form = NotesForm(initial={"notes": text, "version": current.notes_version})
        seen = {"rejected": text, "current": current.notes}
        return _notes_response(request, current, participant, form, status=409, conflict=seen)
    if not request.htmx:
        return redirect(group)
    form = NotesForm(initial={"notes": group.notes, "version": group.notes_version})
    return _notes_response(request, group, participant, form)


@require_POST
def save_conclusion(request: HtmxHttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, participant = _get_editable_group(request, code, group_pk)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        context = {**_group_context(group, participant), "conclusion_form": form}
        return render(request, "workshops/group.html", context, status=400)
    domain.save_conclusion(group, conclusion=form.cleaned_data["conclusion"])
    return _group_response(request, group, participant, "conclusion-state")


@require_POST
def tag_point(request: HtmxHttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, participant = _get_editable_group(request, code, group_pk)
    form = PointForm(request.POST, workshop=group.workshop)
    if form.is_valid():
        domain.toggle_tag(group, point=form.cleaned_data["point"])
    return _group_response(request, group, participant, "live")


@require_POST
def tag_point_privately(request: HtmxHttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, participant = _get_editable_group(request, code, group_pk)
    form = PointForm(request.POST, workshop=group.workshop)
    # After the reveal the members' counts are final, and the group page is shared again.
    if form.is_valid() and group.workshop.private_tagging and not group.revealed:
        domain.toggle_private_tag(participant, point=form.cleaned_data["point"])
    return _group_response(request, group, participant, "live")


@require_POST
def reveal_tags(request: HttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, _participant = _get_editable_group(request, code, group_pk)
    domain.reveal_private_tags(group)
    return redirect(group)


@require_POST
def mark_done(request: HttpRequest, code: str, group_pk: int) -> HttpResponse:
    group, _participant = _get_editable_group(request, code, group_pk)
    form = DoneForm(request.POST)
    if form.is_valid():
        domain.mark_done(group, done=form.cleaned_data["done"])
    return redirect(group)
