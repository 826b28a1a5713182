"""The written mediation agreement (调解协议书) as a PDF to print and sign.

The document is a legal text in Chinese whatever the page language, with the contents art. 29 of
the People's Mediation Law requires: the parties' basic details; the main facts, the points in
dispute and each party's responsibility; the agreed terms with the manner and time of performance.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from audit.exports import PDF, download_response
from govportal.documents import MARGIN, broken_paragraph, document_styles

ROLE_NAMES = {"applicant": "申请人", "respondent": "被申请人"}
COPY_NAMES = {"parties": "当事人存执", "court": "人民法院存执"}


def _lines(text):
    return [line for line in (text or "").splitlines() if line.strip()] or ["无"]


def agreement_pdf(case, *, copy="", identities=None):
    """Return the PDF bytes of `case`'s written agreement.

    `copy` names the parties' or the court's copy, which carries the parties' full ID numbers
    `identities` ({party id: number}, revealed and logged by services.agreement_copy_identities);
    any other copy shows masked numbers.
    """
    agreement, style, identities = case.agreement, document_styles(), identities or {}
    story = [
        Paragraph("人民调解协议书", style["title"]),
        Paragraph(f"{escape(case.organisation.name)}　{escape(case.number)}号"
                  + (f"（{COPY_NAMES[copy]}）" if copy else ""), style["number"]),
        Paragraph("一、当事人基本情况", style["heading"]),
    ]
    for party in case.parties.all():
        details = [f"{ROLE_NAMES[party.role]}：{party.name}"]
        id_number = identities.get(party.pk, party.id_number_masked)
        if id_number:
            details.append(("统一社会信用代码" if party.kind == party.Kind.ORGANISATION else "身份证号码")
                           + f"：{id_number}")
        if party.phone_masked:
            details.append(f"联系电话：{party.phone_masked}")
        if party.address:
            details.append(f"住所：{party.address}")
        story.append(broken_paragraph("，".join(details), style["body"]))
    sections = [
        ("二、纠纷的主要事实、争议事项", case.facts + ("\n争议事项：" + case.points_in_dispute if case.points_in_dispute else "")),
        ("三、各方当事人的责任", agreement.responsibilities),
        ("四、经调解，各方当事人自愿达成如下协议", agreement.obligations),
        ("五、履行协议的方式、地点、期限",
         f"{agreement.performance_manner}\n履行期限：{agreement.performance_deadline:%Y年%m月%d日}前履行完毕。"),
    ]
    for heading, text in sections:
        story.append(Paragraph(heading, style["heading"]))
        story.extend(broken_paragraph(line, style["body"]) for line in _lines(text))
    story += [
        Paragraph("六、其他", style["heading"]),
        broken_paragraph("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
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
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=25 * mm,
                      bottomMargin=20 * mm, title=f"人民调解协议书 {case.number}").build(story)
    return buffer.getvalue()


def agreement_pdf_response(request, case, *, copy="", identities=None):
    """Return the HTTP answer carrying `case`'s agreement (the `copy` named, if any) as a PDF to open in the browser."""
    filename = f"{case.number}-{copy}.pdf" if copy else f"{case.number}.pdf"
    return download_response(request, agreement_pdf(case, copy=copy, identities=identities), content_type=PDF,
                             filename=filename, inline=True)
