"""Every file handed out (Excel, PDF) is recorded: who, which file, from where, what was asked."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from mediation.models import MediationCase
from tests.mediation.conftest import make_case, mediation  # noqa: F401  (fixtures)

pytestmark = pytest.mark.dated  # "this month" of the dashboards

EXPORT = AuditEvent.Action.EXPORT


def exported(recorded):
    return [(event.actor, event.target, event.client_ip, event.details["path"]) for event in recorded(EXPORT)]


def test_dashboard_tables_and_the_assessment_report_are_recorded(tree, actors, client, recorded, catalogue):
    client.force_login(actors.leader)
    table = reverse("dashboard-export", args=[tree.west_street.code, "children"])
    response = client.get(table, {"start": "2026-11-01", "end": "2026-11-30"}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    report = reverse("assessment-report", args=[tree.west_street.code])
    assert client.get(report, {"month": "2026-11"}).status_code == 200
    assert exported(recorded) == [
        (actors.leader, f"{tree.west_street.code}-children-2026-11-01-2026-11-30.xlsx", "10.9.8.7", table),
        (actors.leader, f"assessment-{tree.west_street.code}-2026-11.xlsx", "127.0.0.1", report),
    ]
    assert recorded(EXPORT)[1].details["query"] == {"month": "2026-11"}


def test_a_refused_export_is_no_export(tree, actors, client, recorded):
    client.force_login(actors.leader)
    assert client.get(reverse("dashboard-export", args=[tree.east_street.code, "children"])).status_code == 404  # outside the scope: as if it did not exist
    assert recorded(EXPORT) == []


def test_mediation_reports_and_agreements_are_recorded_on_pages_and_in_the_api(
        make_case, mediation, actors, client, api, recorded):  # noqa: F811
    case = make_case(MediationCase.Status.AGREED)
    client.force_login(actors.leader)
    client.get("/mediation/statistics/monthly.xlsx", {"month": "2026-11"})
    client.get(f"/mediation/{case.pk}/agreement.pdf")
    api(actors.leader).get("/api/v1/mediation/reports/monthly/", {"month": "2026-11"})
    api(mediation.committee_mediator).get(f"/api/v1/mediation/cases/{case.pk}/agreement.pdf")
    area = actors.leader.unit.area.code
    assert [(actor, target, path) for actor, target, _, path in exported(recorded)] == [
        (actors.leader, f"mediation-{area}-2026-11.xlsx", "/mediation/statistics/monthly.xlsx"),
        (actors.leader, f"{case.number}.pdf", f"/mediation/{case.pk}/agreement.pdf"),
        (actors.leader, f"mediation-{area}-2026-11.xlsx", "/api/v1/mediation/reports/monthly/"),
        (mediation.committee_mediator, f"{case.number}.pdf", f"/api/v1/mediation/cases/{case.pk}/agreement.pdf"),
    ]
