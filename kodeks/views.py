from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from cases.models import Case
from kodeks.forms import ThrottledAuthenticationForm
from kodeks.models import Codex, GuidePage, Point, User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# Where each role works, and lands after logging in unless the login was asked for elsewhere.
STARTS = {
    User.Role.FACILITATOR: "workshops:list",
    User.Role.ADMIN: "workshops:list",
    User.Role.HR: "workshops:report",
}


class StaffLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return resolve_url(STARTS.get(self.request.user.role, settings.LOGIN_REDIRECT_URL))


def visitor_organisation(request: HttpRequest):
    """The organisation whose local content the visitor may see, or None."""
    user = request.user
    return user.organisation if user.is_authenticated else None


def _get_codex(slug: str) -> Codex:
    return get_object_or_404(Codex, slug=slug)


def _get_point(slug: str, number: int) -> Point:
    return get_object_or_404(Point.objects.select_related("codex"), codex__slug=slug, number=number)


def _get_guide(slug: str, guide: str) -> GuidePage:
    return get_object_or_404(
        GuidePage.objects.select_related("codex"), codex__slug=slug, slug=guide
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    codices = Codex.objects.all()
    duties = Point.objects.filter(codex__slug=Codex.DUTIES)
    return render(request, "kodeks/home.html", {"codices": codices, "duties": duties})


@require_GET
def codex_list(request: HttpRequest) -> HttpResponse:
    return render(request, "kodeks/codex_list.html", {"codices": Codex.objects.all()})


@require_GET
def codex_detail(request: HttpRequest, slug: str) -> HttpResponse:
    codex = _get_codex(slug)
    points = list(codex.points.select_related("codex"))
    visible_cases = Case.objects.visible_to(visitor_organisation(request))
    case_ids = visible_cases.case_ids_by_point(codex)
    for point in points:
        point.case_count = len(case_ids[point.pk])
    dilemmas = visible_cases.filter(codex=codex, kind=Case.Kind.DILEMMA).prefetch_related("points")
    # The 2016 catalogue discusses the seven duties in its own order; their pages carry it.
    norms = (
        Point.objects.filter(codex__slug=Codex.DUTIES).order_by("number_2016")
        if codex.slug == Codex.CATALOGUE_2016
        else Point.objects.none()
    )
    context = {
        "codex": codex,
        "points": points,
        "norms": norms,
        "themes": codex.themes.all(),
        "guides": codex.guides.all(),
        "dilemmas": dilemmas,
    }
    return render(request, "kodeks/codex_detail.html", context)


@require_GET
def point_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    point = _get_point(slug, number)
    cases = (
        Case.objects.visible_to(visitor_organisation(request)).about(point).select_related("codex")
    )
    siblings = point.codex.points.select_related("codex")
    context = {"point": point, "codex": point.codex, "cases": cases, "siblings": siblings}
    return render(request, "kodeks/point_detail.html", context)


@require_GET
def guide_detail(request: HttpRequest, slug: str, guide: str) -> HttpResponse:
    page = _get_guide(slug, guide)
    siblings = page.codex.guides.select_related("codex")
    context = {
        "page": page,
        "codex": page.codex,
        "blocks": page.blocks_with_examples(),
        "siblings": siblings,
    }
    return render(request, "kodeks/guide_detail.html", context)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "kodeks/accessibility.html")


@require_GET
def accessibility_short_url(request: HttpRequest) -> HttpResponse:
    """/was, the short address at which a Danish public site gives its accessibility
    statement, leads to the statement wherever the municipality publishes it."""
    return redirect(settings.ACCESSIBILITY_STATEMENT_URL)
