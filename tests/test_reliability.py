"""Nothing lost and nothing shared in a process: concurrent writers, two app servers, throttles.

These start the app as in production (gunicorn, DEBUG off), two servers sharing one database of
their own: a SQLite file in the SQLite run of the suite, a new PostgreSQL database in the
PostgreSQL run. They talk HTTP to it.
"""

from __future__ import annotations

import json
import random
import re
import threading
from contextlib import ExitStack

import pytest

from tests.servers import HttpClient, postgres_database, production_server
from workshops.domain import JOIN_ATTEMPTS_ALLOWED

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.xdist_group("app-servers")]

WRITERS = 20
ROUNDS = 50
# Past the limit of wrong codes one address may try, by some.
WRONG_CODES = JOIN_ATTEMPTS_ALLOWED + 20

MAKE_WORKSHOP = """
import datetime
from cases.models import Case
from kodeks.models import Organisation, User
from workshops import domain
organisation, _ = Organisation.objects.get_or_create(slug="vejle", defaults={"name": "Vejle"})
user = User.objects.filter(username="vera").first() or User.objects.create_user(
    "vera", password="vera-password", organisation=organisation, role="facilitator"
)
pool = list(Case.objects.public().filter(codex__slug="kl-2024", listed_under__number=1))
workshop = domain.create_workshop(
    user, title="Introforløb", format="onboarding", date=datetime.date.today(),
    group_names=["Gruppe 1", "Gruppe 2"], pool=pool, own_dilemmas=True,
)
group = workshop.groups.get(position=1)
domain.choose_case(group, case=pool[0])
print(workshop.pk, workshop.join_code, group.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_root, on_postgresql):
    """Two app servers on one database; each test makes a workshop of its own there."""
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if on_postgresql else None
        tmp_path = tmp_path_factory.mktemp("reliability")
        yield stack.enter_context(
            production_server(tmp_path, url, processes=2, static_root=static_root)
        )


def workshop_on(server) -> tuple[int, str, int]:
    pk, code, group_pk = server.manage("shell", "--no-imports", "-c", MAKE_WORKSHOP).split()
    return int(pk), code, int(group_pk)


def shell(server, code: str) -> str:
    return server.manage("shell", "--no-imports", "-c", code).strip()


def join_group(client: HttpClient, code: str, group_pk: int) -> None:
    status, headers, _ = client.post(f"/deltag/{code}/", {"group": group_pk, "display_name": ""})
    assert status == 302, status
    assert headers["Location"].endswith(f"/gruppe/{group_pk}/")


def test_concurrent_writers_into_one_text_lose_no_word(server, on_postgresql):
    """20 members, each saving 50 times a word of their own put in at a random place of the
    text they last saw, alternating between the two app servers: every word is kept."""
    _pk, code, group_pk = workshop_on(server)
    notes_url = f"/deltag/{code}/gruppe/{group_pk}/noter/"
    answers: list[int] = []
    errors: list[tuple[int, str]] = []
    merged = 0

    def write(number: int) -> None:
        nonlocal merged
        rng = random.Random(number)
        client = HttpClient(server.urls[number % 2])
        join_group(client, code, group_pk)
        text, version = "", 0
        for round_ in range(ROUNDS):
            words = text.split()
            words.insert(rng.randint(0, len(words)), f"ord{number}x{round_}")
            client.base_url = server.urls[(number + round_) % 2]
            status, _, body = client.post(
                notes_url,
                {"text": " ".join(words), "version": version},
                {"Accept": "application/json"},
            )
            answers.append(status)
            if status != 200:
                errors.append((status, body[:300]))
                return
            answer = json.loads(body)
            text, version = answer["text"], answer["version"]
            merged += answer["merged"]

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    final = json.loads(
        shell(
            server,
            "import json; from workshops.models import Group, Revision; "
            f"g = Group.objects.get(pk={group_pk}); "
            "print(json.dumps({'notes': g.notes, 'version': g.notes_version, 'revisions': "
            "list(Revision.objects.filter(group=g, text_field='notes')"
            ".order_by('version').values_list('version', flat=True))}))",
        )
    )
    assert errors == []
    assert answers == [200] * WRITERS * ROUNDS
    stored = set(final["notes"].split())
    missing = [
        f"ord{number}x{round_}"
        for number in range(WRITERS)
        for round_ in range(ROUNDS)
        if f"ord{number}x{round_}" not in stored
    ]
    assert missing == []
    # One revision for every save that changed the text, numbered without a gap.
    assert final["revisions"] == list(range(1, final["version"] + 1))
    assert final["version"] == WRITERS * ROUNDS
    database = "postgresql" if on_postgresql else "sqlite"
    print(f"\n{database}: {WRITERS * ROUNDS} saves, {merged} merged with others', 0 words lost")


def test_two_app_servers_serve_one_workshop(server):
    """Requests alternate between two gunicorns; sessions, ETags and throttles live in the DB."""
    pk, code, group_pk = workshop_on(server)
    a, b = server.urls
    facilitator = HttpClient(a)
    facilitator.get("/login/")
    status, _, _ = facilitator.post("/login/", {"username": "vera", "password": "vera-password"})
    assert status == 302
    facilitator.base_url = b
    status, _, dashboard = facilitator.get(f"/workshops/{pk}/")
    assert status == 200 and "Introforløb" in dashboard

    participant = HttpClient(b)
    join_group(participant, code, group_pk)
    participant.base_url = a
    status, _, page = participant.get(f"/deltag/{code}/gruppe/{group_pk}/")
    assert status == 200 and "Gruppe 1" in page
    point = re.search(r'name="point" value="(\d+)"', page).group(1)
    participant.base_url = b
    status, _, _ = participant.post(
        f"/deltag/{code}/gruppe/{group_pk}/tag/", {"point": point, "on": "1"}
    )
    assert status == 302

    # The dashboard's ETag comes from the database: both servers agree on it.
    facilitator.base_url = a
    poll = {"HX-Request": "true"}
    status, headers, live = facilitator.get(f"/workshops/{pk}/", poll)
    assert status == 200 and "1. Lovlighed" in live
    etag = headers["ETag"]
    facilitator.base_url = b
    status, _, _ = facilitator.get(f"/workshops/{pk}/", {**poll, "If-None-Match": etag})
    assert status == 304

    status, _, _ = facilitator.post(f"/workshops/{pk}/luk/", {"confirmed": "on"})
    assert status == 302
    participant.base_url = a
    status, _, _ = participant.post(
        f"/deltag/{code}/gruppe/{group_pk}/noter/", {"text": "For sent", "version": 0}
    )
    assert status == 403


@pytest.fixture
def forgets_wrong_codes(server):
    """The wrong codes a test sends from this machine's one address are forgotten after it,
    so the module's other tests can still join from it."""
    yield
    shell(server, "from workshops.models import JoinAttempt; JoinAttempt.objects.all().delete()")


def test_join_throttle_holds_across_two_app_servers(server, forgets_wrong_codes):
    _pk, code, _group_pk = workshop_on(server)
    guesser = HttpClient(server.urls[0])
    statuses = []
    for attempt in range(WRONG_CODES):
        guesser.base_url = server.urls[attempt % 2]
        wrong = f"{attempt:08d}".replace("0", "Z")
        status, headers, _ = guesser.post("/deltag/", {"code": wrong})
        statuses.append(status)
        assert status != 302, headers.get("Location")
    joined = shell(
        server,
        "from workshops.models import Participant; "
        f"print(Participant.objects.filter(workshop__join_code={code!r}).count())",
    )
    # The form says the code is wrong, until the limit: then every code is refused.
    assert statuses[:JOIN_ATTEMPTS_ALLOWED] == [200] * JOIN_ATTEMPTS_ALLOWED
    assert statuses[JOIN_ATTEMPTS_ALLOWED:] == [429] * (WRONG_CODES - JOIN_ATTEMPTS_ALLOWED)
    assert joined == "0"
    assert code not in {f"{n:08d}".replace("0", "Z") for n in range(WRONG_CODES)}


def test_connections_the_database_dropped_are_replaced_unseen(server, on_postgresql):
    """The database restarts, or drops connections: no visitor sees an error for it."""
    if not on_postgresql:
        pytest.skip("PostgreSQL's connections: run the suite with DATABASE_URL")
    import psycopg

    url = server.env["DATABASE_URL"]
    _pk, code, group_pk = workshop_on(server)
    member = HttpClient(server.url)
    join_group(member, code, group_pk)
    page = f"/deltag/{code}/gruppe/{group_pk}/"

    def visit_at_once() -> list[int]:
        """Eight visits at a time, so that each of the server's threads is busy."""
        statuses = []

        def visit() -> None:
            visitor = HttpClient(server.url)
            visitor.cookies = dict(member.cookies)
            statuses.extend(visitor.get(page)[0] for _ in range(5))

        threads = [threading.Thread(target=visit) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statuses

    assert visit_at_once() == [200] * 40
    with psycopg.connect(url, autocommit=True) as admin:
        dropped = admin.execute(
            # Waits until each backend has exited (up to 5 s). This is about connections
            # dropped between requests: one dropped while a request is using it fails that
            # request, whichever health check ran before.
            "SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(pid, 5000)"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert dropped >= 2  # the server's threads' connections
    assert visit_at_once() == [200] * 40


def test_production_cookies_can_only_come_from_this_host(server):
    """Every cookie the app sets over HTTPS is a "__Host-" cookie, so no neighbouring
    subdomain can plant one; a participant's cookie without the prefix, as a planted one
    would be, puts the browser in nobody's group."""
    _pk, code, group_pk = workshop_on(server)
    member = HttpClient(server.url)
    join_group(member, code, group_pk)
    assert member.cookie("deltager") is not None
    planted = HttpClient(server.url)
    planted.cookies = {"deltager": member.cookie("deltager")}
    status, _headers, _text = planted.get(f"/deltag/{code}/gruppe/{group_pk}/")
    assert status == 404
    assert member.get(f"/deltag/{code}/gruppe/{group_pk}/")[0] == 200
    staff = HttpClient(server.url)
    shell(
        server,
        "from kodeks.models import Organisation, User; "
        "User.objects.create_user('cookies', password='cookie-password', role='facilitator', "
        "organisation=Organisation.objects.first())",
    )
    status, _headers, _text = staff.post(
        "/login/", {"username": "cookies", "password": "cookie-password"}
    )
    assert status == 302
    set_cookies = member.set_cookies + staff.set_cookies
    names = {header.partition("=")[0] for header in set_cookies}
    assert names == {"__Host-csrftoken", "__Host-deltager", "__Host-sessionid"}
    for header in set_cookies:
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "secure" in attributes and "path=/" in attributes, header
        assert not any(part.startswith("domain=") for part in attributes), header
