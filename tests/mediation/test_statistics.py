"""Statistics against a hand-computed month (November 2026), the monthly Excel report and the PDF."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from govportal.periods import Period
from mediation import services
from mediation.documents import agreement_pdf
from mediation.models import MediationCase
from mediation.reports import monthly_report_xlsx
from mediation.selectors import case_statistics, success_rate_for_area

pytestmark = pytest.mark.dated

S = MediationCase.Status
CST = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period.month_of(date(2026, 11, 1))


def at(month, day):
    return time_machine.travel(datetime(2026, month, day, 10, 0, tzinfo=CST), tick=False)


@pytest.fixture
def november(make_case, mediation, actors):
    """Six cases; the comments give what each contributes to November in the district.

    registered in November: A B C D F        concluded in November: A (4 d) B (10 d) C (6 d) E (14 d)
    agreements: A (performed) B (not performed) E (no visit)          C failed, D open, F concluded in December
    """
    mediator = mediation.committee_mediator

    def agree(case, obligations="赔偿。"):
        services.case_conclude_agreement(case_id=case.pk, actor=case_actor[case.pk], kind="written",
                                         obligations=obligations, performance_manner="转账。",
                                         performance_deadline=date(2026, 12, 31))

    case_actor = {}

    def start(month, day, **fields):
        with at(month, day):
            case = make_case(S.MEDIATING, **fields)
        case_actor[case.pk] = fields.get("actor", mediator)
        return case

    e = start(10, 19, source="walk_in")
    a = start(11, 2, source="walk_in")
    b = start(11, 3, source="police", dispute_type="labour")
    c = start(11, 4, source="court", actor=mediation.centre_mediator)
    d = start(11, 5, source="walk_in", dispute_type="contract", actor=actors.admin,
              organisation=mediation.east_committee)
    f = start(11, 20, source="walk_in")
    with at(11, 2):
        agree(e)
    with at(11, 6):
        agree(a)
    with at(11, 10):
        services.case_fail(case_id=c.pk, actor=mediation.centre_mediator, guidance="litigation", reason="分歧过大")
    with at(11, 13):
        agree(b)
    with at(11, 20):
        services.case_follow_up(case_id=a.pk, actor=mediator, visited_on=date(2026, 11, 20), performance="performed")
        services.case_follow_up(case_id=b.pk, actor=mediator, visited_on=date(2026, 11, 20),
                                performance="not_performed")
    with at(12, 2):
        agree(f)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def counts(rows):
    return {row["key"]: row["count"] for row in rows}


def test_statistics_of_the_district(november, mediation):
    stats = case_statistics(area_code="441901", period=NOVEMBER)
    assert stats["registered"] == 5
    assert counts(stats["by_type"]) == {"neighbours": 3, "labour": 1, "contract": 1}
    assert counts(stats["by_level"]) == {"committee": 4, "street_centre": 1}
    assert counts(stats["by_source"]) == {"walk_in": 3, "police": 1, "court": 1}
    assert {row["label"]: row["count"] for row in stats["by_organisation"]} == {
        "西社区人民调解委员会": 3, "西街道矛盾纠纷调处中心": 1, "东社区人民调解委员会": 1}
    assert counts(stats["by_organisation"])[mediation.west_committee.unit.code] == 3
    assert (stats["concluded"], stats["successful"], stats["success_rate"]) == (4, 3, 0.75)
    assert (stats["agreements"], stats["performed"], stats["performance_rate"]) == (3, 1, 0.3333)
    assert stats["average_duration_days"] == 8.5  # (4 + 10 + 6 + 14) / 4


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
    assert list(summary.values()) == [5, 4, 3, "75.0%", 3, 1, "33.3%", 8.5]
    by_type = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert by_type == [("Neighbours", 3), ("Contracts", 1), ("Labour", 1)]
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
