"""Service projects (三社联动): posted by a community, applied to by its street's social organisations,
approved by the street (the others declined), run by milestones and closed by an evaluation; who
sees and moves what; the API and its OpenAPI operations."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from govportal.crypto import blind_index
from govportal.workflow import TransitionNotAllowed
from participation import identity, services
from participation.api import PROJECT_ACTION_INPUTS
from participation.models import Participant, ProjectApplication, ProjectEvent, ServiceProject
from participation.selectors import project_list, projects_for_organisations
from participation.workflow import (
    ALREADY_APPLIED, MILESTONES_NOT_DONE, NOT_AN_ORGANISATION_HERE, PROJECTS, ParticipationInputError,
)
from tests.factories import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def year_end():
    """Every test on 31 December, so a project's period and its milestones run into the next year."""
    with time_machine.travel(datetime(2026, 12, 31, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield

ORG = Participant.Kind.SOCIAL_ORGANISATION


@pytest.fixture
def project(actors, tree):
    """A project of the west community over the coming two months, budget ¥50,000."""
    today = timezone.localdate()
    return services.project_post(actor=actors.community_staff, community=tree.west_community, title="长者助餐",
                                 need="独居老人午餐配送", budget=Decimal("50000.00"), starts_on=today,
                                 ends_on=today + timedelta(days=60))


@pytest.fixture
def organisations(enter):
    return enter("阳光社工", kind=ORG), enter("暖心服务社", kind=ORG)


def _apply(project, organisation, amount="40000"):
    return services.project_apply(project_id=project.pk, actor=organisation, plan="每日配送", amount=Decimal(amount))


def test_a_project_runs_from_applications_to_its_evaluation(actors, project, organisations):
    sunshine, warmth = organisations
    _apply(project, sunshine)
    _apply(project, warmth, "30000")
    chosen = project.applications.get(organisation=sunshine)
    services.project_approve(project_id=project.pk, actor=actors.street_coordinator, application=chosen)
    services.milestone_plan(project_id=project.pk, actor=actors.community_staff, title="首月配送",
                            planned_on=project.starts_on + timedelta(days=30))
    milestone = project.milestones.get()
    with pytest.raises(TransitionNotAllowed, match=str(MILESTONES_NOT_DONE)):
        services.project_evaluate(project_id=project.pk, actor=actors.community_staff, score=90,
                                  grade=ServiceProject.Grade.EXCELLENT, evaluation="好")
    services.milestone_done(project_id=project.pk, actor=sunshine, milestone=milestone,
                            done_on=timezone.localdate(), note="配送 600 份")
    services.project_evaluate(project_id=project.pk, actor=actors.community_staff, score=92,
                              grade=ServiceProject.Grade.EXCELLENT, evaluation="老人满意")
    project.refresh_from_db()
    assert (project.status, project.score, project.approved_application) == (
        ServiceProject.Status.EVALUATED, 92, chosen)
    assert dict(project.applications.values_list("organisation", "status")) == {
        sunshine.pk: ProjectApplication.Status.APPROVED, warmth.pk: ProjectApplication.Status.DECLINED}
    events = list(ProjectEvent.objects.filter(project=project).values_list(
        "action", "actor", "participant", "system", "to_status"))
    staff, street = actors.community_staff.pk, actors.street_coordinator.pk
    assert events == [
        ("post", staff, None, "", "open"), ("apply", None, sunshine.pk, "", "open"),
        ("apply", None, warmth.pk, "", "open"), ("approve", street, None, "", "running"),
        ("decline", None, None, "project approval", "declined"), ("plan_milestone", staff, None, "", "running"),
        ("milestone_done", None, sunshine.pk, "", "running"), ("evaluate", staff, None, "", "evaluated"),
    ]


def test_applications_are_checked(actors, tree, project, organisations, enter):
    sunshine, _ = organisations
    with pytest.raises(ParticipationInputError) as over:
        _apply(project, sunshine, "50000.01")
    assert over.value.field == "amount"
    _apply(project, sunshine, "50000")
    assert PROJECTS.allowed_actions(project, sunshine) == []
    with pytest.raises(PermissionDenied, match=str(ALREADY_APPLIED)):
        _apply(project, sunshine, "100")  # one application per organisation
    volunteer = enter("李志愿")
    elsewhere = enter("东社工", kind=ORG, community=tree.east_community)
    for refused in (volunteer, elsewhere):
        with pytest.raises(PermissionDenied):
            _apply(project, refused)
    assert project.applications.count() == 1


def test_only_the_street_approves_and_only_the_approved_organisation_records_milestones(
        actors, project, organisations):
    sunshine, warmth = organisations
    _apply(project, sunshine)
    _apply(project, warmth)
    application = project.applications.get(organisation=sunshine)
    for refused in (actors.community_staff, actors.outsider, sunshine):
        with pytest.raises(PermissionDenied):
            services.project_approve(project_id=project.pk, actor=refused, application=application)
    services.project_approve(project_id=project.pk, actor=actors.street_coordinator, application=application)
    with pytest.raises(TransitionNotAllowed):
        services.project_approve(project_id=project.pk, actor=actors.street_coordinator,
                                 application=project.applications.get(organisation=warmth))
    services.milestone_plan(project_id=project.pk, actor=actors.community_staff, title="启动",
                            planned_on=project.starts_on)
    milestone = project.milestones.get()
    for refused in (warmth, actors.outsider, actors.grid_worker):
        with pytest.raises(PermissionDenied):
            services.milestone_done(project_id=project.pk, actor=refused, milestone=milestone,
                                    done_on=timezone.localdate(), note="完成")
    with pytest.raises(ParticipationInputError):
        services.milestone_done(project_id=project.pk, actor=sunshine, milestone=milestone,
                                done_on=timezone.localdate() + timedelta(days=1), note="完成")
    project.refresh_from_db()
    assert PROJECTS.allowed_actions(project, sunshine) == ["milestone_done"]
    assert PROJECTS.allowed_actions(project, warmth) == []
    assert PROJECTS.allowed_actions(project, actors.street_coordinator) == ["plan_milestone", "milestone_done"]


def test_posting_is_checked_and_projects_are_seen_within_scope(actors, tree, project, organisations, enter):
    with pytest.raises(ParticipationInputError) as backwards:
        services.project_post(actor=actors.community_staff, community=tree.west_community, title="x", need="y",
                              budget=Decimal("1"), starts_on=date(2027, 3, 1), ends_on=date(2027, 2, 1))
    assert backwards.value.field == "ends_on"
    with pytest.raises(PermissionDenied):
        services.project_post(actor=actors.outsider, community=tree.west_community, title="x", need="y",
                              budget=Decimal("1"), starts_on=date(2027, 3, 1), ends_on=date(2027, 4, 1))
    assert list(project_list(user=actors.street_coordinator)) == [project]
    assert list(project_list(user=actors.outsider)) == []
    sunshine, _ = organisations
    elsewhere = enter("东社工", kind=ORG, community=tree.east_community)
    assert list(projects_for_organisations(participants=[sunshine])) == [project]
    assert list(projects_for_organisations(participants=[elsewhere])) == []
    with pytest.raises(PermissionDenied, match=str(NOT_AN_ORGANISATION_HERE)):
        _apply(project, enter("李志愿"))


def test_the_api_runs_a_project_and_answers_404_outside_scope(api, actors, tree, project, organisations):
    sunshine, _ = organisations
    _apply(project, sunshine)
    staff, street = api(actors.community_staff), api(actors.street_coordinator)
    posted = staff.post(reverse("api:participation-project-list"), {
        "community": tree.west_community.code, "title": "四点半课堂", "need": "放学后托管", "budget": "-1",
        "starts_on": "2027-03-01", "ends_on": "2027-06-30"}, format="json")
    assert posted.status_code == 400 and "budget" in posted.json()["extra"]["fields"]
    detail = reverse("api:participation-project-detail", args=[project.pk])
    assert api(actors.outsider).get(detail).status_code == 404
    application = staff.get(detail).json()["applications"][0]["id"]
    approve = reverse("api:participation-project-approve", args=[project.pk])
    assert staff.post(approve, {"application": application}, format="json").status_code == 403
    approved = street.post(approve, {"application": application}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "running"
    planned = staff.post(reverse("api:participation-project-plan-milestone", args=[project.pk]),
                         {"title": "启动", "planned_on": str(project.ends_on + timedelta(days=1))}, format="json")
    assert planned.status_code == 400 and "planned_on" in planned.json()["extra"]["fields"]
    evaluated = staff.post(reverse("api:participation-project-evaluate", args=[project.pk]),
                           {"score": 101, "grade": "excellent", "evaluation": "好"}, format="json")
    assert evaluated.status_code == 400 and "score" in evaluated.json()["extra"]["fields"]


def test_each_project_action_has_its_own_operation_with_exactly_its_fields(api, actors):
    schema = api(actors.admin).get("/api/schema/", {"format": "json"}).json()
    for action, input_serializer in PROJECT_ACTION_INPUTS.items():
        path = f"/api/v1/participation/projects/{{project_id}}/{action.replace('_', '-')}/"
        operation = schema["paths"][path]["post"]
        assert operation["operationId"] == f"participation_projects_{action}"
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][body]["properties"]) == set(input_serializer().fields), action
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
    assert set(PROJECT_ACTION_INPUTS) == set(services.PROJECT_ACTION_SERVICES)


def _signed_in_as(client, participant_phone):
    session = client.session
    session[identity.SESSION_KEY] = blind_index(participant_phone)
    session.save()


def test_the_pages_take_a_project_from_posting_to_its_evaluation(client, actors, tree, enter):
    today = timezone.localdate()
    post = {"community": tree.west_community.pk, "title": "四点半课堂", "need": "放学后托管", "budget": "20000",
            "starts_on": str(today), "ends_on": str(today - timedelta(days=1))}
    log_in_verified(client, actors.community_staff)
    refused = client.post(reverse("participation-project-new"), post)
    assert refused.status_code == 400 and not ServiceProject.objects.exists()
    client.post(reverse("participation-project-new"), {**post, "ends_on": str(today + timedelta(days=90))})
    project = ServiceProject.objects.get()
    client.post(reverse("participation-project-act", args=[project.pk, "plan_milestone"]),
                {"plan_milestone-title": "开班", "plan_milestone-planned_on": str(today)})
    enter("阳光社工", kind=ORG, phone="13912345678")
    client.logout()
    page = reverse("participation-organisation-project", args=[project.pk])
    assert client.get(page).status_code == 404  # nobody signed in
    _signed_in_as(client, "13912345678")
    assert "四点半课堂" in client.get(reverse("participation-mine")).content.decode()
    client.post(reverse("participation-organisation-project-act", args=[project.pk, "apply"]),
                {"apply-plan": "每周五天托管", "apply-amount": "18000"})
    application = project.applications.get()
    log_in_verified(client, actors.outsider)
    assert client.get(reverse("participation-project", args=[project.pk])).status_code == 404
    log_in_verified(client, actors.street_coordinator)
    client.post(reverse("participation-project-act", args=[project.pk, "approve"]),
                {"approve-application": application.pk})
    client.logout()
    _signed_in_as(client, "13912345678")
    done = client.post(reverse("participation-organisation-project-act", args=[project.pk, "milestone_done"]),
                       {"milestone_done-milestone": project.milestones.get().pk,
                        "milestone_done-done_on": str(today), "milestone_done-note": "首期开班 30 人"}, follow=True)
    assert "首期开班 30 人" in done.content.decode()
    log_in_verified(client, actors.community_staff)
    client.post(reverse("participation-project-act", args=[project.pk, "evaluate"]),
                {"evaluate-score": "88", "evaluate-grade": "good", "evaluate-evaluation": "家长满意"})
    detail = client.get(reverse("participation-project", args=[project.pk])).content.decode()
    assert "家长满意" in detail and "阳光社工" in detail
    project.refresh_from_db()
    assert (project.status, project.grade) == (ServiceProject.Status.EVALUATED, "good")
