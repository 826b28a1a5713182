import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from incidents import services as ticket_services
from mediation.models import MediationCase, MediationOrganisation, PartyReveal
from mediation import services
from mediation.services import BAD_ID_NUMBER

pytestmark = pytest.mark.dated

S = MediationCase.Status


def test_case_list_and_page_for_the_mediator(client, make_case, mediation):
    case = make_case(S.MEDIATING)
    client.force_login(mediation.committee_mediator)
    page = client.get("/mediation/").content.decode()
    assert case.number in page
    page = client.get(f"/mediation/{case.pk}/").content.decode()
    assert "4419**********1234" in page and "441900199001011234" not in page
    assert 'data-action="record_session"' in page and 'data-action="accept"' not in page


def test_case_list_filters_by_state_and_leaves_out_a_state_it_does_not_know(client, make_case, mediation):
    registered, mediating = make_case(), make_case(S.MEDIATING)
    client.force_login(mediation.committee_mediator)

    def listed(query):
        return {case.number for case in client.get("/mediation/", query).context["cases"]}

    assert listed({"status": "mediating"}) == {mediating.number}
    assert listed({"status": "forgotten"}) == {registered.number, mediating.number}


def test_case_list_reads_each_case_with_its_organisation(client, make_case, mediation):
    make_case()
    client.force_login(mediation.committee_mediator)
    with CaptureQueriesContext(connection) as one_case:
        client.get("/mediation/")
    make_case(), make_case()
    with CaptureQueriesContext(connection) as three_cases:
        page = client.get("/mediation/").content.decode()
    assert page.count("西社区人民调解委员会") >= 3
    assert len(three_cases) == len(one_case)


def test_outsider_gets_403(client, make_case, mediation):
    case = make_case()
    client.force_login(mediation.outsider)
    assert client.get(f"/mediation/{case.pk}/").status_code == 403
    assert case.number not in client.get("/mediation/").content.decode()


def test_register_form_and_errors(client, mediation):
    client.force_login(mediation.committee_mediator)
    form = {"source": "walk_in", "dispute_type": "neighbours", "facts": "楼上漏水",
            "applicant-role": "applicant", "applicant-kind": "person", "applicant-name": "张三",
            "applicant-id_number": "123", "respondent-role": "respondent", "respondent-kind": "person",
            "respondent-name": "李四"}
    response = client.post("/mediation/new/", form)
    assert response.status_code == 200 and not MediationCase.objects.exists()
    with translation.override("zh-hans"):
        assert str(BAD_ID_NUMBER) in response.content.decode()
    response = client.post("/mediation/new/", form | {"applicant-id_number": "441900199001011234"})
    case = MediationCase.objects.get()
    assert response.url == f"/mediation/{case.pk}/"


def test_actions_from_the_page_report_errors(client, make_case, mediation):
    case = make_case()
    client.force_login(mediation.committee_mediator)
    response = client.post(f"/mediation/{case.pk}/act/refuse/", {"refuse-reason_code": "later"}, follow=True)
    assert MediationCase.objects.get(pk=case.pk).status == S.REGISTERED
    assert response.context["messages"]
    client.post(f"/mediation/{case.pk}/act/accept/")
    client.post(f"/mediation/{case.pk}/act/flag_risk/", {"flag_risk-note": "扬言报复"})
    case.refresh_from_db()
    assert (case.status, case.organisation, case.high_risk) == (S.ACCEPTED, mediation.west_centre, True)


def test_reveal_page_logs_and_shows(client, make_case, mediation):
    party = make_case().parties.get(role="applicant")
    client.force_login(mediation.committee_mediator)
    page = client.post(f"/mediation/parties/{party.pk}/reveal/", {"field": "phone"}).content.decode()
    assert "13812345678" in page
    assert PartyReveal.objects.filter(field="phone").count() == 1


def test_reveals_are_read_only_in_the_admin(client, make_case, mediation, actors):
    party = make_case().parties.get(role="applicant")
    services.party_reveal(party_id=party.pk, actor=mediation.committee_mediator, field="phone")
    reveal = PartyReveal.objects.get()
    client.force_login(actors.admin)
    assert client.get("/admin/mediation/partyreveal/").status_code == 200
    assert client.get(f"/admin/mediation/partyreveal/{reveal.pk}/change/").status_code == 200
    assert client.get("/admin/mediation/partyreveal/add/").status_code == 403
    assert client.post(f"/admin/mediation/partyreveal/{reveal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/mediation/mediationcase/{party.case_id}/change/").status_code == 200
    assert PartyReveal.objects.count() == 1


def test_one_click_referral_page(client, report, actors, mediation):
    ticket = ticket_services.ticket_accept(ticket_id=report("0801").pk, actor=actors.community_staff)
    client.force_login(actors.community_staff)
    assert ticket.number in client.get("/mediation/referrals/").content.decode()
    client.post(f"/mediation/referrals/{ticket.pk}/")
    assert MediationCase.objects.get().ticket == ticket
    assert ticket.number not in client.get("/mediation/referrals/").content.decode()


def test_statistics_page_pdf_and_excel(client, make_case, mediation, actors):
    case = make_case(S.AGREED)
    client.force_login(actors.leader)
    assert client.get("/mediation/statistics/").status_code == 200
    assert client.get("/mediation/statistics/monthly.xlsx?month=2026-11")["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert client.get(f"/mediation/{case.pk}/agreement.pdf")["Content-Type"] == "application/pdf"
    client.force_login(actors.grid_worker)
    assert client.get("/mediation/statistics/").status_code == 403


def test_demo_data_is_created_once(db):
    call_command("seed_demo", grids=20)
    call_command("seed_demo", grids=20)
    mediator = User.objects.get(username="demo_mediator")
    centre = mediator.unit.mediation_organisation
    assert centre.kind == MediationOrganisation.Kind.STREET_CENTRE
    kinds = set(MediationOrganisation.objects.values_list("kind", flat=True))
    assert kinds == set(MediationOrganisation.Kind.values)
    statuses = set(MediationCase.objects.values_list("status", flat=True))
    assert statuses == {S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.AGREED, S.FAILED}
    flagged = MediationCase.objects.get(high_risk=True)
    assert flagged.organisation == centre
