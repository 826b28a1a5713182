"""Callers' numbers: masked for everyone, shown to the intake roles only on a reveal that is logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from govportal.masking import mask_phone
from hotline import services
from hotline.models import PhoneReveal
from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize("phone, masked", [
    ("13812341234", "138****1234"), ("076922221111", "076*****1111"), ("12345", "*2345"), ("110", "***"),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_an_operator_reveals_and_the_reveal_is_recorded(dispatched, operator):
    call = dispatched()
    assert services.phone_reveal(call=call, user=operator) == "13812341234"
    reveal = PhoneReveal.objects.get()
    assert (reveal.user, reveal.call, reveal.created_at is not None) == (operator, call, True)


def test_other_roles_may_not_reveal_and_nothing_is_recorded(dispatched, actors):
    call = dispatched()
    for user in (actors.community_staff, actors.street_coordinator, actors.leader):
        with pytest.raises(PermissionDenied):
            services.phone_reveal(call=call, user=user)
    assert not PhoneReveal.objects.exists()


def test_reveal_records_are_immutable(dispatched, operator):
    call = dispatched()
    services.phone_reveal(call=call, user=operator)
    reveal = PhoneReveal.objects.get()
    with pytest.raises(Exception):
        reveal.save()
    with pytest.raises(Exception):
        reveal.delete()


def test_pages_mask_the_number_and_reveal_it_on_request(client, dispatched, operator, actors):
    call = dispatched()
    url = reverse("hotline-call", args=[call.pk])
    client.login(username=actors.community_staff.username, password=TEST_PASSWORD)
    page = client.get(url).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert client.post(url).status_code == 403
    client.login(username=operator.username, password=TEST_PASSWORD)
    page = client.get(url).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert PhoneReveal.objects.count() == 0
    page = client.post(url).content.decode()
    assert "13812341234" in page
    assert PhoneReveal.objects.filter(user=operator, call=call).count() == 1


def test_a_user_outside_the_scope_does_not_see_the_call(client, dispatched, actors):
    call = dispatched()
    client.login(username=actors.outsider.username, password=TEST_PASSWORD)
    assert client.get(reverse("hotline-call", args=[call.pk])).status_code == 404


def test_the_api_masks_and_reveals_with_a_log(client, dispatched, operator, actors):
    call = dispatched()
    client.login(username=operator.username, password=TEST_PASSWORD)
    hints = client.post(reverse("api:hotline-hints"), {"phone": "13812341234"}, content_type="application/json").json()
    assert hints["earlier_calls"][0]["caller_phone"] == "138****1234"
    response = client.post(reverse("api:hotline-call-reveal", args=[call.pk]))
    assert response.json() == {"caller_phone": "13812341234"}
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)
    assert client.post(reverse("api:hotline-call-reveal", args=[call.pk])).status_code == 403
    assert PhoneReveal.objects.count() == 1


def test_the_admin_lists_masked_numbers(admin_client, dispatched):
    dispatched()
    page = admin_client.get(reverse("admin:hotline_call_changelist")).content.decode()
    assert "138****1234" in page and "13812341234" not in page
