from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from kodeks.models import Codex, Organisation, User
from tests.workshops.conftest import CONCLUSION, NOTES, duty, join, make_workshop, participant_of
from workshops import domain
from workshops.models import Phase

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = "/usr/bin/chromium"


DUTY_TITLES = [
    "Lovlighed",
    "Sandhed",
    "Faglighed",
    "Udvikling og samarbejde",
    "Ansvar og ledelse",
    "Åbenhed om fejl",
    "Partipolitisk neutralitet",
]


def copy_case(case: Case, count: int) -> None:
    """Save `count` more copies of the case, to measure a page at a larger size."""
    for n in range(count):
        Case.objects.create(
            codex=case.codex,
            organisation=case.organisation,
            title=f"{case.title} ({n + 2})",
            situation=case.situation,
            listed_under=case.listed_under,
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in often. Production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Rendered fragments are cached per process; each test starts as a fresh server would.
    cache.clear()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def content(db):
    """The codex content, loaded as `load_kodeks` loads it."""
    call_command("load_kodeks", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def aarhus(db):
    return Organisation.objects.create(name="Aarhus Kommune", slug="aarhus")


@pytest.fixture
def odder(db):
    return Organisation.objects.create(name="Odder Kommune", slug="odder")


@pytest.fixture
def alice(aarhus):
    """A facilitator in Aarhus."""
    return User.objects.create_user(
        "alice", password="alice-password", organisation=aarhus, role=User.Role.FACILITATOR
    )


@pytest.fixture
def charlie(odder):
    """A facilitator in Odder: an outsider to everything of Aarhus."""
    return User.objects.create_user(
        "charlie", password="charlie-password", organisation=odder, role=User.Role.FACILITATOR
    )


@pytest.fixture
def hanne(aarhus):
    """HR in Aarhus."""
    return User.objects.create_user(
        "hanne", password="hanne-password", organisation=aarhus, role=User.Role.HR
    )


@pytest.fixture
def olga(odder):
    """HR in Odder: an outsider to everything of Aarhus."""
    return User.objects.create_user(
        "olga", password="olga-password", organisation=odder, role=User.Role.HR
    )


@pytest.fixture
def held(content, alice):
    """Alice's closed workshop: group 1 discussed a case, group 2 its own dilemma."""
    workshop = make_workshop(alice, title="Introforløb november", private_tagging=True)
    group1, group2 = workshop.groups.all()
    mette, jonas = join(workshop, group1, "Mette"), join(workshop, group1, "Jonas")
    join(workshop, group2, "Sofie")
    case = workshop.pool.get(number=1)
    domain.choose_case(group1, case=case)
    domain.save_notes(group1, text=NOTES, version=0)
    domain.save_conclusion(group1, conclusion=CONCLUSION)
    domain.toggle_tag(group1, point=duty(1))
    domain.toggle_tag(group1, point=duty(3))
    domain.toggle_private_tag(participant_of(mette, workshop), point=duty(1))
    domain.toggle_private_tag(participant_of(jonas, workshop), point=duty(1))
    domain.toggle_private_tag(participant_of(jonas, workshop), point=duty(2))
    domain.write_own_dilemma(
        group2, title="Borgmesterens ønske", situation="En sag skal fremskyndes før valget."
    )
    domain.toggle_tag(group2, point=duty(7))
    domain.toggle_tag(group2, point=duty(3))
    domain.set_phase(workshop, phase=Phase.CLOSED)
    return workshop


@pytest.fixture
def local_case(content, aarhus):
    """A case Aarhus wrote for its own workshops."""
    return Case.objects.create(
        codex=Codex.objects.get(slug=Codex.DUTIES),
        organisation=aarhus,
        title="Kørselsgodtgørelsen i Aarhus",
        situation="En kollega beder dig godkende en kørselsgodtgørelse, der ikke stemmer.",
        questions="Hvad gør du?",
        listed_under=Codex.objects.get(slug=Codex.DUTIES).points.get(number=1),
    )


# Browser tests ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in browser contexts of their own (separate people); closes them after."""
    contexts = []

    def open_page(viewport: dict):
        context = browser.new_context(viewport=viewport, locale="da-DK")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed from package-lock.json when missing."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("The accessibility tests need npm to install axe-core (npm ci).")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)  # noqa: S603
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    """The WCAG 2.1 A and AA violations axe finds on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP need not allow it.
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
