"""The programme's status as an Excel workbook in the office's layout (one row per task, the light
as the row's colour), and the one-page supervision bulletin (督办通报) of a period as a PDF."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from audit.exports import XLSX, download_response
from dashboards.tables import display_width

from .selectors import Light

LIGHT_FILLS = {Light.GREEN: "C6EFCE", Light.YELLOW: "FFEB9C", Light.RED: "FFC7CE"}


def _columns():
    return [
        (_("No."), lambda row: row.task.number),
        (_("Task"), lambda row: row.task.title),
        (_("Lead unit"), lambda row: row.task.lead_unit.name),
        (_("Responsible units"), lambda row: "、".join(unit.name for unit in row.task.responsible_units.all())),
        (_("Target"), lambda row: row.task.target_text),
        (_("Reached"), lambda row: row.standing.reached),
        (_("Next milestone"), lambda row: row.next_due.title if row.next_due else _("All accepted")),
        (_("Due"), lambda row: row.next_due.due_date if row.next_due else None),
        (_("Milestone status"), lambda row: row.next_due.get_status_display() if row.next_due else ""),
        (_("End date"), lambda row: row.task.end_date),
        (_("Light"), lambda row: str(row.standing.light_label)),
        (_("Score"), lambda row: row.standing.score),
    ]


def programme_xlsx(programme, rows):
    """Return the .xlsx bytes of `rows` (programme_rows) under the programme's heading."""
    columns = _columns()
    book = Workbook()
    sheet = book.active
    sheet.title = str(programme.year)
    sheet.append([_("%(programme)s: task status on %(day)s") % {
        "programme": programme, "day": timezone.localdate().isoformat()}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(label) for label, _value in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    values = [[value(row) for _label, value in columns] for row in rows]
    for row, line in zip(rows, values):
        sheet.append(line)
        fill = PatternFill("solid", fgColor=LIGHT_FILLS[row.standing.light])
        for cell in sheet[sheet.max_row]:
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, (label, _value) in enumerate(columns):
        widest = max([display_width(label), *(display_width(line[index]) for line in values)])
        sheet.column_dimensions[sheet.cell(row=2, column=index + 1).column_letter].width = min(40, max(8, widest + 2))
    sheet.freeze_panes = "C3"
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def programme_xlsx_response(request, programme, rows):
    return download_response(request, programme_xlsx(programme, rows), content_type=XLSX,
                             filename=f"supervision-{programme.year}-{programme.pk}.xlsx")
