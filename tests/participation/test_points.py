"""The points ledger: earned by the city's rule for confirmed hours, a balance that is the sum of the
entries, corrections as new entries, a table that refuses UPDATE and DELETE, redemption within the
balance and the stock (also at once), the monthly ranking per community, and citizens' valid reports
credited to the same ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from govportal.periods import Period
from govportal.workflow import TransitionNotAllowed
from incidents import services as ticket_services
from incidents.models import Ticket
from participation import points, services
from participation.models import PartnerOffer, Participant, PointEntry, PointReason, PointRule, Redemption
from participation.selectors import community_of_report
from participation.workflow import ParticipationInputError
from tests.concurrency import run_at_once

from .conftest import NEAR, PHONE, PLACE

pytestmark = [pytest.mark.django_db, pytest.mark.dated]  # "today" read from the clock: also on the chosen days


@pytest.fixture
def rules(tree):
    PointRule.objects.create(city=tree.city, reason=PointReason.CONFIRMED_HOUR, points=10)


def work(actors, person, task):
    claim = services.task_take(task_id=task.pk, participant=person)
    services.claim_check_in(claim_id=claim.pk, actor=person, location=NEAR)
    services.claim_report(claim_id=claim.pk, actor=person, report="完成")
    return services.claim_confirm(claim_id=claim.pk, actor=actors.community_staff)


def test_confirmed_hours_earn_the_citys_points_and_corrections_are_new_entries(actors, rules, enter, post_task):
    volunteer = enter()
    claim = work(actors, volunteer, post_task(hours=Decimal("2.5")))
    entry = PointEntry.objects.get()
    assert (entry.reason, entry.points, entry.claim) == (PointReason.CONFIRMED_HOUR, 25, claim)
    with pytest.raises(ParticipationInputError):
        points.points_correct(actor=actors.community_staff, participant_id=volunteer.pk, points=-5, note=" ")
    with pytest.raises(PermissionDenied):
        points.points_correct(actor=actors.outsider, participant_id=volunteer.pk, points=-5, note="多记")
    points.points_correct(actor=actors.community_staff, participant_id=volunteer.pk, points=-5, note="多记半小时")
    assert points.points_balance(volunteer) == 20 and PointEntry.objects.count() == 2


def test_a_city_without_a_rule_credits_hours_but_no_points(actors, enter, post_task):
    work(actors, enter(), post_task())
    assert not PointEntry.objects.exists()


def test_the_ledger_refuses_update_and_delete_in_the_database(actors, rules, enter, post_task):
    work(actors, enter(), post_task(hours=Decimal("2")))
    for statement in ("UPDATE participation_pointentry SET points = 1000",
                      "DELETE FROM participation_pointentry"):
        with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement)
    assert PointEntry.objects.get().points == 20


def test_redemption_spends_within_the_balance_and_the_stock(actors, tree, rules, enter, post_task):
    volunteer = enter()
    work(actors, volunteer, post_task(hours=Decimal("2")))  # 20 points
    offer = PartnerOffer.objects.create(community=tree.west_community, shop="社区超市", item="大米5斤", points=15,
                                        stock=1)
    redemption = points.offer_redeem(offer_id=offer.pk, participant=volunteer)
    assert redemption.point_entry.points == -15 and points.points_balance(volunteer) == 5
    offer.refresh_from_db()
    assert offer.stock == 0
    with pytest.raises(ParticipationInputError):
        points.offer_redeem(offer_id=offer.pk, participant=volunteer)  # 5 points left
    points.points_correct(actor=actors.community_staff, participant_id=volunteer.pk, points=100, note="补记")
    with pytest.raises(TransitionNotAllowed):
        points.offer_redeem(offer_id=offer.pk, participant=volunteer)
    stranger = enter("周东", community=tree.east_community)
    with pytest.raises(PermissionDenied):
        points.offer_redeem(offer_id=offer.pk, participant=stranger)


@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_never_take_the_last_item_twice(actors, tree, enter):
    people = [enter("甲"), enter("乙")]
    for person in people:
        points.points_correct(actor=actors.community_staff, participant_id=person.pk, points=50, note="开户")
    offer = PartnerOffer.objects.create(community=tree.west_community, shop="理发店", item="理发一次", points=30,
                                        stock=1)

    def redeem():
        try:
            points.offer_redeem(offer_id=offer.pk, participant=people.pop())
        except TransitionNotAllowed:
            return "out of stock"
        return "redeemed"

    assert sorted(run_at_once(redeem)) == ["out of stock", "redeemed"]
    offer.refresh_from_db()
    assert offer.stock == 0 and Redemption.objects.count() == 1


def test_the_monthly_ranking_counts_what_was_earned_in_the_month_per_community(actors, tree, rules, enter,
                                                                                post_task):
    first, second = enter("甲"), enter("乙")
    work(actors, first, post_task(hours=Decimal("1")))
    work(actors, second, post_task(hours=Decimal("3")))
    work(actors, first, post_task(hours=Decimal("1")))
    points.points_correct(actor=actors.community_staff, participant_id=second.pk, points=500, note="补记")
    enter("丙", community=tree.east_community)
    month = Period.month_of(timezone.localdate())
    assert [(row["participant__name"], row["points"]) for row in points.monthly_ranking(
        community=tree.west_community, period=month)] == [("乙", 30), ("甲", 20)]
    last_month = Period.month_of(month.start - timedelta(days=1))
    assert points.monthly_ranking(community=tree.west_community, period=last_month) == []


def test_the_api_shows_the_ledger_corrects_it_and_lists_offers_within_scope(api, actors, tree, enter):
    volunteer, staff, outsider = enter(), api(actors.community_staff), api(actors.outsider)
    url = reverse("api:participation-participant-points", args=[volunteer.pk])
    assert staff.post(url, {"points": 10}, format="json").status_code == 400
    assert outsider.post(url, {"points": 10, "note": "补记"}, format="json").status_code == 404
    answer = staff.post(url, {"points": 10, "note": "补记"}, format="json")
    assert answer.status_code == 201 and answer.json()["balance"] == 10
    offers = reverse("api:participation-offer-list")
    listed = staff.post(offers, {"community": tree.west_community.code, "shop": "社区超市", "item": "食用油",
                                 "points": 10, "stock": 3}, format="json")
    assert listed.status_code == 201
    assert outsider.post(offers, {"community": tree.west_community.code, "shop": "店", "item": "物", "points": 1,
                                  "stock": 1}, format="json").status_code == 403
    assert outsider.get(offers).json()["results"] == []


def test_a_resident_redeems_on_their_phone_page_and_sees_the_ranking_masked(client, actors, tree, rules, enter, sms,
                                                                            post_task):
    volunteer = enter("欧阳娜娜", phone=PHONE)
    work(actors, enter("张三丰"), post_task(hours=Decimal("1")))
    points.points_correct(actor=actors.community_staff, participant_id=volunteer.pk, points=50, note="补记")
    offer = points.offer_post(actor=actors.community_staff, community=tree.west_community, shop="理发店",
                              item="理发一次", points=30, stock=2)
    client.post(reverse("participation-mine"), {"phone": PHONE, "send_code": "1", "form_key": "k"})
    client.post(reverse("participation-mine"), {"phone": PHONE, "code": sms(), "form_key": "k"})
    client.post(reverse("participation-redeem", args=[offer.pk]))
    page = client.get(reverse("participation-mine")).content.decode()
    assert points.points_balance(volunteer) == 20 and Redemption.objects.get().participant == volunteer
    assert f'id="balance-{volunteer.pk}">20<' in page
    assert "张*丰 · 10" in page and "张三丰" not in page  # another resident's name, masked


# --- citizens' valid reports (随手拍) credit the same ledger ---

def _accepted_citizen_report(actors, catalogue, phone):
    ticket, _created = ticket_services.ticket_create(source=Ticket.Source.CITIZEN, category=catalogue["0102"],
                                                     description="路边垃圾堆积", location=PLACE, reporter_phone=phone)
    ticket = ticket_services.ticket_route(ticket_id=ticket.pk)
    return ticket_services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)


def test_a_valid_report_credits_the_reporters_registration_or_registers_a_resident(actors, tree, catalogue, enter):
    PointRule.objects.create(city=tree.city, reason=PointReason.VALID_REPORT, points=5)
    volunteer = enter(phone=PHONE)
    ticket = _accepted_citizen_report(actors, catalogue, PHONE)
    assert points.points_balance(volunteer) == 5 and volunteer.point_entries.get().ticket == ticket
    _accepted_citizen_report(actors, catalogue, "13577778888")
    resident = Participant.objects.get(kind=Participant.Kind.RESIDENT)
    assert (resident.community, resident.status, resident.phone_masked) == (
        tree.west_community, Participant.Status.CONFIRMED, "135****8888")
    assert points.points_balance(resident) == 5
    assert list(resident.events.values_list("action", flat=True)) == ["first_report"]


def test_a_report_outside_every_community_earns_in_the_nearest(tree):
    west_of_the_streets = Point(113.695, 23.005, srid=4326)  # in the city, west of the west community
    assert community_of_report(Ticket(location=west_of_the_streets)) == tree.west_community
