"""Confidential orders: the caller's name and number are hidden from the handling units on every page,
not only from Open311; the hotline still sees them masked."""

import pytest
from django.urls import reverse

from govportal.masking import mask_name
from incidents.services import ticket_accept


@pytest.mark.parametrize("confidential", [True, False])
def test_a_confidential_caller_is_hidden_from_the_handling_unit_everywhere(dispatched, actors, operator, client,
                                                                           confidential):
    call = dispatched(confidential=confidential, caller_name="张先生")
    ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)
    client.force_login(actors.community_staff)
    pages = [client.get(reverse(name, args=args)).content.decode() for name, args in (
        ("hotline-ticket", [call.ticket_id]), ("hotline-call", [call.pk]), ("hotline-calls", []))]
    assert [("138****1234" in page) for page in pages] == [not confidential] * 3
    assert (mask_name("张先生") in pages[1]) is not confidential  # the call's page names the caller
    client.force_login(operator)
    assert "138****1234" in client.get(reverse("hotline-call", args=[call.pk])).content.decode()
