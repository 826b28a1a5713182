"""The written supervision notice (督办单) sent to a unit that let a hotline order's deadline pass.

A one-page legal text in Chinese whatever the page language, drawn from the OverdueNotice row, so
it prints the same whenever it is asked for.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from audit.exports import PDF, download_response
from govportal.documents import MARGIN, document_styles

ISSUER = "12345政务服务便民热线"


def _local(moment):
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}"


def supervision_notice_pdf(notice):
    """Return the PDF bytes of the supervision notice `notice` (an OverdueNotice of kind NOTICE)."""
    ticket = notice.ticket
    style = document_styles()
    body, title, right = style["body"], style["title"], style["number"]
    reminder = ticket.overdue_notices.filter(kind=notice.Kind.REMINDER).first()
    rows = [
        ("承办单位", notice.unit.name),
        ("工单编号", ticket.number),
        ("诉求类别", f"{ticket.category.code} {ticket.category.name}"),
        ("受理时间", _local(ticket.created_at)),
        ("超期时间", _local(notice.overdue_since)),
        ("催办时间", _local(reminder.created_at) if reminder else "—"),
        ("诉求内容", ticket.description),
    ]
    table = Table([[Paragraph(label, body), Paragraph(escape(value), body)] for label, value in rows],
                  colWidths=[28 * mm, 132 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#333333"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        Paragraph("督 办 单", title),
        Paragraph(f"督办〔{timezone.localtime(notice.created_at):%Y}〕{escape(ticket.number)}号", right),
        Paragraph(f"{escape(notice.unit.name)}：", body),
        Paragraph("下列工单已超过办理时限，经催办后仍未办结。请接此督办单后立即办理，"
                  "并将办理结果及逾期原因书面报送本热线。督办情况纳入承办单位考核。", body),
        Spacer(1, 6 * mm), table, Spacer(1, 14 * mm),
        Paragraph(f"{ISSUER}（印章）", right),
        Paragraph(f"{timezone.localtime(notice.created_at):%Y年%m月%d日}", right),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=25 * mm,
                      bottomMargin=20 * mm, title=f"督办单 {ticket.number}").build(story)
    return buffer.getvalue()


def supervision_notice_response(request, notice):
    """Return the HTTP answer carrying the supervision notice as a PDF to open in the browser."""
    return download_response(request, supervision_notice_pdf(notice), content_type=PDF,
                             filename=f"supervision-notice-{notice.ticket.number}.pdf", inline=True)
