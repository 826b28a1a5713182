"""The written mediation agreement (调解协议书) as a PDF to print and sign.

The document is a legal text in Chinese whatever the page language, with the contents art. 29 of
the People's Mediation Law requires: the parties' basic details; the main facts, the points in
dispute and each party's responsibility; the agreed terms with the manner and time of performance.
"""

from functools import cache
from io import BytesIO

from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from audit.exports import PDF, download_response

# WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei (scripts/lib.sh installs it); embedded in the
# PDF, so the document prints the same anywhere.
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WenQuanYiZenHei"
ROLE_NAMES = {"applicant": "申请人", "respondent": "被申请人"}


@cache
def _register_font():
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=0))


def _styles():
    base = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=19, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=1, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=2, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, spaceBefore=8, spaceAfter=2),
        "body": base,
    }


def _lines(text):
    return [escape(line) for line in (text or "").splitlines() if line.strip()] or ["无"]


def agreement_pdf(case):
    """Return the PDF bytes of `case`'s written agreement (parties shown with masked numbers)."""
    _register_font()
    agreement, style = case.agreement, _styles()
    story = [
        Paragraph("人民调解协议书", style["title"]),
        Paragraph(f"{escape(case.organisation.name)}　{escape(case.number)}号", style["number"]),
        Paragraph("一、当事人基本情况", style["heading"]),
    ]
    for party in case.parties.all():
        details = [f"{ROLE_NAMES[party.role]}：{escape(party.name)}"]
        if party.id_number_masked:
            details.append(("统一社会信用代码" if party.kind == party.Kind.ORGANISATION else "身份证号码")
                           + f"：{party.id_number_masked}")
        if party.phone_masked:
            details.append(f"联系电话：{party.phone_masked}")
        if party.address:
            details.append(f"住所：{escape(party.address)}")
        story.append(Paragraph("，".join(details), style["body"]))
    sections = [
        ("二、纠纷的主要事实、争议事项", case.facts + ("\n争议事项：" + case.points_in_dispute if case.points_in_dispute else "")),
        ("三、各方当事人的责任", agreement.responsibilities),
        ("四、经调解，各方当事人自愿达成如下协议", agreement.obligations),
        ("五、履行协议的方式、地点、期限",
         f"{agreement.performance_manner}\n履行期限：{agreement.performance_deadline:%Y年%m月%d日}前履行完毕。"),
    ]
    for heading, text in sections:
        story.append(Paragraph(heading, style["heading"]))
        story.extend(Paragraph(line, style["body"]) for line in _lines(text))
    story += [
        Paragraph("六、其他", style["heading"]),
        Paragraph("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
                  "当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
                  "本协议一式三份，当事人各执一份，人民调解委员会留存一份。", style["body"]),
        Spacer(1, 14 * mm),
        Paragraph("当事人（签名、盖章或按指印）：", style["body"]),
        Spacer(1, 14 * mm),
        Paragraph("人民调解员（签名）：", style["body"]),
        Spacer(1, 10 * mm),
        Paragraph(f"{escape(case.organisation.name)}（印章）　　　　年　　月　　日", style["number"]),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                      bottomMargin=20 * mm, title=f"人民调解协议书 {case.number}").build(story)
    return buffer.getvalue()


def agreement_pdf_response(request, case):
    """Return the HTTP answer carrying `case`'s agreement as a PDF to open in the browser."""
    return download_response(request, agreement_pdf(case), content_type=PDF, filename=f"{case.number}.pdf",
                             inline=True)
