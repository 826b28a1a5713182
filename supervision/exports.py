"""The programme's status as an Excel workbook in the office's layout (one row per task, the light
as the row's colour), and the one-page supervision bulletin (督办通报) of a period as a PDF."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from audit.exports import PDF, XLSX, download_response
from dashboards.tables import display_width
from govportal.documents import document_styles

from .selectors import Light, light_counts, unit_rows

LIGHT_FILLS = {Light.GREEN: "C6EFCE", Light.YELLOW: "FFEB9C", Light.RED: "FFC7CE"}


def _columns():
    return [
        (_("No."), lambda row: row.task.number),
        (_("Task"), lambda row: row.task.title),
        (_("Lead unit"), lambda row: row.task.lead_unit.name),
        (_("Responsible units"), lambda row: "、".join(unit.name for unit in row.task.responsible_units.all())),
        (pgettext("task", "Target"), lambda row: row.task.target_text),
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


def bulletin_pdf(programme, rows, period):
    """Return the PDF bytes of the one-page supervision bulletin (督办通报) of `period`: the lights,
    the milestones missed and accepted in the period, the tasks overdue and the units lowest scored.

    A formal document in Chinese whatever the page language, like the mediation agreement.
    """
    style = document_styles()
    counts = light_counts(rows)
    milestones = [m for row in rows for m in row.task.milestones.all()]
    missed = [m for m in milestones if period.start <= m.due_date <= period.end and m.overdue_at]
    accepted = [m for m in milestones if m.accepted_at and period.start <= timezone.localdate(m.accepted_at) <= period.end]
    story = [
        Paragraph("督办通报", style["title"]),
        Paragraph(f"{escape(str(programme))}　{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}", style["number"]),
        Paragraph("一、总体情况", style["heading"]),
        Paragraph(f"任务共{len(rows)}项，其中正常推进{counts[Light.GREEN]}项、存在风险{counts[Light.YELLOW]}项、"
                  f"已逾期{counts[Light.RED]}项。本期到期节点逾期{len(missed)}个，验收通过节点{len(accepted)}个。",
                  style["body"]),
        Paragraph("二、逾期节点及督办单", style["heading"]),
        *_listed([f"{m.task.number} {m.task.title}：{m.title}（时限{m.due_date:%m月%d日}，"
                  f"牵头单位{m.task.lead_unit.name}，督办单{_order_number(m)}）" for m in missed[:12]], style,
                 more=len(missed) - 12),
        Paragraph("三、逾期任务", style["heading"]),
        *_listed([f"{row.task.number} {row.task.title}（{row.task.lead_unit.name}）"
                  for row in rows if row.standing.light == Light.RED][:10], style,
                 more=counts[Light.RED] - 10),
        Paragraph("四、牵头单位得分（由低到高）", style["heading"]),
        *_listed([f"{unit.unit.name}：{unit.score if unit.score is not None else '—'}分，任务{unit.tasks}项，"
                  f"逾期{unit.lights[Light.RED]}项" for unit in unit_rows(rows)[:8]], style),
        Paragraph("请各牵头单位对逾期事项限期整改，并将整改情况报督查室。", style["heading"]),
        Paragraph(f"{escape(programme.office.name)}　{timezone.localdate():%Y年%m月%d日}", style["number"]),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                      bottomMargin=15 * mm, title=f"督办通报 {programme}").build(story)
    return buffer.getvalue()


def _order_number(milestone):
    order = getattr(milestone, "supervision_order", None)
    return order.number if order else "—"


def _listed(lines, style, *, more=0):
    paragraphs = [Paragraph(escape(line), style["body"]) for line in lines] or [Paragraph("无", style["body"])]
    if more > 0:
        paragraphs.append(Paragraph(f"另有{more}项，详见督查督办看板。", style["body"]))
    return paragraphs


def bulletin_pdf_response(request, programme, rows, period):
    return download_response(request, bulletin_pdf(programme, rows, period), content_type=PDF, inline=True,
                             filename=f"bulletin-{programme.year}-{programme.pk}-{period.start:%Y-%m}.pdf")
