from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from govportal.api import NewestFirstPagination
from govportal.dates import YEAR_OUT_OF_RANGE
from incidents import services as ticket_services
from mediation.models import DisputeType, MediationCase, MediationOrganisation, PartyReveal
from mediation.services import BAD_PHONE
from tests.pages import zh

from ..factories import CaseFactory
from .conftest import APPLICANT, RESPONDENT

pytestmark = pytest.mark.dated

S = MediationCase.Status
Kind = MediationOrganisation.Kind
Source = MediationCase.Source
URL = "/api/v1/mediation/cases/"


NEW = {"source": "walk_in", "dispute_type": "neighbours", "facts": "楼上漏水", "parties": [APPLICANT, RESPONDENT]}


def test_register_answers_201_with_masked_parties_and_allowed_actions(mediation, api):
    response = api(mediation.committee_mediator).post(URL, NEW, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("TJ") and body["status"] == "registered"
    assert body["organisation_name"] == "西社区人民调解委员会" and body["level"] == "committee"
    assert [p["id_number"] for p in body["parties"]] == ["4419**********1234", "4419**********567X"]
    assert body["parties"][0]["phone"] == "138****5678"
    assert "accept" in body["allowed_actions"] and "flag-risk" in body["allowed_actions"]
    assert "441900199001011234" not in response.content.decode()


def test_bad_input_is_400_with_field_messages(mediation, api):
    client = api(mediation.committee_mediator)
    body = client.post(URL, NEW | {"dispute_type": "gossip", "parties": [{"role": "x"}]}, format="json").json()
    assert set(body["extra"]["fields"]) == {"dispute_type", "parties"}
    body = client.post(URL, NEW | {"parties": [APPLICANT | {"phone": "12"}, RESPONDENT]}, format="json").json()
    with translation.override("zh-hans"):  # the default language answers
        assert body["extra"]["fields"] == {"phone": [str(BAD_PHONE)]}


def test_actions_answer_200_409_404(make_case, mediation, api):
    case = make_case()
    client = api(mediation.committee_mediator)
    assert client.post(f"{URL}{case.pk}/accept/").json()["status"] == "accepted"
    assert client.post(f"{URL}{case.pk}/accept/").status_code == 409
    response = client.post(f"{URL}{case.pk}/assign/", {"mediators": [mediation.expert.pk]}, format="json")
    assert response.json()["mediators"] == ["刘法官"]
    response = client.post(f"{URL}{case.pk}/conclude-agreement/", {"kind": "written", "obligations": "赔偿3000元",
                           "performance_manner": "转账", "performance_deadline": "2026-12-31"}, format="json")
    assert response.json()["status"] == "agreed"
    assert response.json()["agreement"]["obligations"] == "赔偿3000元"
    assert client.post(f"{URL}{case.pk}/follow-up/", {"performance": "pending", "visited_on": "2026-01-01"},
                       format="json").status_code == 400
    assert api(mediation.outsider).post(f"{URL}{case.pk}/follow-up/").status_code == 404  # not theirs to see
    assert client.post(f"{URL}{case.pk}/levitate/").status_code == 404
    timeline = client.get(f"{URL}{case.pk}/timeline/").json()
    assert [e["action"] for e in timeline] == ["register", "accept", "assign", "conclude_agreement"]


def test_a_session_held_outside_the_years_is_a_400(make_case, mediation, api):
    case = make_case(MediationCase.Status.MEDIATING)
    session = {"held_at": "0001-01-01T00:00:00", "place": "调解室", "attendees": "张三、李四", "record": "双方陈述"}
    response = api(mediation.committee_mediator).post(f"{URL}{case.pk}/record-session/", session, format="json")
    assert (response.status_code, response.json()["extra"]["fields"]) == (400, {"held_at": [str(YEAR_OUT_OF_RANGE)]})


def test_outsider_cannot_see_a_case(make_case, mediation, actors, api):
    case = make_case()
    outside, missing = (api(mediation.outsider).get(f"{URL}{pk}/") for pk in (case.pk, case.pk + 1000))
    assert outside.status_code == missing.status_code == 404 and outside.json() == missing.json()
    assert api(actors.outsider).get(URL).json()["results"] == []
    assert [c["number"] for c in api(actors.leader).get(URL).json()["results"]] == [case.number]


def test_list_filters_by_state_and_refuses_a_state_it_does_not_know(make_case, mediation, api):
    registered, accepted = make_case(), make_case(S.ACCEPTED)
    client = api(mediation.committee_mediator)
    assert [c["number"] for c in client.get(URL, {"status": "accepted"}).json()["results"]] == [accepted.number]
    assert [c["number"] for c in client.get(URL, {"status": ""}).json()["results"]] == [
        accepted.number, registered.number]
    response = client.get(URL, {"status": "forgotten"})
    assert response.status_code == 400 and list(response.json()["extra"]["fields"]) == ["status"]


def test_list_pages_newest_first_and_loses_nothing_between_pages(mediation, api):
    cases = MediationCase.objects.bulk_create(
        CaseFactory.build_batch(NewestFirstPagination.page_size + 5, organisation=mediation.west_committee))
    client = api(mediation.committee_mediator)
    first = client.get(URL).json()
    assert len(first["results"]) == NewestFirstPagination.page_size and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert [c["id"] for c in first["results"] + second["results"]] == sorted((c.pk for c in cases), reverse=True)


def test_agreement_pdf(make_case, mediation, api):
    client = api(mediation.committee_mediator)
    assert client.get(f"{URL}{make_case().pk}/agreement.pdf").status_code == 404
    case = make_case(S.AGREED)
    response = client.get(f"{URL}{case.pk}/agreement.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "张三" in text and "李四" in text


def test_reveal_is_logged(make_case, mediation, actors, api):
    party = make_case().parties.get(role="applicant")
    url = f"/api/v1/mediation/parties/{party.pk}/reveal/"
    assert api(mediation.committee_mediator).post(url, {"field": "id_number"}).json() == {"value": "441900199001011234"}
    assert api(actors.leader).post(url, {"field": "id_number"}).status_code == 403
    assert api(mediation.committee_mediator).post(url, {"field": "salary"}).status_code == 400
    assert PartyReveal.objects.get().actor == mediation.committee_mediator


def test_reveal_reads_the_party_once_and_answers_404_without_one(make_case, mediation, api):
    party = make_case().parties.get(role="applicant")
    client = api(mediation.committee_mediator)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/mediation/parties/{party.pk}/reveal/", {"field": "phone"})
    assert response.json() == {"value": "13812345678"}
    assert sum('FROM "mediation_party"' in query["sql"] for query in queries) == 1
    assert client.post("/api/v1/mediation/parties/0/reveal/", {"field": "phone"}).status_code == 404
    assert PartyReveal.objects.count() == 1


def test_referral_by_api(report, actors, mediation, api):
    ticket = ticket_services.ticket_accept(ticket_id=report("0804").pk, actor=actors.community_staff)
    response = api(actors.community_staff).post("/api/v1/mediation/referrals/", {"ticket": ticket.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["dispute_type"] == "marriage_family" and response.json()["ticket"] == ticket.pk
    again = api(actors.community_staff).post("/api/v1/mediation/referrals/", {"ticket": ticket.pk}, format="json")
    assert again.status_code == 409
    assert api(actors.community_staff).post("/api/v1/mediation/referrals/", {"ticket": 0}).status_code == 404


def test_mediators_with_their_load(make_case, mediation, api):
    make_case(S.MEDIATING)
    body = api(mediation.committee_mediator).get("/api/v1/mediation/mediators/").json()
    assert {(m["name"], m["load"], m["is_expert"]) for m in body} == {("陈调解", 1, False), ("刘法官", 0, True)}


def test_statistics_and_report_within_scope(make_case, mediation, actors, api):
    make_case(S.AGREED)
    today = timezone.localdate()
    around_today = {"start": today - timedelta(days=1), "end": today + timedelta(days=1)}  # at most 366 days
    client = api(actors.leader)
    body = client.get("/api/v1/mediation/statistics/", around_today).json()
    assert (body["area"], body["concluded"], body["success_rate"]) == ("441901001", 1, 1.0)
    outside, unknown = (client.get("/api/v1/mediation/statistics/", around_today | {"area": code})
                        for code in ("441901002", "441901999"))
    assert outside.status_code == unknown.status_code == 404 and outside.json() == unknown.json()
    assert client.get("/api/v1/mediation/statistics/", {"start": "2001-01-01", "end": "2000-01-01"}).status_code == 400
    assert api(actors.grid_worker).get("/api/v1/mediation/statistics/", around_today).status_code == 403
    assert client.get("/api/v1/mediation/reports/monthly/", {"month": "November"}).status_code == 400


def test_monthly_report_holds_the_figures_of_the_leaders_street(november, actors, api):
    response = api(actors.leader).get("/api/v1/mediation/reports/monthly/", {"month": "2026-11"})
    assert response["Content-Disposition"] == 'attachment; filename="mediation-441901001-2026-11.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [zh("Summary"), zh("By dispute type"), zh("By level"), zh("By organisation"),
                               zh("By source")]
    summary, by_type, by_level, by_organisation, by_source = (
        list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    # The west street's November (conftest.november, without the east committee's D): registered
    # A B C F G; G refused; mediations concluded A B C E, of which A B E agreed; of those agreements
    # only A performed; durations 4, 10, 6 and 14 days.
    assert summary == [
        (zh("People's mediation monthly report"), "西街道 2026-11"),
        (zh("Cases registered"), 5),
        (zh("Cases not accepted"), 1),
        (zh("Mediations concluded"), 4),
        (zh("Successful (agreement reached)"), 3),
        (zh("Success rate"), "75.0%"),
        (zh("Agreements reached"), 3),
        (zh("Agreements fully performed"), 1),
        (zh("Performance rate"), "33.3%"),
        (zh("Average duration (days)"), 8.5),
    ]
    cases = zh("Cases")
    assert by_type == [(zh("By dispute type"), cases), (zh(DisputeType.NEIGHBOURS), 4), (zh(DisputeType.LABOUR), 1)]
    assert by_level == [(zh("By level"), cases), (zh(Kind.COMMITTEE), 4), (zh(Kind.STREET_CENTRE), 1)]
    assert by_organisation == [(zh("By organisation"), cases), ("西社区人民调解委员会", 4), ("西街道矛盾纠纷调处中心", 1)]
    assert by_source == [(zh("By source"), cases), (zh(Source.WALK_IN), 3), (zh(Source.COURT), 1),
                         (zh(Source.POLICE), 1)]
