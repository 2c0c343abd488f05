"""Who may see what: staff by role and organisation, participants by the group they joined.

Every view that touches a workshop gets it from here, scoped to the visitor; anything else
answers 404 (or 403 for a role that may never do it).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from kodeks.access import role_required
from kodeks.models import User
from workshops.models import Group, Membership, Participant, Workshop

# Staff ---------------------------------------------------------------------------------------


# HR may not run workshops.
facilitator_required = role_required(User.Role.FACILITATOR, User.Role.ADMIN)
summary_reader_required = role_required(User.Role.FACILITATOR, User.Role.ADMIN, User.Role.HR)
hr_required = role_required(User.Role.HR, User.Role.ADMIN)


def get_workshop_for_facilitator(request: HttpRequest, pk: int) -> Workshop:
    workshops = Workshop.objects.for_organisation(request.user.organisation_id)
    return get_object_or_404(workshops.select_related("codex", "focus_point", "series"), pk=pk)


def get_workshop_for_reader(request: HttpRequest, pk: int) -> Workshop:
    """Facilitators read any workshop of their organisation; HR only the closed ones."""
    workshops = Workshop.objects.for_organisation(request.user.organisation_id)
    if request.user.role == User.Role.HR:
        workshops = workshops.closed()
    related = ("codex", "focus_point", "series", "facilitator")
    return get_object_or_404(workshops.select_related(*related), pk=pk)


# Participants --------------------------------------------------------------------------------

# A participant has no account and no session: this signed cookie names, per workshop joined,
# which participant the browser is. A poll then costs one query, and no session row is written
# for the hundreds of phones in a room.
PARTICIPANT_COOKIE = settings.PARTICIPANT_COOKIE_NAME
PARTICIPANT_SALT = "workshops.participant"
# Workshops a browser remembers; the oldest is forgotten first.
REMEMBERED_WORKSHOPS = 5


def joined_workshops(request: HttpRequest) -> dict[int, int]:
    """Workshop id → participant id, as the visitor's cookie says; empty if it is missing,
    forged or older than the workshop day."""
    value = request.get_signed_cookie(
        PARTICIPANT_COOKIE,
        default="",
        salt=PARTICIPANT_SALT,
        max_age=settings.PARTICIPANT_COOKIE_AGE,
    )
    joined = {}
    for pair in value.split("-") if value else ():
        workshop_id, _dot, participant_id = pair.partition(".")
        if workshop_id.isdigit() and participant_id.isdigit():
            joined[int(workshop_id)] = int(participant_id)
    return joined


def remember_participant(
    request: HttpRequest, response: HttpResponse, participant: Participant
) -> None:
    """Let the browser remember it is `participant` in their workshop."""
    joined = joined_workshops(request)
    joined.pop(participant.workshop_id, None)
    joined[participant.workshop_id] = participant.pk
    kept = list(joined.items())[-REMEMBERED_WORKSHOPS:]
    response.set_signed_cookie(
        PARTICIPANT_COOKIE,
        "-".join(f"{workshop_id}.{participant_id}" for workshop_id, participant_id in kept),
        salt=PARTICIPANT_SALT,
        max_age=settings.PARTICIPANT_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def participant_in(request: HttpRequest, workshop: Workshop) -> Participant | None:
    """The visitor's participant in the workshop, with their group, if they joined it."""
    participant_id = joined_workshops(request).get(workshop.pk)
    if participant_id is None:
        return None
    return workshop.participants.filter(pk=participant_id).select_related("group").first()


def _membership(request: HttpRequest, code: str, group_pk: int) -> Membership | None:
    """The visitor's membership of the group, or None: a browser sees only its own group."""
    # Read once per request: the ETag check and the view both ask.
    if not hasattr(request, "membership"):
        request.membership = Participant.objects.membership(
            join_code=code, group_pk=group_pk, participant_ids=joined_workshops(request).values()
        )
    return request.membership


def _moved_elsewhere(request: HttpRequest, code: str) -> HttpResponse:
    """The visitor is in another group of the workshop (moved there, or on an old page):
    their page goes to it, on its next poll too, and shows nothing of this group; anyone
    else gets 404."""
    participant = (
        Participant.objects.filter(
            pk__in=joined_workshops(request).values(),
            workshop__join_code=code,
            group__isnull=False,
        )
        .select_related("group")
        .first()
    )
    if participant is None:
        raise Http404
    group = participant.group
    url = reverse("workshops:group", args=[code, group.pk])
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(url)
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        # A save from the old group's page, by its script: say why it was not saved.
        message = _("Du er nu i %(group)s. Det, du skrev her, er ikke gemt.") % {
            "group": group.name
        }
        return JsonResponse({"error": message, "moved_to": url}, status=409)
    return redirect(url)


def member_required(view: Callable) -> Callable:
    """The view is given the visitor's membership of the group in the URL; 404 for anyone who
    is not a member of it (another group, another workshop, no group)."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, group_pk: int, **kwargs) -> HttpResponse:
        member = _membership(request, code, group_pk)
        if member is None:
            return _moved_elsewhere(request, code)
        return view(request, member, **kwargs)

    return wrapper


def writing_member_required(view: Callable) -> Callable:
    """As member_required, and 403 once the workshop is closed: its results are final."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, group_pk: int, **kwargs) -> HttpResponse:
        member = _membership(request, code, group_pk)
        if member is None:
            return _moved_elsewhere(request, code)
        if member.is_closed:
            raise PermissionDenied(
                _("Workshoppen er lukket. Jeres resultat kan ikke længere ændres.")
            )
        return view(request, member, **kwargs)

    return wrapper


def get_group(member: Membership) -> Group:
    """The member's group with its workshop and case, to render or change it."""
    return Group.objects.select_related("workshop__codex", "case").get(pk=member.group_id)
