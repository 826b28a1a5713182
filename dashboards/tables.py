"""The dashboard tables: their columns, shown on the pages and exported to Excel from one definition."""

import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    is_rate: bool = False


FLOW_COLUMNS = [
    Column("reported", _("Reported")), Column("closed", _("Closed")),
    Column("on_time_rate", _("On-time rate"), is_rate=True), Column("overdue", _("Deadlines missed")),
    Column("return_rate", _("Return rate"), is_rate=True),
    Column("satisfaction_rate", _("Satisfaction rate"), is_rate=True),
]
SCORE_COLUMNS = [
    Column("rank", _("Rank")), Column("name", _("Name")), Column("score", _("Score")),
    Column("on_time_rate", _("On-time rate"), is_rate=True), Column("overdue", _("Deadlines missed")),
    Column("return_rate", _("Return rate"), is_rate=True),
    Column("satisfaction_rate", _("Satisfaction rate"), is_rate=True),
]

TABLES = {
    "children": (_("Areas"), [Column("code", _("Code")), Column("name", _("Name")), *FLOW_COLUMNS,
                              Column("open_now", _("Open now")), Column("overdue_open_now", _("Overdue now"))]),
    "categories": (_("Category mix"), [Column("code", _("Code")), Column("name", _("Category")),
                                       Column("reported", _("Reported"))]),
    "top_grids": (_("Recurring places"), [Column("grid_code", _("Code")), Column("name", _("Grid")),
                                          Column("reported", _("Reported")),
                                          Column("overdue", _("Deadlines missed"))]),
    "trend": (_("Daily trend"), [Column("day", _("Day")), Column("reported", _("Reported")),
                                 Column("closed", _("Closed")), Column("overdue", _("Deadlines missed"))]),
    "streets": (_("Street ranking"), [*SCORE_COLUMNS[:2], Column("code", _("Code")), *SCORE_COLUMNS[2:]]),
    "departments": (_("Department ranking"), [
        *SCORE_COLUMNS[:2], Column("area", _("Area")), *SCORE_COLUMNS[2:],
        Column("raised", _("Objections to dispatches")), Column("redispatched", _("Objections upheld (re-dispatched)")),
        Column("catalogue_overridden", _("Orders sent elsewhere than the catalogue proposed")),
    ]),
}


def workbook(sheets, *, heading):
    """Return an .xlsx file (bytes): one sheet per (table name, rows), under a `heading` line.

    Rates are written as numbers with a percentage format, so they stay computable in Excel.
    """
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        title, columns = TABLES[name]
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([str(heading)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(column.label) for column in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(column.key) for column in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            widest = max([display_width(column.label), *(display_width(row.get(column.key)) for row in rows)])
            sheet.column_dimensions[letter].width = max(8, widest + 2)
            if column.is_rate:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = "0.0%"
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def display_width(value):
    """Return how many character cells `value` takes in a spreadsheet: Chinese characters take two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
