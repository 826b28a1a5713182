"""Intake rules of incidents.services that pages and API share."""

import json

import pytest
from django.utils import translation

from incidents.models import Urgency
from incidents.services import UNKNOWN_URGENCY, WorkflowInputError, ticket_urgency
from tests.pages import page, zh


def test_an_urgency_outside_the_categorys_list_is_refused_by_its_label(catalogue):
    routine = catalogue["0102"]  # 乱堆放: simple, ordinary or complex
    assert ticket_urgency(routine) == Urgency.ORDINARY and ticket_urgency(routine, "complex") == "complex"
    with pytest.raises(WorkflowInputError) as refused:
        ticket_urgency(routine, Urgency.URGENT)
    with translation.override("zh-hans"):
        message = str(refused.value)
    assert refused.value.field == "urgency" and zh(Urgency.URGENT) in message and "urgent" not in message


def test_an_unknown_urgency_is_refused_even_where_every_urgency_is_allowed(catalogue):
    with pytest.raises(WorkflowInputError) as refused:
        ticket_urgency(catalogue["0202"], "whenever")  # 井盖 allows all four
    assert (str(refused.value), refused.value.field) == (str(UNKNOWN_URGENCY), "urgency")


def test_the_report_page_carries_each_categorys_urgencies(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    shown = page(client.get("/tickets/new/"))
    allowed = json.loads(shown.one("script#category-urgencies").text)
    assert allowed["0102"] == ["simple", "ordinary", "complex"] and allowed["0202"] == [
        "urgent", "simple", "ordinary", "complex"]
