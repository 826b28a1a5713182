"""The leadership of an area registers a special-group person on a page and pairs helpers who work
there; nobody else may, and a grid, a level or a helper from elsewhere is refused with a clear error."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from carelist.models import CareEvent, CareHelper, CarePerson
from carelist.services import care_person_register
from govportal.errors import DomainInputError

from .conftest import ID_NUMBER, level

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def anchored():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def form(tree, care, **overrides):
    return {"name": "王秀兰", "id_number": ID_NUMBER, "phone": "13800138031", "address": "西社区2号楼301",
            "grid": tree.grids[0].pk, "levels": [level("lonely_elderly", 2).pk], "helpers": [care.helper.pk],
            **overrides}


def test_the_community_leader_registers_a_person_with_a_helper(client, care, tree, actors):
    client.force_login(care.community_leader)
    page = client.get("/carelist/persons/new/")
    assert page.status_code == 200
    assert set(page.context["form"].fields["grid"].queryset) == {tree.grids[0], tree.grids[1]}  # the west community's
    assert care.helper in page.context["form"].fields["helpers"].queryset
    assert care.other_leader not in page.context["form"].fields["helpers"].queryset
    answer = client.post("/carelist/persons/new/", form(tree, care))
    person = CarePerson.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/carelist/persons/{person.pk}/"
    assert person.id_number_masked != ID_NUMBER and person.next_visit_due == TODAY + timedelta(days=15)  # level 2
    assert list(person.helper_links.values_list("user", "kind")) == [(care.helper.pk, CareHelper.Kind.GRID_WORKER)]
    assert CareEvent.objects.get(person=person, action="register").actor == care.community_leader


def test_bad_input_stays_on_the_page_with_its_error(client, care, tree):
    client.force_login(care.community_leader)
    answer = client.post("/carelist/persons/new/", form(tree, care, grid=tree.grids[2].pk, levels=[]))  # east
    assert answer.status_code == 400 and set(answer.context["form"].errors) == {"grid", "levels"}
    assert answer.context["form"]["name"].value() == "王秀兰" and not CarePerson.objects.exists()


@pytest.mark.parametrize("who", ["helper", "bystander", "community_staff"])
def test_who_does_not_lead_an_area_may_not_register(client, care, actors, who):
    user = {"helper": care.helper, "bystander": care.bystander, "community_staff": actors.community_staff}[who]
    client.force_login(user)
    assert client.get("/carelist/persons/new/").status_code == 403
    assert 'id="register-person"' not in client.get("/carelist/").content.decode()


def test_the_service_refuses_another_areas_leader_and_a_helper_from_elsewhere(care, tree):
    kwargs = {"name": "王秀兰", "id_number": ID_NUMBER, "phone": "", "address": "西社区", "grid": tree.grids[0],
              "levels": [level("lonely_elderly", 2)]}
    with pytest.raises(PermissionDenied):
        care_person_register(actor=care.other_leader, helpers=[], **kwargs)
    with pytest.raises(DomainInputError) as refused:
        care_person_register(actor=care.community_leader, helpers=[(care.other_leader, CareHelper.Kind.COMMUNITY_CADRE)],
                             **kwargs)
    assert refused.value.field == "helpers" and not CarePerson.objects.exists()
