from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kodeks.models import Point, User
from tests.factories import count_queries, duty, join, make_workshop
from workshops import domain
from workshops.models import Format, Group, Phase, SharedText, Workshop
from workshops.reports import Quarter, Year

REPORT_URLS = [
    "/rapporter/",
    "/rapporter/rapport.csv",
    "/rapporter/rapport.xlsx",
    "/rapporter/raekker.csv",
]


def hold(workshop: Workshop, *, tags: list[list[int]], members: int = 1) -> Workshop:
    """Every group takes the pool's first case, tags the duties given and the workshop closes."""
    for group, numbers in zip(workshop.groups.all(), tags, strict=True):
        for _ in range(members):
            join(workshop, group, "Navn Navnesen")
        domain.choose_case(group, case=workshop.pool.order_by("number").first())
        domain.save_text(group, SharedText.NOTES, text="Hemmelige noter om Karen", version=0)
        for number in numbers:
            domain.set_tag(group, point=duty(number), on=True)
    domain.set_phase(workshop, phase=Phase.CLOSED)
    return workshop


@pytest.fixture
def history(content, alice, charlie):
    """Aarhus: three closed workshops in two quarters, one running; Odder: one closed."""
    spring = hold(
        make_workshop(alice, title="Forår", date=datetime.date(2026, 3, 10)),
        tags=[[1, 3], [3]],
        members=2,
    )
    summer = hold(
        make_workshop(
            alice,
            title="Sommer",
            groups=1,
            format=Format.SPARRING,
            date=datetime.date(2026, 5, 4),
            series_name="Direktørsparring",
        ),
        tags=[[3, 7]],
    )
    own = make_workshop(alice, title="Egne", groups=1, date=datetime.date(2026, 5, 20))
    domain.write_own_dilemma(own.groups.get(), title="Karens sag", situation="Karen …")
    domain.set_tag(own.groups.get(), point=duty(2), on=True)
    domain.set_phase(own, phase=Phase.CLOSED)
    make_workshop(alice, title="Kører stadig")  # running: not counted
    hold(make_workshop(charlie, title="Odder", date=datetime.date(2026, 3, 1)), tags=[[5], [5]])
    return {"spring": spring, "summer": summer, "own": own}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response) -> list[list[str]]:
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_report_counts_closed_workshops_of_the_organisation(client, hanne, history):
    client.force_login(hanne)
    response = client.get("/rapporter/")
    report = response.context["report"]
    assert (report.workshop_count, report.participant_count, report.group_count) == (3, 5, 4)
    assert report.own_dilemma_count == 1
    [duties] = report.codices
    assert [bar.count for bar in duties.bars] == [1, 1, 3, 0, 0, 0, 1]
    assert duties.group_count == 4
    assert [(label, workshops, counts) for label, workshops, counts in duties.quarters] == [
        ("1. kvt. 2026", 1, [1, 0, 2, 0, 0, 0, 0]),
        ("2. kvt. 2026", 2, [0, 1, 1, 0, 0, 0, 1]),
    ]
    [(case, groups)] = report.top_cases
    assert (case, groups) == (history["spring"].pool.order_by("number").first(), 3)
    html = response.content.decode()
    assert "Kører stadig" not in html and "Odder" not in html
    assert f'href="/workshops/{history["spring"].pk}/opsummering/"' in html
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")


def test_report_has_no_notes_and_no_names(client, hanne, history):
    client.force_login(hanne)
    for url in REPORT_URLS:
        text = body(client.get(url))
        if url.endswith(".xlsx"):
            workbook = load_workbook(io.BytesIO(text))
            text = repr([list(sheet.values) for sheet in workbook]).encode()
        assert b"Karen" not in text, url
        assert b"Navnesen" not in text, url
        assert b"Hemmelige" not in text, url


def test_bar_chart_and_table_show_the_same_numbers(client, hanne, history):
    client.force_login(hanne)
    html = client.get("/rapporter/").content.decode()
    assert '<div class="bar-chart" role="img"' in html
    # Faglighed, tagged by 3 of 4 groups: the longest bar, its number in chart and table.
    rows = html.split('<div class="bar-row">')[1:8]
    faglighed = next(row for row in rows if "3. Faglighed" in row)
    assert '<rect width="100" height="10" class="bar">' in faglighed
    assert '<span class="bar-value">3</span>' in faglighed
    assert all("width=" in row for row in rows)
    assert re.search(r'<th scope="row">3. Faglighed</th>\s*<td class="num">3</td>', html)
    assert '<td class="num">75 %</td>' in html


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("fra=2026-04-01", {"Sommer", "Egne"}),
        ("til=2026-03-31", {"Forår"}),
        ("format=sparring", {"Sommer"}),
        ("fra=2026-01-01&til=2026-12-31&format=onboarding", {"Forår", "Egne"}),
    ],
)
def test_report_filters_by_period_and_format(client, hanne, history, query, titles):
    client.force_login(hanne)
    response = client.get(f"/rapporter/?{query}")
    assert {workshop.title for workshop in response.context["page"]} == titles
    assert response.context["report"].workshop_count == len(titles)


def test_report_filters_by_series(client, hanne, history):
    series = history["summer"].series
    client.force_login(hanne)
    response = client.get(f"/rapporter/?serie={series.pk}")
    assert [workshop.title for workshop in response.context["page"]] == ["Sommer"]
    rows = read_csv(client.get(f"/rapporter/raekker.csv?serie={series.pk}"))
    assert [row[4] for row in rows[1:]] == ["Sommer"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fra=31-12-2026", "Skriv datoen som år-måned-dag"),
        ("fra=2026-05-01&til=2026-04-01", "Til-datoen ligger før fra-datoen."),
        ("format=hackathon", "Vælg et af formaterne på listen."),
        ("serie=999999", "Vælg en af serierne på listen."),
        ("serie=%00", "Null-tegn er ikke tilladte."),
    ],
)
def test_bad_filters_are_explained_and_kept(client, hanne, history, query, message):
    client.force_login(hanne)
    response = client.get(f"/rapporter/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "report" not in response.context
    export = client.get(f"/rapporter/raekker.csv?{query}")
    assert export.status_code == 400
    assert message in export.content.decode()


def test_series_of_another_organisation_cannot_be_chosen(client, hanne, charlie, content):
    other = make_workshop(charlie, series_name="Odders serie")
    client.force_login(hanne)
    response = client.get(f"/rapporter/?serie={other.series_id}")
    assert response.status_code == 400


def test_report_csv_lists_every_figure(client, hanne, history):
    client.force_login(hanne)
    rows = read_csv(client.get("/rapporter/rapport.csv"))
    assert rows[0] == ["Afsnit", "Emne", "Antal"]
    figures = {(section, item): count for section, item, count in rows[1:]}
    assert figures["I alt", "Workshops"] == "3"
    assert figures["I alt", "Deltagere"] == "5"
    codex = duty(1).codex.title
    assert figures[codex, "3. Faglighed"] == "3"
    assert figures[codex, "4. Udvikling og samarbejde"] == "0"
    assert figures[f"{codex} – 2. kvt. 2026", "7. Partipolitisk neutralitet"] == "1"
    case = history["spring"].pool.order_by("number").first()
    assert figures["Mest brugte cases", case.title] == "3"


def test_report_rows_csv_has_one_row_per_group(client, hanne, history):
    client.force_login(hanne)
    rows = read_csv(client.get("/rapporter/raekker.csv"))
    header, *groups = rows
    assert header[:6] == ["Workshop-id", "Dato", "Format", "Serie", "Workshop", "Gruppe"]
    assert len(groups) == 4
    by_title = {(row[4], row[5]): dict(zip(header, row, strict=True)) for row in groups}
    spring1 = by_title["Forår", "Gruppe 1"]
    assert spring1["Dato"] == "2026-03-10"
    assert spring1["Deltagere"] == "2"
    assert spring1["Tags"] == "1. Lovlighed, 3. Faglighed"
    own = by_title["Egne", "Gruppe 1"]
    assert own["Eget dilemma"] == "ja" and own["Case"] == ""


def test_report_xlsx_has_figures_and_rows(client, hanne, history):
    client.force_login(hanne)
    response = client.get("/rapporter/rapport.xlsx?format=onboarding")
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Rapport", "Rækker"]
    figures = list(workbook["Rapport"].iter_rows(min_row=2, values_only=True))
    assert ("I alt", "Workshops", 2) in figures
    rows = list(workbook["Rækker"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[4] for row in rows) == ["Egne", "Forår", "Forår"]


def test_report_export_streams_2000_workshops(client, hanne, alice, content):
    codex_id = duty(1).codex_id
    workshops = Workshop.objects.bulk_create(
        Workshop(
            organisation=alice.organisation,
            facilitator=alice,
            title=f"Workshop {number}",
            format=Format.ONBOARDING,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=number % 365),
            codex_id=codex_id,
            phase=Phase.CLOSED,
            join_code=f"{number:08d}",
        )
        for number in range(2000)
    )
    groups = Group.objects.bulk_create(
        Group(workshop=workshop, position=1, name="Gruppe 1") for workshop in workshops
    )
    Group.tags.through.objects.bulk_create(
        Group.tags.through(group=group, point=duty(1 + index % 7))
        for index, group in enumerate(groups)
    )
    client.force_login(hanne)
    response = client.get("/rapporter/raekker.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    chunks = 0
    lines = []
    for chunk in response.streaming_content:
        chunks += 1
        lines.append(chunk)
    rows = list(csv.reader(io.StringIO(b"".join(lines).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 2000
    assert chunks > 2000  # written a row at a time, never as one body
    assert sum(row[-1] == "1. Lovlighed" for row in rows[1:]) == 286


@pytest.mark.parametrize("outsider", ["charlie", "olga"])
def test_other_organisations_see_only_their_own_report(client, request, history, outsider):
    client.force_login(request.getfixturevalue(outsider))
    user = request.getfixturevalue(outsider)
    for url in REPORT_URLS:
        response = client.get(url)
        if user.role == "facilitator":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url
            text = body(response)
            assert "Forår".encode() not in text and b"Sommer" not in text


def test_facilitators_cannot_open_reports(client, alice, history):
    client.force_login(alice)
    for url in REPORT_URLS:
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_and_participants_are_sent_to_login(client, history, content, alice):
    running = make_workshop(alice)
    participant = join(running, running.groups.first(), "Mette")
    for visitor in (client, participant):
        for url in REPORT_URLS:
            response = visitor.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next=")


def test_report_queries_are_the_same_for_a_few_and_many_workshops(client, hanne, alice, content):
    client.force_login(hanne)
    hold(make_workshop(alice, date=datetime.date(2026, 1, 5)), tags=[[1], [2]])
    few = count_queries(client, "/rapporter/")
    for month in range(2, 12):
        hold(make_workshop(alice, date=datetime.date(2025, month, 5)), tags=[[3], [4, 5]])
    lederteam = make_workshop(
        alice,
        format=Format.LEDERTEAM,
        groups=1,
        focus_point=Point.objects.get(codex__slug="god-ledelse", number=2),
    )
    domain.set_phase(lederteam, phase=Phase.CLOSED)
    many = count_queries(client, "/rapporter/")
    assert few == many


def test_quarters_turn_on_the_first_day_in_the_database(alice, content):
    days = ["2025-12-31", "2026-01-01", "2026-03-31", "2026-04-01", "2026-09-30", "2026-10-01"]
    for day in days:
        make_workshop(alice, title=day, groups=1, date=datetime.date.fromisoformat(day))
    with CaptureQueriesContext(connection) as queries:
        rows = list(
            Workshop.objects.annotate(year=Year("date"), quarter=Quarter("date"))
            .order_by("date")
            .values_list("title", "year", "quarter")
        )
    assert rows == [
        ("2025-12-31", 2025, 4),
        ("2026-01-01", 2026, 1),
        ("2026-03-31", 2026, 1),
        ("2026-04-01", 2026, 2),
        ("2026-09-30", 2026, 3),
        ("2026-10-01", 2026, 4),
    ]
    # Worked out by the database itself, not by a call back into Python for every row.
    assert "django_date_extract" not in queries[0]["sql"]


def test_organisation_admin_reads_the_report(client, aarhus, history):
    admin = User.objects.create_user("ada", organisation=aarhus, role=User.Role.ADMIN)
    client.force_login(admin)
    assert client.get("/rapporter/").context["report"].workshop_count == 3
