"""The monthly mediation report (调解工作月报) as an Excel workbook."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from audit.exports import XLSX, download_response

from .selectors import case_statistics


def _percent(rate):
    return "" if rate is None else f"{rate * 100:.1f}%"


def monthly_report_xlsx(*, area, month):
    """Return the .xlsx bytes of the figures of `month` (a Period, Period.month_of) for the organisations in `area`."""
    stats = case_statistics(area_code=area.code, period=month)
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")
    summary.append([_("People's mediation monthly report"), f"{area.name} {month.start:%Y-%m}"])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in (
        (_("Cases registered"), stats["registered"]),
        (_("Cases not accepted"), stats["refused"]),
        (_("Mediations concluded"), stats["concluded"]),
        (_("Successful (agreement reached)"), stats["successful"]),
        (_("Success rate"), _percent(stats["success_rate"])),
        (_("Agreements reached"), stats["agreements"]),
        (_("Agreements fully performed"), stats["performed"]),
        (_("Performance rate"), _percent(stats["performance_rate"])),
        (_("Average duration (days)"), stats["average_duration_days"] if stats["average_duration_days"] is not None
         else ""),
    ):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 34
    for key, title in (("by_type", _("By dispute type")), ("by_level", _("By level")),
                       ("by_organisation", _("By organisation")), ("by_source", _("By source"))):
        sheet = book.create_sheet(title)
        sheet.append([title, _("Cases")])
        sheet["A1"].font = sheet["B1"].font = Font(bold=True)
        for row in stats[key]:
            sheet.append([str(row["label"]), row["count"]])
        sheet.column_dimensions["A"].width = 40
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def monthly_report_response(request, area, month):
    """Return the HTTP answer carrying the monthly report of `area` for the Period `month` as an Excel download."""
    return download_response(request, monthly_report_xlsx(area=area, month=month), content_type=XLSX,
                             filename=f"mediation-{area.code}-{month.start:%Y-%m}.xlsx")
