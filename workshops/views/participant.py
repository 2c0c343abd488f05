"""A participant's pages: joining with a code, and the group's page with what the group does.

A participant has no account: joining gives the browser a signed cookie that names its
participant (access.remember_participant), and every group page and action is looked up
through it (access.member_required).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh, reswap

from kodeks.forms import client_address
from kodeks.models import Point
from kodeks.rendering import render_shared
from kodeks.views import HtmxHttpRequest
from workshops import domain
from workshops.forms import (
    CaseChoiceForm,
    DoneForm,
    GroupChoiceForm,
    JoinForm,
    OwnDilemmaForm,
    ParticipantForm,
    RestoreForm,
    SharedTextForm,
    TagForm,
    TagStepForm,
)
from workshops.models import (
    Group,
    Membership,
    Participant,
    SharedText,
    Workshop,
    normalise_join_code,
)
from workshops.views.access import (
    get_group,
    member_required,
    participant_in,
    remember_participant,
    writing_member_required,
)

# Joining -------------------------------------------------------------------------------------


def _open_workshop(code: str) -> Workshop | None:
    return Workshop.objects.open().filter(join_code=code).first()


def _too_many_wrong_codes(request: HttpRequest, form: JoinForm) -> HttpResponse:
    context = {"form": form, "throttled": True}
    return render(request, "workshops/join.html", context, status=429)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        if domain.join_throttled(address):
            return _too_many_wrong_codes(request, form)
        workshop = _open_workshop(form.cleaned_data["code"]) if form.is_valid() else None
        if workshop is not None:
            return redirect("workshops:join-workshop", code=workshop.join_code)
        domain.record_wrong_code(address)
        if form.is_valid():
            form.add_error(
                "code", _("Der er ingen åben workshop med den kode. Tjek koden og prøv igen.")
            )
    return render(request, "workshops/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
def join_workshop(request: HttpRequest, code: str) -> HttpResponse:
    # The code as the facilitator shows it ("6B61-K5BR") or typed in lower case.
    canonical = normalise_join_code(code)
    if canonical and canonical != code:
        return redirect("workshops:join-workshop", code=canonical)
    # A code in the address is a guess like one typed into the form, and counts the same.
    address = client_address(request)
    if domain.join_throttled(address):
        return _too_many_wrong_codes(request, JoinForm())
    workshop = _open_workshop(code)
    if workshop is None:
        domain.record_wrong_code(address)
        raise Http404
    participant = participant_in(request, workshop)
    if participant is not None and participant.group_id:
        return redirect("workshops:group", code=code, group_pk=participant.group_id)
    if workshop.joining_locked:
        context = {"workshop": workshop, "locked": True}
        return render(request, "workshops/join_workshop.html", context, status=403)
    form = ParticipantForm(request.POST or None, workshop=workshop)
    status = 200
    if request.method == "POST" and form.is_valid():
        if domain.joins_exhausted(workshop, address):
            form.add_error(
                None,
                _(
                    "Der er allerede tilmeldt så mange deltagere fra dette netværk, som "
                    "workshoppen tager imod. Spørg facilitatoren."
                ),
            )
            status = 429
        else:
            participant = domain.join_workshop(
                workshop,
                display_name=form.cleaned_data["display_name"],
                group=form.cleaned_data["group"],
                address=address,
            )
            response = redirect("workshops:group", code=code, group_pk=participant.group_id)
            remember_participant(request, response, participant)
            return response
    context = {"workshop": workshop, "form": form}
    return render(request, "workshops/join_workshop.html", context, status=status)


# The shared texts as their addresses name them.
TEXTS_BY_SEGMENT = {
    "noter": SharedText.NOTES,
    "konklusion": SharedText.CONCLUSION,
    "dilemma": SharedText.OWN_SITUATION,
}


# The group page ------------------------------------------------------------------------------


def _live_etag(member: Membership, group_version: int, workshop_version: int, language: str) -> str:
    """The version of what a live section shows: its group's and its workshop's (phase,
    timer), so other groups' work leaves it alone."""
    # While members tag privately, each sees their own tags: their page is theirs alone.
    own = f".p{member.participant_id}" if member.sees_own_tags else ""
    return f'"g{member.group_id}.{group_version}.{workshop_version}.{language}{own}"'


def _group_etag(request: HttpRequest, member: Membership) -> str | None:
    """A poll's ETag; whole pages are not polled and get none."""
    if not request.headers.get("HX-Request"):
        return None
    return _live_etag(member, member.group_version, member.workshop_version, request.LANGUAGE_CODE)


def _shared_texts(group: Group) -> dict:
    """The group's shared texts and their revisions, for the page's script to merge in."""
    return {
        field.value: {
            "text": getattr(group, field.value),
            "version": getattr(group, field.version_field),
        }
        for field in SharedText
    }


def _live_context(request: HttpRequest, group: Group, member: Membership) -> dict:
    """What the live section shows, which every member's phone polls for."""
    workshop = group.workshop
    points = list(Point.objects.filter(codex_id=workshop.codex_id).order_by("number"))
    tagged = set(Group.tags.through.objects.filter(group=group).values_list("point", flat=True))
    private = set()
    if member.sees_own_tags:
        private_tags = Participant.private_tags.through.objects.filter(
            participant_id=member.participant_id
        )
        private = set(private_tags.values_list("point", flat=True))
    member_counts = domain.private_tag_counts(group) if group.revealed else {}
    # Until the reveal the group sees how many have tagged, so it knows when to reveal.
    tagging_alone = workshop.private_tagging and not group.revealed and not workshop.is_closed
    progress = domain.private_tagging_progress(group) if tagging_alone else None
    for point in points:
        point.tagged = point.pk in tagged
        point.private = point.pk in private
        point.members = member_counts.get(point.pk, 0)
    texts = _shared_texts(group)
    return {
        "workshop": workshop,
        "group": group,
        # The version of exactly what is rendered, for the page to poll with.
        "etag": _live_etag(member, group.version, workshop.version, request.LANGUAGE_CODE),
        "points": points,
        "tagged_points": [point for point in points if point.tagged],
        "tagging_progress": progress,
        "editable": not workshop.is_closed,
        "texts": texts,
        # For the page's script, which merges each new text into what the member types.
        "texts_json": json.dumps(texts),
    }


def _group_context(request: HttpRequest, group: Group, member: Membership) -> dict:
    """The whole group page."""
    context = _live_context(request, group, member)
    workshop = group.workshop
    shown = group.dilemma_key
    context.update(
        presence=_presence(member),
        own_form=OwnDilemmaForm(initial={"shown": shown}),
        case_form=None,
        text_error=None,
    )
    if not workshop.is_closed:
        used = domain.cases_used_in_series(workshop.series, exclude=workshop)
        pool = list(workshop.pool.select_related("listed_under"))
        for case in pool:
            case.used_in_series = case.pk in used
        context["pool"] = [case for case in pool if case.pk != group.case_id]
        # The groups bring their own dilemmas, with no cases to choose from.
        context["own_dilemmas_only"] = workshop.own_dilemmas and not pool
    if workshop.group_change_open and not workshop.is_closed:
        context["group_form"] = GroupChoiceForm(
            workshop=workshop, initial={"group": group}, auto_id="change-%s"
        )
    if group.done or workshop.is_closed:
        elsewhere = domain.same_case_elsewhere(group)
        points = context["points"]
        context["elsewhere"] = [
            (point, elsewhere[point.pk]) for point in points if elsewhere[point.pk]
        ]
    return context


def _render_group(
    request: HttpRequest,
    group: Group,
    member: Membership,
    *,
    partial: str = "",
    status: int = 200,
    **extra,
) -> HttpResponse:
    template_name = "workshops/group.html" + (f"#{partial}" if partial else "")
    context = {**_group_context(request, group, member), **extra}
    return render(request, template_name, context, status=status)


def _page_is_stale(request: HttpRequest, member: Membership) -> bool:
    """The polling page shows another phase or another dilemma than the group has now, or
    the workshop was set up anew (renamed, other groups or cases) since it was loaded."""
    shown = {
        "fase": member.phase,
        "dilemma": member.dilemma,
        "opsaetning": str(member.setup_version),
    }
    return any(request.GET.get(name) not in {None, value} for name, value in shown.items())


# Every poll's answer, unchanged (304) or not, says who else is on the page in this header,
# which the page shows. Kept out of the live section, a member coming or going or starting and
# stopping to write does not make every phone of the group fetch and render it anew.
PRESENCE_HEADER = "Kodeks-Presence"


def _presence(member: Membership) -> str:
    """Who else of the member's group is on the page and writing: counts only, no names."""
    if member.others_here:
        sentence = ngettext(
            "Du og %(counter)s anden i gruppen er på siden",
            "Du og %(counter)s andre i gruppen er på siden",
            member.others_here,
        ) % {"counter": member.others_here}
    else:
        sentence = _("Kun dig på siden lige nu")
    if member.others_writing:
        writing = ngettext(
            "%(counter)s anden skriver", "%(counter)s andre skriver", member.others_writing
        ) % {"counter": member.others_writing}
        sentence = f"{sentence} · {writing}"
    return sentence


def _says_it_is_here(view: Callable) -> Callable:
    """The member's page is open: counted among those on it, at most every few seconds; and
    a poll is told who else is."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, member: Membership, **kwargs) -> HttpResponse:
        if member.seen_long_ago:
            domain.mark_seen(member.participant_id)
        response = view(request, member, **kwargs)
        if request.htmx:
            # Percent-encoded: a header carries no "å" safely.
            response[PRESENCE_HEADER] = quote(_presence(member))
        return response

    return wrapper


@never_cache
@require_GET
@member_required
@_says_it_is_here
@vary_on_headers("HX-Request")
@condition(etag_func=_group_etag)
def group_page(request: HtmxHttpRequest, member: Membership) -> HttpResponse:
    if request.htmx and _page_is_stale(request, member):
        # The page as a whole changes: read-only when closed, another case to read. What a
        # member is typing waits in their browser's storage and is merged after the reload.
        return HttpResponseClientRefresh()
    template_name = "workshops/group.html" + ("#live" if request.htmx else "")
    build = _live_context if request.htmx else _group_context
    # Everything the page shows: its group and workshop, the visitor's own tags while the
    # members tag privately, the language, who is signed in (the header names them) and, on
    # the whole page, who else is on it.
    own = member.participant_id if member.sees_own_tags else ""
    presence = "" if request.htmx else _presence(member)
    key = (
        f"group:{member.group_id}:{member.group_version}.{member.workshop_version}:{own}:"
        f"{request.LANGUAGE_CODE}:{request.user.pk}:{presence}"
    )
    return render_shared(
        request,
        template_name,
        lambda: build(request, get_group(member), member),
        key=key,
    )


def _dilemma_taken(request: HttpRequest, member: Membership, **extra) -> HttpResponse:
    """The member chose from a page that showed another dilemma than the group has now: the
    page as it is, saying so, and nothing the member typed is lost."""
    group = get_group(member)
    return _render_group(request, group, member, status=409, dilemma_taken=True, **extra)


@require_POST
@writing_member_required
def choose_case(request: HttpRequest, member: Membership) -> HttpResponse:
    group = get_group(member)
    form = CaseChoiceForm(request.POST, workshop=group.workshop)
    if not form.is_valid():
        return _render_group(request, group, member, status=400, case_form=form)
    case, shown = form.cleaned_data["case"], form.cleaned_data["shown"]
    if shown != group.dilemma_key:
        return _dilemma_taken(request, member)
    if shown and not form.cleaned_data["confirmed"]:
        context = {"workshop": group.workshop, "group": group, "case": case, "shown": shown}
        return render(request, "workshops/change_case.html", context)
    try:
        domain.choose_case(group, case=case, shown=shown)
    except domain.DilemmaChanged:
        return _dilemma_taken(request, member)
    return redirect(member)


@require_POST
@writing_member_required
def write_own_dilemma(request: HttpRequest, member: Membership) -> HttpResponse:
    group = get_group(member)
    if not group.workshop.own_dilemmas:
        raise PermissionDenied(_("Denne workshop bruger kun cases fra puljen."))
    form = OwnDilemmaForm(request.POST)
    if not form.is_valid():
        return _render_group(request, group, member, status=400, own_form=form)
    data = form.cleaned_data
    try:
        domain.write_own_dilemma(
            group,
            title=data["own_title"],
            situation=data["own_situation"],
            shown=data["shown"],
            participant_id=member.participant_id,
        )
    except domain.DilemmaChanged:
        return _dilemma_taken(request, member, own_form=form)
    return redirect(member)


def _wants_json(request: HttpRequest) -> bool:
    """The page's script saves with fetch and asks for JSON; a form without it for a page."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@require_POST
@writing_member_required
def save_text(request: HttpRequest, member: Membership, field: str) -> HttpResponse:
    """A member's save of one of the group's shared texts, merged with what others saved
    since the member's page last heard from the server. The page's script gets the merged
    text and its revision; a form without the script gets the page with it."""
    field = SharedText(field)
    form = SharedTextForm(request.POST)
    if field == SharedText.OWN_SITUATION and member.dilemma != "own":
        form.add_error(None, _("Gruppen drøfter ikke længere sit eget dilemma."))
    if not form.is_valid():
        if _wants_json(request):
            error = next(iter(form.errors.values()))[0]
            return JsonResponse({"error": error}, status=400)
        group = get_group(member)
        texts = _shared_texts(group)
        # The page keeps what the member typed, and the revision it was written from.
        texts[field.value] = {
            "text": form.data.get("text", ""),
            "version": form.cleaned_data.get("version", 0),
        }
        error = {
            "field": field.value,
            "errors": [e for errors in form.errors.values() for e in errors],
        }
        return _render_group(request, group, member, status=400, texts=texts, text_error=error)
    saved = domain.save_text(
        Group(pk=member.group_id),
        field,
        text=form.cleaned_data["text"],
        version=form.cleaned_data["version"],
        participant_id=member.participant_id,
    )
    if _wants_json(request):
        return JsonResponse({"text": saved.text, "version": saved.version, "merged": saved.merged})
    return redirect(member)


@require_http_methods(["GET", "POST"])
@member_required
def revisions(request: HttpRequest, member: Membership, segment: str) -> HttpResponse:
    """A shared text's earlier revisions, newest first, with when each was saved (never by
    whom), and restoring one of them."""
    field = TEXTS_BY_SEGMENT.get(segment)
    if field is None:
        raise Http404
    group = get_group(member)
    if request.method == "POST":
        if member.is_closed:
            raise PermissionDenied(
                _("Workshoppen er lukket. Jeres resultat kan ikke længere ændres.")
            )
        form = RestoreForm(request.POST)
        if form.is_valid() and domain.restore_revision(
            group,
            field,
            version=form.cleaned_data["version"],
            participant_id=member.participant_id,
        ):
            return redirect(member)
        raise Http404
    context = {
        "workshop": group.workshop,
        "group": group,
        "field": field,
        "revisions": group.revisions.filter(text_field=field).order_by("-version")[:100],
        "current_version": getattr(group, field.version_field),
    }
    return render(request, "workshops/revisions.html", context)


def _tag_response(
    request: HtmxHttpRequest, member: Membership, form: TagForm, *, partial: str, state: str
) -> HttpResponse:
    """Without JavaScript, back to the page; with it, the pressed button as it is now."""
    if not request.htmx:
        return redirect(member)
    if not form.is_valid():
        response = HttpResponse(_("Den pligt findes ikke i denne workshop."), status=400)
        return reswap(response, "none")
    point = form.cleaned_data["point"]
    setattr(point, state, form.cleaned_data["on"])
    context = {"point": point, "tag_url": request.path}
    return render(request, f"workshops/group.html#{partial}", context)


@require_POST
@writing_member_required
def tag_point(request: HtmxHttpRequest, member: Membership) -> HttpResponse:
    form = TagForm(request.POST, codex_id=member.codex_id)
    if form.is_valid():
        data = form.cleaned_data
        domain.set_tag(Group(pk=member.group_id), point=data["point"], on=data["on"])
    return _tag_response(request, member, form, partial="tag-form", state="tagged")


@require_POST
@writing_member_required
def tag_point_privately(request: HtmxHttpRequest, member: Membership) -> HttpResponse:
    form = TagForm(request.POST, codex_id=member.codex_id)
    if not member.sees_own_tags:
        # The group has revealed: the members' counts are final, and the page is the group's.
        return HttpResponseClientRefresh() if request.htmx else redirect(member)
    if form.is_valid():
        data = form.cleaned_data
        participant = Participant.objects.get(pk=member.participant_id)
        domain.set_private_tag(participant, point=data["point"], on=data["on"])
    return _tag_response(request, member, form, partial="private-tag-form", state="private")


@require_POST
@writing_member_required
def reveal_tags(request: HttpRequest, member: Membership) -> HttpResponse:
    form = TagStepForm(request.POST)
    if not form.is_valid():
        return _render_group(request, get_group(member), member, status=400)
    if not member.private_tagging:
        return redirect(member)
    group = Group(pk=member.group_id)
    if form.cleaned_data["step"] == TagStepForm.AGREE:
        domain.agree_on_tags(group)
    elif not member.revealed:
        # One member must not show everyone's tags by accident before the others are done:
        # the page asks first, and says how many have tagged.
        progress = domain.private_tagging_progress(group)
        if not progress.everyone and not form.cleaned_data["confirmed"]:
            return _render_group(request, get_group(member), member, confirm_reveal=True)
        domain.reveal_private_tags(group)
    return redirect(member)


@require_POST
@writing_member_required
def mark_done(request: HttpRequest, member: Membership) -> HttpResponse:
    form = DoneForm(request.POST)
    if form.is_valid():
        domain.mark_done(Group(pk=member.group_id), done=form.cleaned_data["done"])
    return redirect(member)


@require_POST
@writing_member_required
def change_group(request: HttpRequest, member: Membership) -> HttpResponse:
    """A participant moves to another group, where the facilitator lets them."""
    group = get_group(member)
    if not group.workshop.group_change_open:
        raise PermissionDenied(_("Facilitatoren fordeler grupperne i denne workshop."))
    form = GroupChoiceForm(request.POST, workshop=group.workshop, auto_id="change-%s")
    if not form.is_valid():
        return _render_group(request, group, member, status=400, group_form=form)
    participant = Participant.objects.get(pk=member.participant_id)
    domain.move_participant(participant, form.cleaned_data["group"])
    return redirect(participant.group)
