"""Intake: category suggestion, duplicate candidates, caller history, Chinese knowledge search and a
call's three endings, with the hotline's own time limits on the work orders it makes."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from grids.models import Building
from hotline import selectors, services
from hotline.filters import AddressFilter
from hotline.models import PLACE_RETENTION_DAYS, Call, KnowledgeArticle, TicketPlace
from hotline.tasks import prune_ticket_places
from incidents.models import Ticket, Urgency
from incidents.services import IdempotencyKeyReused, idempotency_key_of
from incidents.worktime import working_day_minutes
from tests.factories import UserFactory

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.dated


def test_category_suggestion_names_the_words_that_gave_it(catalogue):
    suggestions = selectors.category_suggest(content="晚上小区门口路灯不亮，灯杆也歪了")
    best = suggestions[0]
    assert best.category.code == "0201"
    assert best.score == 3 + 3 + 2  # 路灯, 灯不亮, 灯杆
    assert set(best.keywords) == {"路灯", "灯不亮", "灯杆"}
    assert selectors.category_suggest(content="今天天气很好") == []


def test_category_suggestion_ranks_by_summed_weight(catalogue):
    codes = [s.category.code for s in selectors.category_suggest(content="楼下烧烤油烟很大，噪音扰民")]
    assert codes[:2] == ["0302", "0304"]  # 噪音 3 + 扰民 2 = 油烟 3 + 烧烤 2 = 5: the tie goes to the lower code


def test_duplicates_are_open_tickets_of_the_category_nearby_and_recent(dispatched, catalogue, operator):
    near = dispatched(point=Point(113.7052, 23.0051, srid=4326))  # ~30 m away
    dispatched(point=Point(113.7100, 23.0050, srid=4326))  # ~510 m away
    dispatched(code="0301")  # another category, same place
    closed = dispatched()
    Ticket.objects.filter(pk=closed.ticket_id).update(status="closed", closed_at=timezone.now())
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        dispatched()  # too old
    found = selectors.duplicate_candidates(user=operator, category=catalogue["0102"], point=WEST_POINT)
    assert [t.pk for t in found] == [near.ticket_id]
    assert 20 < found[0].distance.m < 40


def test_duplicates_stay_within_the_readers_scope(dispatched, catalogue, actors):
    dispatched(point=EAST_POINT)
    assert selectors.duplicate_candidates(user=actors.outsider, category=catalogue["0102"], point=EAST_POINT)
    assert not selectors.duplicate_candidates(user=actors.street_coordinator, category=catalogue["0102"],
                                              point=EAST_POINT)


def test_caller_history_is_newest_first_by_phone(dispatched):
    first = dispatched()
    second = dispatched(caller_phone="13812341234", content="又来电")
    dispatched(caller_phone="13900000000")
    assert [c.pk for c in selectors.caller_history(phone="13812341234")] == [second.pk, first.pk]


@pytest.fixture
def articles(db):
    KnowledgeArticle.objects.create(title="路灯不亮怎么报修", keywords="路灯 报修",
                                    body="市政道路路灯由城市管理部门维护，可拨打12345报修。")
    KnowledgeArticle.objects.create(title="居住证办理需要哪些材料", keywords="居住证",
                                    body="携带身份证、居住登记凭证、近期照片到社区服务中心申领居住证。")
    KnowledgeArticle.objects.create(title="已停用的旧答复", body="路灯相关旧口径", is_active=False)


@pytest.mark.parametrize("query, title", [
    ("路灯", "路灯不亮怎么报修"),
    ("我家门口的路灯坏了要怎么报修", "路灯不亮怎么报修"),
    ("办居住证要带什么材料", "居住证办理需要哪些材料"),
])
def test_knowledge_search_finds_chinese_answers(articles, query, title):
    found = selectors.knowledge_search(query=query)
    assert found and found[0].title == title
    assert all(article.is_active for article in found)


def test_knowledge_search_ignores_unrelated_queries(articles):
    assert selectors.knowledge_search(query="公积金提取") == []
    assert selectors.knowledge_search(query="") == []


def test_address_search_returns_standard_addresses_with_their_place(tree):
    Building.objects.create(grid=tree.grids[0], name="一号楼", code="B1", address="西街道幸福路1号",
                            location=WEST_POINT)
    Building.objects.create(grid=tree.grids[0], name="二号楼", code="B2", address="西街道幸福路2号")  # not located
    found = AddressFilter({"q": "幸福路"}, queryset=selectors.address_list()).qs
    assert [b.code for b in found] == ["B1"]


def test_a_dispatched_call_makes_a_routed_hotline_order_with_the_hotline_limits(dispatched, operator):
    call = dispatched()
    ticket = call.ticket
    assert call.outcome == Call.Outcome.NEW_TICKET and call.operator == operator
    assert ticket.source == Ticket.Source.HOTLINE and ticket.reporter == operator
    assert ticket.handling_unit.name == "西社区居委会"  # routed by place like any other
    # domain.md §4 ordinary: sign within 2 working hours, reply within 5 working days
    assert (ticket.sign_minutes, ticket.handle_minutes, ticket.clock_time) == (120, 5 * working_day_minutes(), False)
    assert call.reply_due_at > ticket.created_at
    assert call.ended_at >= call.started_at


@pytest.mark.parametrize("code, urgency, expected", [
    ("0202", "urgent", (60, 120, True)),  # emergency: dispatch 1 h, reply 2 h, clock time
    ("0204", "ordinary", (120, 24 * 60, True)),  # drainage is a utility: 2 h and 24 h
])
def test_emergencies_and_utilities_take_their_clock_time_limits(dispatched, code, urgency, expected):
    ticket = dispatched(code=code, urgency=urgency).ticket
    assert (ticket.sign_minutes, ticket.handle_minutes, ticket.clock_time) == expected


def test_a_complex_matter_gets_fifteen_working_days(dispatched):
    ticket = dispatched(urgency="complex").ticket
    assert ticket.handle_minutes == 15 * working_day_minutes()


def test_a_retried_dispatch_returns_the_first_call(catalogue, actors, operator, call_fields):
    fields = call_fields(category=catalogue["0102"])
    first = services.call_dispatch(operator=operator, idempotency_key="k1", **fields)
    again = services.call_dispatch(operator=operator, idempotency_key="k1", **fields)
    assert again.pk == first.pk and Ticket.objects.count() == 1 and Call.objects.count() == 1


@pytest.mark.parametrize("change", [{"caller_phone": "13998769876"}, {"caller_name": "李女士"},
                                    {"request_type": "help"}, {"confidential": True}, {"content": "路灯不亮"}],
                         ids=lambda change: next(iter(change)))
def test_the_dispatch_key_sent_with_another_call_is_a_conflict(catalogue, actors, operator, call_fields, change):
    fields = call_fields(category=catalogue["0102"])
    first = services.call_dispatch(operator=operator, idempotency_key="k1", **fields)
    with pytest.raises(IdempotencyKeyReused):
        services.call_dispatch(operator=operator, idempotency_key="k1", **fields | change)
    assert list(Call.objects.values_list("pk", flat=True)) == [first.pk] and Ticket.objects.count() == 1
    later = services.call_dispatch(operator=operator, idempotency_key="k1", **fields | {"started_at": timezone.now()})
    assert later.pk == first.pk  # the start the API may have moved to the time received is no part of it


def test_the_dispatch_key_is_the_operators_own(catalogue, actors, operator, call_fields):
    fields = call_fields(category=catalogue["0102"])
    first = services.call_dispatch(operator=operator, idempotency_key="k1", **fields)
    assert first.ticket.idempotency_key == idempotency_key_of(operator, "k1")
    colleague = UserFactory(role=operator.role, unit=operator.unit)
    other = services.call_dispatch(operator=colleague, idempotency_key="k1", **fields)
    assert other.ticket_id != first.ticket_id  # two operators' keys never collide
    assert services.call_dispatch(operator=operator, **fields).ticket.idempotency_key is None


def test_the_category_default_urgency_decides_the_hotline_limits(dispatched, catalogue):
    category = catalogue["0102"]
    category.urgencies = [Urgency.COMPLEX, Urgency.SIMPLE]  # no "ordinary": the default is "complex"
    category.save()
    ticket = dispatched(urgency="").ticket
    assert ticket.urgency == Urgency.COMPLEX
    assert ticket.handle_minutes == 15 * working_day_minutes()  # the complex class, not the ordinary one


def test_dispatch_needs_a_place_and_a_category(catalogue, actors, operator, call_fields):
    with pytest.raises(services.HotlineInputError) as error:
        services.call_dispatch(operator=operator, **call_fields(point=None, category=catalogue["0102"]))
    assert error.value.field == "location"
    with pytest.raises(services.HotlineInputError) as error:
        services.call_dispatch(operator=operator, **call_fields())
    assert error.value.field == "category"
    assert not Ticket.objects.exists() and not Call.objects.exists()


def test_an_enquiry_is_answered_directly_without_a_work_order(articles, operator, call_fields):
    article = KnowledgeArticle.objects.get(title="居住证办理需要哪些材料")
    call = services.call_answer(operator=operator, article=article,
                                **call_fields(point=None, request_type="enquiry", content="办居住证"))
    assert call.outcome == Call.Outcome.ANSWERED and call.ticket is None and call.answer == article.body
    assert not Ticket.objects.exists()


def test_only_enquiries_suggestions_and_praise_are_answered_directly(articles, operator, call_fields):
    with pytest.raises(services.HotlineInputError, match=str(services.ONLY_ENQUIRIES_ANSWERED)):
        services.call_answer(operator=operator, answer="已告知", **call_fields(request_type="complaint"))
    with pytest.raises(services.HotlineInputError, match=str(services.ANSWER_REQUIRED)):
        services.call_answer(operator=operator, **call_fields(request_type="enquiry"))


def test_a_repeat_call_is_linked_to_the_open_order(dispatched, operator, call_fields, catalogue):
    call = dispatched()
    repeat = services.call_link(operator=operator, ticket=call.ticket,
                                **call_fields(caller_phone="13700000000", category=catalogue["0102"]))
    assert repeat.outcome == Call.Outcome.LINKED and repeat.ticket_id == call.ticket_id
    assert Ticket.objects.count() == 1
    Ticket.objects.filter(pk=call.ticket_id).update(status="closed", closed_at=timezone.now())
    call.ticket.refresh_from_db()
    with pytest.raises(services.HotlineInputError, match=str(services.TICKET_NOT_OPEN)):
        services.call_link(operator=operator, ticket=call.ticket, **call_fields())


def test_an_order_is_open_by_its_status(dispatched, operator, call_fields, catalogue):
    call = dispatched()
    Ticket.objects.filter(pk=call.ticket_id).update(status=Ticket.Status.REJECTED)  # closed_at left empty
    call.ticket.refresh_from_db()
    with pytest.raises(services.HotlineInputError, match=str(services.TICKET_NOT_OPEN)):
        services.call_link(operator=operator, ticket=call.ticket, **call_fields())
    assert not selectors.duplicate_candidates(user=operator, category=catalogue["0102"], point=WEST_POINT)


def test_only_the_intake_roles_record_calls(catalogue, actors, call_fields):
    for user in (actors.grid_worker, actors.street_coordinator, actors.outsider):
        with pytest.raises(PermissionDenied):
            services.call_dispatch(operator=user, **call_fields(category=catalogue["0102"]))
    assert not Call.objects.exists()


def test_every_new_ticket_gets_its_place_copied_by_the_trigger(dispatched):
    ticket = dispatched().ticket
    place = TicketPlace.objects.get(ticket=ticket)
    assert (place.category_id, place.created_at, place.location) == (
        ticket.category_id, ticket.created_at, ticket.location)


def test_places_older_than_the_retention_are_pruned(dispatched):
    old = dispatched()
    with time_machine.travel(timezone.now() + timedelta(days=PLACE_RETENTION_DAYS + 1)):
        recent = dispatched()
        assert prune_ticket_places() == 1
    assert list(TicketPlace.objects.values_list("ticket_id", flat=True)) == [recent.ticket_id]
    assert Ticket.objects.filter(pk=old.ticket_id).exists()  # only the search's copy goes
