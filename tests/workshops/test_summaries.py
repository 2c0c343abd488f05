from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import (
    CONCLUSION,
    NOTES,
    count_queries,
    duty,
    join,
    make_workshop,
    participant_of,
)
from workshops import domain
from workshops.models import Phase, SharedText


def summary_urls(workshop) -> list[str]:
    base = f"/workshops/{workshop.pk}/opsummering"
    return [f"{base}/", f"{base}.csv", f"{base}.xlsx", f"{base}.pdf"]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_summary_shows_facts_matrix_notes_and_conclusions(client, alice, held):
    client.force_login(alice)
    response = client.get(f"/workshops/{held.pk}/opsummering/")
    html = response.content.decode()
    assert "Opsummering: Introforløb november" in html
    assert "<dt>Grupper</dt><dd>2</dd>" in html
    assert "<dt>Deltagere</dt><dd>3</dd>" in html
    matrix = response.context["summary"]
    assert [[cell.tagged for cell in group.cells] for group in matrix.groups] == [
        [True, False, True, False, False, False, False],
        [False, False, True, False, False, False, True],
    ]
    assert matrix.totals == [1, 0, 2, 0, 0, 0, 1]
    assert held.pool.get(number=1).title in html
    assert "Borgmesterens ønske" in html
    assert "En sag skal fremskyndes før valget." in html
    assert "Spørg juristen først" in html
    assert "&lt;b&gt;med det samme&lt;/b&gt;" in html
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")


def test_summary_shows_where_members_and_group_differed(client, alice, held):
    group1 = held.groups.get(position=1)
    domain.reveal_private_tags(group1)
    domain.agree_on_tags(group1)
    client.force_login(alice)
    response = client.get(f"/workshops/{held.pk}/opsummering/")
    summary = response.context["summary"].groups[0]
    compared = {
        cell.point.number: (cell.members, cell.tagged, split) for cell, split in summary.comparison
    }
    # Both members tagged 1, as did the group; one tagged 2, the group agreed it was not in
    # play; none tagged 3, the group did.
    assert compared == {1: (2, True, False), 2: (1, False, True), 3: (0, True, False)}
    assert "1 af 2" in response.content.decode()
    assert "uenighed" in response.content.decode()


def test_summary_of_a_running_workshop_says_so_to_its_facilitator(client, alice, workshop):
    client.force_login(alice)
    response = client.get(f"/workshops/{workshop.pk}/opsummering/")
    assert "Workshoppen kører stadig" in response.content.decode()


def test_hr_reads_the_summary_of_a_closed_workshop(client, hanne, held):
    client.force_login(hanne)
    response = client.get(f"/workshops/{held.pk}/opsummering/")
    assert response.status_code == 200
    assert "Spørg juristen først" in response.content.decode()
    assert "Tilbage til workshoppen" not in response.content.decode()


def test_hr_cannot_read_a_running_workshop(client, hanne, workshop):
    client.force_login(hanne)
    for url in summary_urls(workshop):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("outsider", ["charlie", "olga"])
def test_other_organisations_get_404_on_every_summary_url(client, request, held, outsider):
    client.force_login(request.getfixturevalue(outsider))
    for url in summary_urls(held):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Introforl" not in body(response)


def test_anonymous_visitors_are_sent_to_login(client, held):
    for url in summary_urls(held):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next=")


def test_participants_of_the_workshop_are_sent_to_login(content, alice):
    workshop = make_workshop(alice)
    mette = join(workshop, workshop.groups.first(), "Mette")
    domain.set_phase(workshop, phase=Phase.CLOSED)
    for url in summary_urls(workshop):
        response = mette.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_summaries_refuse_post(client, alice, held):
    client.force_login(alice)
    for url in summary_urls(held):
        assert client.post(url).status_code == 405


def test_csv_opens_in_danish_excel(client, alice, held):
    client.force_login(alice)
    response = client.get(f"/workshops/{held.pk}/opsummering.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="workshop-' in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [row["Gruppe"] for row in rows] == ["Gruppe 1", "Gruppe 2"]
    first, second = rows
    assert first["Case eller eget dilemma"] == held.pool.get(number=1).title
    assert first["Deltagere"] == "2"
    assert first["1. Lovlighed"] == "X" and first["3. Faglighed"] == "X"
    assert first["2. Sandhed"] == ""
    assert first["Tags i alt"] == "2"
    # Notes keep their lines; a line that looks like a formula stays text.
    assert (
        first["Noter"]
        == "Vi talte om, hvem der skal vide hvad.\n- Spørg juristen først\n=SUM(A1:A2)"
    )
    assert first["Konklusion"] == CONCLUSION
    assert second["Eget dilemma"] == "ja"
    assert second["Case eller eget dilemma"] == "Borgmesterens ønske"
    assert second["7. Partipolitisk neutralitet"] == "X"


def test_csv_cell_that_starts_like_a_formula_is_escaped(client, alice, content):
    workshop = make_workshop(alice, groups=1)
    group = workshop.groups.get()
    domain.save_text(group, SharedText.NOTES, text='=HYPERLINK("http://x")', version=0)
    client.force_login(alice)
    raw = body(client.get(f"/workshops/{workshop.pk}/opsummering.csv")).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(raw), delimiter=";"))
    assert row["Noter"] == '\'=HYPERLINK("http://x")'


def _cells_split_on_commas(line: str) -> list[str]:
    """The line as a spreadsheet in a comma locale cuts it: at every comma outside quotes."""
    cells, quoted, cell = [], False, ""
    for char in line:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            cells.append(cell)
            cell = ""
        else:
            cell += char
    return [*cells, cell]


def test_csv_cell_read_in_a_comma_locale_never_starts_like_a_formula(client, alice, content):
    workshop = make_workshop(alice, groups=1)
    group = workshop.groups.get()
    note = "ok,=cmd|' /C calc'!A0"
    domain.save_text(group, SharedText.NOTES, text=note, version=0)
    client.force_login(alice)
    raw = body(client.get(f"/workshops/{workshop.pk}/opsummering.csv")).decode("utf-8-sig")
    for line in raw.splitlines():
        for cell in _cells_split_on_commas(line):
            assert not cell.startswith(("=", "+", "-", "@")), line
    # Read with the file's own delimiter, the note is there as it was written.
    row = next(csv.DictReader(io.StringIO(raw), delimiter=";"))
    assert row["Noter"] == note


def test_xlsx_has_overview_groups_and_tags(client, alice, held):
    client.force_login(alice)
    response = client.get(f"/workshops/{held.pk}/opsummering.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Overblik", "Grupper", "Tags"]
    overview = dict(workbook["Overblik"].iter_rows(min_row=2, values_only=True))
    assert overview["Titel"] == "Introforløb november"
    assert overview["Grupper"] == 2
    assert overview["Deltagere"] == 3
    assert overview["Tags i alt"] == 4
    groups = list(workbook["Grupper"].iter_rows(values_only=True))
    header = groups[0]
    first = dict(zip(header, groups[1], strict=True))
    assert first["Noter"] == NOTES  # the "=SUM" line is text, not a formula
    assert first["Konklusion"] == CONCLUSION
    assert first["1. Lovlighed"] == "X"
    tags = list(workbook["Tags"].iter_rows(min_row=2, values_only=True))
    assert ("Gruppe 1", 1, "Lovlighed", "ja", 2, 2) in tags
    assert ("Gruppe 1", 2, "Sandhed", "nej", 1, 2) in tags
    assert ("Gruppe 2", 7, "Partipolitisk neutralitet", "ja", 0, 1) in tags
    assert len(tags) == 2 * 7


def test_pdf_holds_the_matrix_cases_and_notes(client, alice, held):
    client.force_login(alice)
    response = client.get(f"/workshops/{held.pk}/opsummering.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3  # overview, then one page per group
    assert "Introforløb november" in pages[0]
    assert "Gruppe × punkt" in pages[0]
    assert held.pool.get(number=1).title in pages[1].replace("\n", " ")
    assert "Spørg juristen først" in pages[1]
    assert "<b>med det samme</b>" in pages[1]
    assert "Borgmesterens ønske" in pages[2]
    assert "Partipolitisk neutralitet" in pages[2]


def test_exports_survive_unusual_text(client, alice, content):
    workshop = make_workshop(alice, groups=1)
    group = workshop.groups.get()
    text = "Ærø & <script>alert(1)</script>\x0b\x01 – “citat” 🙂 " + "ord " * 3000
    domain.save_text(group, SharedText.NOTES, text=text, version=0)
    client.force_login(alice)
    for url in summary_urls(workshop):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/workshops/{workshop.pk}/opsummering/").content.decode()
    assert "<script>alert(1)</script>" not in html


def test_summary_queries_are_the_same_for_2_and_20_groups(client, alice, content):
    client.force_login(alice)

    def measured(groups: int) -> int:
        workshop = make_workshop(alice, groups=groups, private_tagging=True)
        for group in workshop.groups.all():
            member = join(workshop, group, "Deltager")
            domain.choose_case(group, case=workshop.pool.first())
            domain.set_tag(group, point=duty(1), on=True)
            domain.set_private_tag(participant_of(member, workshop), point=duty(2), on=True)
        domain.set_phase(workshop, phase=Phase.CLOSED)
        return count_queries(client, f"/workshops/{workshop.pk}/opsummering/")

    assert measured(2) == measured(20)


def test_hr_cannot_open_running_group_pages(client, hanne, workshop, group1, mette):
    client.force_login(hanne)
    assert client.get(group1.get_absolute_url()).status_code == 404
    response = client.post(group1.get_absolute_url() + "noter/", {"text": "HR", "version": 0})
    assert response.status_code == 404
    group1.refresh_from_db()
    assert group1.notes == ""


@pytest.fixture
def on_first_december(held):
    held.date = datetime.date(2026, 12, 1)
    held.save(update_fields=["date"])
    return held


@pytest.mark.parametrize(
    ("language", "written"), [("da", "1. december 2026"), ("en", "1 December 2026")]
)
def test_dates_are_written_as_each_language_writes_them(
    client, alice, on_first_december, language, written
):
    client.force_login(alice)
    client.cookies["django_language"] = language
    for url in (
        on_first_december.get_absolute_url(),
        "/workshops/",
        f"{summary_urls(on_first_december)[0]}",
    ):
        assert written in client.get(url).content.decode(), url
    pdf = client.get(f"/workshops/{on_first_december.pk}/opsummering.pdf")
    assert written in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_spreadsheets_get_dates_a_spreadsheet_can_sort(client, alice, on_first_december):
    client.force_login(alice)
    response = client.get(f"/workshops/{on_first_december.pk}/opsummering.xlsx")
    overview = load_workbook(io.BytesIO(body(response)))["Overblik"]
    [date_cell] = [row[1] for row in overview.iter_rows(min_row=2) if row[0].value == "Dato"]
    assert date_cell.is_date
    assert date_cell.value.date() == datetime.date(2026, 12, 1)
    assert date_cell.number_format == "dd-mm-yyyy"


def test_the_pdf_never_silently_drops_what_people_wrote(client, alice, content):
    workshop = make_workshop(alice, groups=1)
    group = workshop.groups.get()
    notes = "Ærlig snak på Ærø 🙂 og 👍🏽 – alle enige ✓\x0b"
    domain.save_text(group, SharedText.NOTES, text=notes, version=0)
    client.force_login(alice)
    response = client.get(f"/workshops/{workshop.pk}/opsummering.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ærlig snak på Ærø [slightly smiling face] og [thumbs up sign] –" in text
    assert "alle enige [check mark]" in text
