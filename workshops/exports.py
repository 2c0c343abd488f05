"""Files for HR and facilitators: CSV for Danish Excel, XLSX and PDF.

CSV and the report files are streamed row by row, so a report over years of workshops never
sits in memory as a whole.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from workshops.models import Group
from workshops.reports import Report
from workshops.summaries import WorkshopSummary

Row = list[object]

# Danish Excel reads a CSV as UTF-8 only with a byte order mark, and splits on ";".
BOM = "\ufeff"
CSV_DELIMITER = ";"
# A cell starting with one of these is a formula to a spreadsheet; a note like "- spørg HR"
# must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE = "dd-mm-yyyy"  # as Danish Excel shows dates


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nej")


def _group_tagged(item, cell) -> str:
    """Whether the group tagged the point; while its members' own tags are revealed but the
    group has not agreed on its own, that is not settled yet."""
    if item.private_tags_used and not item.tags_settled:
        return _("Ikke afklaret endnu")
    return _yes_no(cell.tagged)


# CSV ---------------------------------------------------------------------------------------


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    # Every field quoted: a spreadsheet that splits on "," (a comma locale) finds each comma
    # inside quotes, so no text after one becomes a cell of its own that starts a formula.
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, quoting=csv.QUOTE_ALL)
    yield BOM
    for row in rows:
        yield writer.writerow([_csv_safe(value) for value in row])


def csv_response(rows: Iterable[Row], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# XLSX --------------------------------------------------------------------------------------


def _xlsx_row(sheet, row: Row, *, bold: bool = False) -> list[WriteOnlyCell]:
    cells = []
    for value in row:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        elif isinstance(value, datetime.date):
            cell.number_format = XLSX_DATE  # a date Excel sorts and filters as one
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_response(sheets: Iterable[tuple[str, Iterable[Row]]], filename: str) -> FileResponse:
    """A workbook written in openpyxl's write-only mode to a temporary file, then streamed.

    The first row of every sheet is its header.
    """
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for index, row in enumerate(rows):
            sheet.append(_xlsx_row(sheet, row, bold=index == 0))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


# One workshop ------------------------------------------------------------------------------


def _facilitator_name(workshop) -> str:
    user = workshop.facilitator
    return (user.get_full_name() or user.get_username()) if user else ""


def summary_overview(summary: WorkshopSummary) -> list[Row]:
    workshop = summary.workshop
    return [
        [_("Felt"), _("Værdi")],
        [_("Titel"), workshop.title],
        [_("Format"), workshop.get_format_display()],
        [_("Dato"), workshop.date],
        [_("Facilitator"), _facilitator_name(workshop)],
        [_("Serie"), str(workshop.series or "")],
        [_("Tags mod"), workshop.codex.title],
        [_("Grupper"), len(summary.groups)],
        [_("Deltagere"), summary.participant_count],
        [_("Tags i alt"), summary.tag_count],
    ]


def _point_heading(point) -> str:
    return f"{point.number}. {point.title}"


def summary_group_rows(summary: WorkshopSummary) -> Iterator[Row]:
    """One row per group: its dilemma, notes, conclusion and an X under each tagged point."""
    yield [
        _("Gruppe"),
        _("Deltagere"),
        _("Case nr."),
        _("Case eller eget dilemma"),
        _("Eget dilemma"),
        *(_point_heading(point) for point in summary.points),
        _("Tags i alt"),
        _("Noter"),
        _("Konklusion"),
    ]
    for item in summary.groups:
        group = item.group
        yield [
            group.name,
            item.member_count,
            group.case.number if group.case and group.case.number else "",
            item.dilemma_title,
            _yes_no(group.own_dilemma),
            *("X" if cell.tagged else "" for cell in item.cells),
            item.tag_count,
            group.notes,
            group.conclusion,
        ]


def summary_tag_rows(summary: WorkshopSummary) -> Iterator[Row]:
    """Group × point, with how many members tagged the point on their own."""
    yield [
        _("Gruppe"),
        _("Nr."),
        _("Punkt"),
        _("Gruppen taggede"),
        _("Medlemmer der taggede for sig selv"),
        _("Medlemmer i gruppen"),
    ]
    for item in summary.groups:
        for cell in item.cells:
            yield [
                item.group.name,
                cell.point.number,
                cell.point.title,
                _group_tagged(item, cell),
                cell.members,
                item.member_count,
            ]


def summary_filename(summary: WorkshopSummary, extension: str) -> str:
    return f"workshop-{summary.workshop.pk}-{summary.workshop.date.isoformat()}.{extension}"


def summary_csv(summary: WorkshopSummary) -> StreamingHttpResponse:
    return csv_response(summary_group_rows(summary), summary_filename(summary, "csv"))


def summary_xlsx(summary: WorkshopSummary) -> FileResponse:
    sheets = [
        (_("Overblik"), summary_overview(summary)),
        (_("Grupper"), summary_group_rows(summary)),
        (_("Tags"), summary_tag_rows(summary)),
    ]
    return xlsx_response(sheets, summary_filename(summary, "xlsx"))


# PDF ---------------------------------------------------------------------------------------

# Bitstream Vera ships inside reportlab and covers Danish letters, dashes and quotes.
_FONTS = Path(reportlab.__file__).parent / "fonts"
_FONT, _BOLD = "Vera", "VeraBd"
# Unicode categories of control characters, joiners and combining marks; and the emoji skin
# tones, which shape the emoji before them.
SHOWS_NOTHING = {"Cc", "Cf", "Mn"}
SKIN_TONES = (0x1F3FB, 0x1F3FF)


def _register_fonts() -> None:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, _FONTS / "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(_BOLD, _FONTS / "VeraBd.ttf"))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10, leading=14, spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "h1": ParagraphStyle("h1", parent=body, fontName=_BOLD, fontSize=18, leading=22),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=_BOLD, fontSize=13, leading=17, spaceBefore=8
        ),
        "h3": ParagraphStyle("h3", parent=body, fontName=_BOLD, fontSize=10, spaceBefore=6),
    }


def _markup(text: str) -> str:
    """Text for reportlab's markup: escaped, and every character the font has no glyph for
    named in brackets ("[slightly smiling face]"), so nothing anyone wrote silently vanishes;
    what only shapes the character before it goes."""
    glyphs = pdfmetrics.getFont(_FONT).face.charToGlyph
    printable = []
    for character in text:
        if ord(character) in glyphs or character in "\n\t":
            printable.append(character)
        elif unicodedata.category(character) not in SHOWS_NOTHING and not (
            SKIN_TONES[0] <= ord(character) <= SKIN_TONES[1]
        ):
            printable.append(f"[{unicodedata.name(character, 'ukendt tegn').lower()}]")
    return escape("".join(printable))


def _text(value: str, style: ParagraphStyle) -> list[Paragraph]:
    """Paragraphs of user text: escaped for reportlab's markup, line breaks kept."""
    blocks = [block for block in value.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return [Paragraph(_markup(block).replace("\n", "<br/>"), style) for block in blocks]


def _labelled(label: str, value: str, styles) -> Paragraph:
    return Paragraph(f"<b>{_markup(label)}:</b> {_markup(value)}", styles["body"])


def _matrix(summary: WorkshopSummary, styles) -> Table:
    small = styles["small"]
    # Numbers head the narrow columns; the legend under the table names them.
    rows = [
        [Paragraph(_("Gruppe"), small), *(point.number for point in summary.points), _("I alt")]
    ]
    for item in summary.groups:
        rows.append(
            [Paragraph(_markup(item.group.name), small)]
            + ["X" if cell.tagged else "" for cell in item.cells]
            + [item.tag_count]
        )
    rows.append([Paragraph(_("I alt"), small), *summary.totals, summary.tag_count])
    name_width = 32 * mm
    point_width = (A4[0] - 36 * mm - name_width) / (len(summary.points) + 1)
    table = Table(rows, colWidths=[name_width] + [point_width] * (len(summary.points) + 1))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), _FONT, 9),
                ("FONT", (1, 0), (-1, 0), _BOLD, 9),
                ("FONT", (1, 1), (-1, -1), _BOLD, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 1.5, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def summary_pdf(summary: WorkshopSummary) -> HttpResponse:
    _register_fonts()
    styles = _styles()
    workshop = summary.workshop
    story: list = [Paragraph(_markup(workshop.title), styles["h1"])]
    for label, value in summary_overview(summary)[2:]:
        if value == "":
            continue
        if isinstance(value, datetime.date):
            value = date_format(value)
        story.append(_labelled(label, str(value), styles))
    legend = ", ".join(_point_heading(point) for point in summary.points)
    story += [
        Paragraph(_("Gruppe × punkt"), styles["h2"]),
        _matrix(summary, styles),
        Spacer(1, 2 * mm),
        Paragraph(_markup(legend), styles["small"]),
    ]
    for item in summary.groups:
        group = item.group
        story += [PageBreak(), Paragraph(_markup(group.name), styles["h1"])]
        if group.case:
            story.append(Paragraph(_markup(_("Case: %s") % group.case.title), styles["h2"]))
        elif group.own_dilemma:
            story.append(Paragraph(_markup(_("Eget dilemma: %s") % group.own_title), styles["h2"]))
        else:
            story.append(Paragraph(_("Gruppen valgte ingen case."), styles["body"]))
        story += _text(item.dilemma_text, styles["body"])
        tags = ", ".join(_point_heading(point) for point in item.tags) or _("ingen")
        story.append(_labelled(_("Tags"), tags, styles))
        if item.private_tags_used:
            comparison = ", ".join(
                _("%(point)s: %(members)s af %(count)s, gruppen %(group)s")
                % {
                    "point": cell.point.number,
                    "members": cell.members,
                    "count": item.member_count,
                    "group": _group_tagged(item, cell),
                }
                for cell, _split in item.comparison
            )
            story.append(_labelled(_("Hver for sig"), comparison, styles))
        story.append(Paragraph(_("Noter"), styles["h3"]))
        story += _text(group.notes, styles["body"]) or [Paragraph("–", styles["body"])]
        story.append(
            KeepTogether(
                [Paragraph(_("Konklusion"), styles["h3"])]
                + (_text(group.conclusion, styles["body"]) or [Paragraph("–", styles["body"])])
            )
        )
    story.append(Spacer(1, 1))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=workshop.title,
        lang="da",
    )
    document.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, summary_filename(summary, "pdf")
    )
    return response


# Reports -----------------------------------------------------------------------------------


def report_figure_rows(report: Report) -> Iterator[Row]:
    """The report as one table: section, item, number, so a spreadsheet can filter it."""
    yield [_("Afsnit"), _("Emne"), _("Antal")]
    yield [_("I alt"), _("Workshops"), report.workshop_count]
    yield [_("I alt"), _("Deltagere"), report.participant_count]
    yield [_("I alt"), _("Grupper"), report.group_count]
    yield [_("I alt"), _("Egne dilemmaer"), report.own_dilemma_count]
    for figures in report.codices:
        for bar in figures.bars:
            yield [figures.codex.title, _point_heading(bar.point), bar.count]
        for label, workshop_count, counts in figures.quarters:
            section = f"{figures.codex.title} – {label}"
            yield [section, _("Workshops"), workshop_count]
            for point, count in zip(figures.points, counts, strict=True):
                yield [section, _point_heading(point), count]
    for case, count in report.top_cases:
        yield [_("Mest brugte cases"), case.title, count]


def report_row_values(groups: Iterable[Group]) -> Iterator[Row]:
    """One row per group, without notes, own-dilemma texts or names."""
    yield [
        _("Workshop-id"),
        _("Dato"),
        _("Format"),
        _("Serie"),
        _("Workshop"),
        _("Gruppe"),
        _("Deltagere"),
        _("Case nr."),
        _("Case"),
        _("Eget dilemma"),
        _("Tags mod"),
        _("Tags"),
    ]
    for group in groups:
        workshop = group.workshop
        yield [
            workshop.pk,
            workshop.date,
            workshop.get_format_display(),
            str(workshop.series or ""),
            workshop.title,
            group.name,
            group.member_count,
            group.case.number if group.case and group.case.number else "",
            group.case.title if group.case else "",
            _yes_no(group.own_dilemma),
            workshop.codex.title,
            ", ".join(_point_heading(point) for point in group.tags.all()),
        ]
