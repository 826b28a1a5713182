"""Non-government requests: the route given (110, 119, court, arbitration, enterprise) is recorded on
the call as a structured field and counted in the hotline's figures."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from govportal.periods import Period
from hotline import selectors, services
from hotline.models import Call

pytestmark = pytest.mark.dated  # the period is today's


def test_a_request_outside_government_business_is_answered_with_its_route_and_counted(
        catalogue, operator, call_fields, client):
    call = services.call_answer(operator=operator, referral="court",
                                **call_fields(request_type="complaint", content="邻居欠钱不还想起诉", location=None))
    assert (call.outcome, call.referral, call.ticket) == (Call.Outcome.ANSWERED, "court", None)
    services.call_answer(operator=operator, referral="enterprise", answer="请联系供电公司95598",
                         **call_fields(request_type="help", content="电费账单有疑问", location=None))
    today = timezone.localdate()
    counts = {route: count for route, _label, count in selectors.referral_counts(
        period=Period(today - timedelta(days=1), today))}
    assert counts == {"police_110": 0, "fire_119": 0, "court": 1, "arbitration": 0, "enterprise": 1}
    client.force_login(operator)
    page = client.get(reverse("hotline-rates")).content.decode()
    assert "法院: <strong>1</strong>" in page


def test_a_complaint_is_not_settled_on_the_call_without_a_route(catalogue, operator, call_fields):
    with pytest.raises(services.HotlineInputError, match=str(services.ONLY_ENQUIRIES_ANSWERED)):
        services.call_answer(operator=operator, answer="已告知",
                             **call_fields(request_type="complaint", location=None))
    with pytest.raises(services.HotlineInputError, match=str(services.REFERRAL_UNKNOWN)):
        services.call_answer(operator=operator, referral="psychic", **call_fields(location=None))


def test_only_an_answered_call_carries_a_route(dispatched):
    call = dispatched()
    with pytest.raises(IntegrityError):
        Call.objects.filter(pk=call.pk).update(referral="court")
