from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cases.models import Case
from kodeks.models import Codex, Organisation, User
from tests.factories import CONCLUSION, NOTES, duty, join, make_workshop, participant_of
from tests.servers import collect_static
from workshops import domain
from workshops.models import Group, Phase, SharedText, Workshop

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Tests that start app servers first: they take longest and use no test database, so
    both cores stay busy to the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("server") is None)


def load_content() -> None:
    call_command("load_kodeks", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite's test database in a file, as in production: threads then each have their own
    connection and wait for the write lock instead of sharing one in memory."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the codex content loaded once for the whole run: each test's
    transaction is rolled back, so the content stays as loaded."""
    with django_db_blocker.unblock():
        load_content()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in often. Production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def seen_at_once(settings):
    """A page that says it is open is written as seen at once, so a test sees the count it
    caused; tests/workshops/test_presence.py tests the writing together."""
    settings.KODEKS_SEEN_WRITE_SECONDS = 0
    domain.SEEN.pending.clear()
    domain.SEEN.next_write = 0.0


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Live pages are kept in the shared cache, a table: each test starts without any."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("db")
        cache.clear()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it. Nor do they
    # serve collected files: WhiteNoise would read all of them for every test client.
    settings.STATIC_ROOT = ROOT / "tests" / "no-collected-static-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def content(db):
    """The codex content, as `load_kodeks` loads it: there from the start, and loaded again
    for tests that commit (live servers), after which the database is emptied."""
    if not Codex.objects.exists():
        load_content()


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
    domain.save_text(group1, SharedText.NOTES, text=NOTES, version=0)
    domain.save_text(group1, SharedText.CONCLUSION, text=CONCLUSION, version=0)
    domain.set_tag(group1, point=duty(1), on=True)
    domain.set_tag(group1, point=duty(3), on=True)
    domain.set_private_tag(participant_of(mette, workshop), point=duty(1), on=True)
    domain.set_private_tag(participant_of(jonas, workshop), point=duty(1), on=True)
    domain.set_private_tag(participant_of(jonas, workshop), point=duty(2), on=True)
    domain.reveal_private_tags(group1)
    domain.agree_on_tags(group1)
    domain.write_own_dilemma(
        group2, title="Borgmesterens ønske", situation="En sag skal fremskyndes før valget."
    )
    domain.set_tag(group2, point=duty(7), on=True)
    domain.set_tag(group2, point=duty(3), on=True)
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


@pytest.fixture
def workshop(content, alice) -> Workshop:
    """Alice's onboarding workshop with two groups and the cases of duties 1 and 2."""
    return make_workshop(alice)


@pytest.fixture
def group1(workshop) -> Group:
    return workshop.groups.get(position=1)


@pytest.fixture
def group2(workshop) -> Group:
    return workshop.groups.get(position=2)


@pytest.fixture
def mette(workshop, group1) -> Client:
    """A participant in group 1."""
    return join(workshop, group1, "Mette")


@pytest.fixture
def jonas(workshop, group2) -> Client:
    """A participant in group 2 of the same workshop."""
    return join(workshop, group2, "Jonas")


@pytest.fixture
def other_workshop(content, alice) -> Workshop:
    return make_workshop(alice, title="Andet forløb")


@pytest.fixture
def sofie(other_workshop) -> Client:
    """A participant of another workshop of the same organisation."""
    return join(other_workshop, other_workshop.groups.get(position=1), "Sofie")


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
def static_root(tmp_path_factory) -> Path:
    """Static files collected once per run for the production-like servers; the processes of
    a parallel run share them."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent
    root = run_folder / "collected-static"
    with open(run_folder / "collected-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            collect_static(root)
    return root


@pytest.fixture(scope="session")
def on_postgresql() -> bool:
    """Whether this run of the suite is the PostgreSQL one (DATABASE_URL)."""
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory) -> str:
    """axe-core from the npm registry, installed from package-lock.json when missing; by one
    of the processes of a parallel run while the others wait, not by each at once."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent
    with open(run_folder / "axe-core.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not AXE.exists():
            npm = shutil.which("npm")
            if npm is None:
                pytest.fail("The accessibility tests need npm to install axe-core (npm ci).")
            subprocess.run(  # noqa: S603
                [npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True
            )
    return AXE.read_text(encoding="utf-8")
