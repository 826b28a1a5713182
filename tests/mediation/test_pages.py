import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from incidents import services as ticket_services
from mediation.models import Agreement, DisputeType, MediationCase, MediationOrganisation, Mediator, Party, PartyReveal
from mediation import services
from mediation.services import BAD_ID_NUMBER
from tests.factories import log_in_verified
from tests.pages import page, zh

from .conftest import at

pytestmark = pytest.mark.dated

S = MediationCase.Status
Kind = MediationOrganisation.Kind
Role = Party.Role
Source = MediationCase.Source


def test_case_list_shows_each_case_with_its_type_state_and_organisation(client, make_case, mediation):
    registered, mediating = make_case(), make_case(S.MEDIATING, dispute_type="labour")
    client.force_login(mediation.committee_mediator)
    rows = {row.attrs["data-case"]: row for row in page(client.get("/mediation/")).select("table.cases tbody tr")}
    assert {number: [cell.text for cell in row.select("td")][:4] for number, row in rows.items()} == {
        registered.number: [registered.number, zh(DisputeType.NEIGHBOURS), zh(S.REGISTERED), "西社区人民调解委员会"],
        mediating.number: [mediating.number, zh(DisputeType.LABOUR), zh(S.MEDIATING), "西社区人民调解委员会"],
    }
    assert rows[mediating.number].one("a").attrs["href"] == f"/mediation/{mediating.pk}/"
    assert page(client.get("/mediation/")).select("table.cases thead th")[0].text == "案件编号"  # a case, not a work order
    only_mediating = page(client.get("/mediation/", {"status": "mediating"}))
    assert [row.attrs["data-case"] for row in only_mediating.select("table.cases tbody tr")] == [mediating.number]


def test_case_page_shows_the_parties_masked_the_mediators_actions_and_the_timeline(client, make_case, mediation):
    with at(11, 2):
        case = make_case(S.MEDIATING)
    client.force_login(mediation.committee_mediator)
    response = client.get(f"/mediation/{case.pk}/")
    assert "441900199001011234" not in response.content.decode() and "13812345678" not in response.content.decode()
    shown = page(response)
    assert shown.one("h1").text.startswith(case.number)
    assert shown.one("#case-status").text == zh(S.MEDIATING)
    assert shown.one("#case-mediators").text == "陈调解"
    show = zh("Show")  # the reveal button beside each masked number, for the case's mediators
    assert shown.rows("table.parties tbody tr") == [
        [zh(Role.APPLICANT), "张三", f"4419**********1234 {show}", f"138****5678 {show}", "西社区1号"],
        [zh(Role.RESPONDENT), "李四", f"4419**********567X {show}", "—", "—"],
    ]
    assert [form.attrs["data-action"] for form in shown.select("form[data-action]")] == [
        "add_party", "assign", "record_session", "extend", "escalate", "flag_risk", "conclude_agreement", "fail"]
    timeline = shown.select("#case-timeline li")
    assert [(row.one("time").text, row.one("strong").text) for row in timeline] == [
        ("2026-11-02 10:00", zh("Register")), ("2026-11-02 10:00", zh("Accept")),
        ("2026-11-02 10:00", zh("Assign mediators"))]
    assert all("陈调解 · 西社区人民调解委员会" in row.text for row in timeline)  # who, for which organisation
    assert timeline[2].one(".hint").text == "陈调解"  # the mediator assigned


def test_an_assigned_expert_is_offered_the_case_work_but_not_the_organisations_steps(client, make_case, mediation):
    case = make_case(S.ACCEPTED)
    expert = Mediator.objects.get(user=mediation.district_mediator)  # of the district centre, in the pool
    expert.is_expert = True
    expert.save()
    services.case_assign(case_id=case.pk, actor=mediation.committee_mediator, mediators=[expert])
    client.force_login(mediation.district_mediator)
    shown = page(client.get(f"/mediation/{case.pk}/"))
    assert [form.attrs["data-action"] for form in shown.select("form[data-action]")] == [
        "record_session", "flag_risk", "conclude_agreement", "fail"]


def test_a_leader_reads_a_case_of_the_street_but_may_neither_act_nor_reveal(client, make_case, mediation, actors):
    case = make_case(S.MEDIATING)
    client.force_login(actors.leader)
    shown = page(client.get(f"/mediation/{case.pk}/"))
    assert shown.rows("table.parties tbody tr") == [
        [zh(Role.APPLICANT), "张三", "4419**********1234", "138****5678", "西社区1号"],
        [zh(Role.RESPONDENT), "李四", "4419**********567X", "—", "—"],
    ]
    assert shown.select("form[data-action]") == [] and shown.select("table.parties form") == []


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
        listing = page(client.get("/mediation/"))
    assert [row[3] for row in listing.rows("table.cases tbody tr")] == ["西社区人民调解委员会"] * 3
    assert len(three_cases) == len(one_case)


def test_outsider_gets_404(client, make_case, mediation):
    case = make_case()
    client.force_login(mediation.outsider)
    assert client.get(f"/mediation/{case.pk}/").status_code == 404
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
    log_in_verified(client, actors.admin)
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


def test_statistics_page_shows_the_streets_month(client, november, actors):
    client.force_login(actors.leader)
    shown = page(client.get("/mediation/statistics/", {"month": "2026-11"}))
    # The west street's November (conftest.november, without the east committee's D): registered
    # A B C F G; G refused; mediations concluded A B C E, of which A B E agreed; of those agreements
    # only A performed; durations 4, 10, 6 and 14 days.
    assert {figure.one("dt").text: figure.one("dd").text for figure in shown.select("dl.figures div")} == {
        zh("Cases registered"): "5", zh("Cases not accepted"): "1", zh("Mediations concluded"): "4",
        zh("Success rate"): "75%",
        zh("Performance rate"): "33%", zh("Average duration (days)"): "8.5",
    }
    by_type, by_level, by_organisation, by_source = (table.rows() for table in shown.select("table"))
    assert by_type == [[zh(DisputeType.NEIGHBOURS), "4"], [zh(DisputeType.LABOUR), "1"]]
    assert by_level == [[zh(Kind.COMMITTEE), "4"], [zh(Kind.STREET_CENTRE), "1"]]
    assert by_organisation == [["西社区人民调解委员会", "4"], ["西街道矛盾纠纷调处中心", "1"]]
    assert by_source == [[zh(Source.WALK_IN), "3"], [zh(Source.COURT), "1"], [zh(Source.POLICE), "1"]]
    assert shown.one("a.button").attrs["href"] == "/mediation/statistics/monthly.xlsx?month=2026-11"


def test_statistics_downloads_and_who_may_read_them(client, make_case, actors):
    case = make_case(S.AGREED)
    client.force_login(actors.leader)
    assert client.get("/mediation/statistics/monthly.xlsx?month=2026-11")["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert client.get(f"/mediation/{case.pk}/agreement.pdf")["Content-Type"] == "application/pdf"
    client.force_login(actors.grid_worker)
    assert client.get("/mediation/statistics/").status_code == 403


def test_demo_data_is_created_once(db):
    call_command("seed_demo", grids=20, history_days=0)
    call_command("seed_demo", grids=20, history_days=0)
    mediator = User.objects.get(username="demo_mediator")
    centre = mediator.unit.mediation_organisation
    assert centre.kind == MediationOrganisation.Kind.STREET_CENTRE
    kinds = set(MediationOrganisation.objects.values_list("kind", flat=True))
    assert kinds == set(MediationOrganisation.Kind.values)
    statuses = set(MediationCase.objects.values_list("status", flat=True))
    assert statuses == {S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.AGREED, S.ARCHIVED}
    archived = MediationCase.objects.get(status=S.ARCHIVED)  # the failed case, archived at once
    assert (archived.guidance, archived.archive_contents) == (MediationCase.Guidance.LITIGATION, {"registration": 1})
    assert archived.archive_number.startswith("GD")
    assert MediationCase.objects.filter(source=Source.COURT_ENTRUSTED, due_at__isnull=False).exists()
    refused = Agreement.objects.get(confirmation=Agreement.Confirmation.REFUSED)
    assert refused.confirmation_route == Agreement.Route.MEDIATION
    assert {organisation.members.count() for organisation in MediationOrganisation.objects.filter(
        kind__in=(Kind.COMMITTEE, Kind.INDUSTRY))} == {5}
    flagged = MediationCase.objects.get(high_risk=True)
    assert flagged.organisation == centre
