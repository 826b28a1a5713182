"""Statistics against a hand-computed month (November 2026), the monthly Excel report and the PDF."""

from datetime import date
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from govportal.periods import Period
from mediation import services
from govportal.documents import NO_LINE_START, lines_break
from mediation.documents import agreement_pdf
from mediation.models import Agreement, MediationCase
from mediation.reports import monthly_report_xlsx
from mediation.selectors import case_statistics, success_rate_for_area

pytestmark = pytest.mark.dated

S = MediationCase.Status
NOVEMBER = Period.month_of(date(2026, 11, 1))


def counts(rows):
    return {row["key"]: row["count"] for row in rows}


def test_statistics_of_the_district(november, mediation):
    stats = case_statistics(area_code="441901", period=NOVEMBER)
    assert stats["registered"] == 6
    assert counts(stats["by_type"]) == {"neighbours": 4, "labour": 1, "contract": 1}
    assert counts(stats["by_level"]) == {"committee": 5, "street_centre": 1}
    assert counts(stats["by_source"]) == {"walk_in": 4, "police": 1, "court": 1}
    assert {row["label"]: row["count"] for row in stats["by_organisation"]} == {
        "西社区人民调解委员会": 4, "西街道矛盾纠纷调处中心": 1, "东社区人民调解委员会": 1}
    assert counts(stats["by_organisation"])[mediation.west_committee.unit.code] == 4
    assert stats["refused"] == 1
    assert (stats["concluded"], stats["successful"], stats["success_rate"]) == (4, 3, 0.75)
    assert (stats["agreements"], stats["performed"], stats["performance_rate"]) == (3, 1, 0.3333)
    assert stats["average_duration_days"] == 8.5  # (4 + 10 + 6 + 14) / 4


def test_success_rate_is_successful_over_mediated_so_a_refused_case_is_not_in_its_denominator(november):
    refused = november["G"]
    refused.refresh_from_db()
    assert refused.concluded_at is not None  # concluded, yet never mediated
    stats = case_statistics(area_code="441901", period=NOVEMBER)
    assert stats["success_rate"] == 0.75  # 3 agreements / 4 mediations, not 3 / 5 concluded cases
    assert success_rate_for_area(area_code="441901", period=NOVEMBER)["success_rate"] == 0.75


def test_an_archived_case_keeps_its_outcome_in_the_figures(november, mediation):
    services.case_archive(case_id=november["A"].pk, actor=mediation.committee_mediator)
    services.case_archive(case_id=november["C"].pk, actor=mediation.centre_mediator)
    services.case_archive(case_id=november["G"].pk, actor=mediation.committee_mediator)
    stats = case_statistics(area_code="441901", period=NOVEMBER)
    assert (stats["refused"], stats["concluded"], stats["successful"]) == (1, 4, 3)


def test_success_rate_for_area(november):
    november = {"period": Period(date(2026, 11, 1), date(2026, 11, 30))}  # dates, both days included
    figures = {"concluded": 4, "successful": 3, "success_rate": 0.75}
    assert success_rate_for_area(area_code="441901001", **november) == figures
    assert success_rate_for_area(area_code="441900", **november) == figures  # the city: all its districts
    assert success_rate_for_area(area_code="441901002", **november) == {
        "concluded": 0, "successful": 0, "success_rate": None}
    assert success_rate_for_area(area_code="441901001", period=Period(date(2026, 11, 1), date(2026, 11, 2))) != figures


def test_monthly_report_workbook(november, tree):
    with translation.override("en"):
        book = load_workbook(BytesIO(monthly_report_xlsx(area=tree.district, month=NOVEMBER)))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert list(summary.values()) == [6, 1, 4, 3, "75.0%", 3, 1, "33.3%", 8.5]
    by_type = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert by_type == [("Neighbours", 4), ("Contracts", 1), ("Labour", 1)]
    assert book.sheetnames == ["Summary", "By dispute type", "By level", "By organisation", "By source"]


def test_agreement_pdf_holds_the_parties_and_obligations(make_case):
    case = make_case(S.AGREED)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(agreement_pdf(case))).pages)
    text = text.replace("\n", "").replace(" ", "")
    for expected in ("人民调解协议书", case.number, "申请人：张三", "被申请人：李四", "4419**********1234",
                     "楼上漏水损坏楼下天花板", "维修费用由谁承担", "李四负主要责任",
                     "李四赔偿张三维修费人民币3000元", "银行转账", "2026年12月31日前履行完毕"):
        assert expected in text, expected
    assert "441900199001011234" not in text


BODY_SIZE = 11.5  # govportal.documents.document_styles()["body"]


def full_line():
    """Return how many characters fill one body line of the agreement."""
    return len(lines_break("乙" * 100, size=BODY_SIZE)[0])


def test_agreement_lines_never_start_with_closing_punctuation():
    """Chinese line-breaking rules: a full line of characters followed by a comma would put the comma
    at the start of the next line; the last character moves down with it instead."""
    n = full_line()
    lines = lines_break("乙" * n + "，" + "丙" * 80 + "。」" + "丁" * 3, size=BODY_SIZE)
    assert lines[:2] == ["乙" * (n - 1), "乙，" + "丙" * (n - 2)]
    assert all(line[0] not in NO_LINE_START for line in lines[1:])
    assert lines_break("甲" * (n - 1) + "（乙）", size=BODY_SIZE)[0] == "甲" * (n - 1)  # no line ends with （


def test_agreement_pdf_breaks_no_line_before_a_comma(make_case):
    n = full_line()
    case = make_case(S.AGREED)
    Agreement.objects.filter(case=case).update(obligations="乙" * n + "，" + "丙" * 80 + "。")
    case.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(agreement_pdf(case))).pages)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "乙" * (n - 1) in lines and "乙，" + "丙" * (n - 2) in lines
    assert not [line for line in lines if line[0] in NO_LINE_START]
