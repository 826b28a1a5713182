"""The field-work pages: the worker's day, starting and ending a patrol, a patrol's summary for the leadership."""

import pytest
from django.urls import reverse
from django.utils import translation

from fieldwork import services
from fieldwork.models import Patrol

pytestmark = pytest.mark.django_db


def test_a_worker_starts_and_ends_a_patrol_from_the_pages(client, actors, tree):
    client.force_login(actors.grid_worker)
    home = client.get(reverse("fieldwork-home"))
    assert home.status_code == 200 and tree.grids[0].code in home.content.decode()

    started = client.post(reverse("patrol-start"), {"grid": tree.grids[0].code})
    patrol = Patrol.objects.get()
    assert started.url == reverse("patrol-detail", args=[patrol.pk])
    recorder = client.get(started.url)
    assert b"data-recording" in recorder.content

    again = client.post(reverse("patrol-start"), {"grid": tree.grids[0].code}, follow=True)
    assert Patrol.objects.count() == 1 and b"errors" not in again.content and again.context["messages"]

    client.post(reverse("patrol-end", args=[patrol.pk]))
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.ENDED
    assert b"data-recording" not in client.get(started.url).content


def test_the_leadership_sees_a_summary_and_an_outsider_nothing(client, actors, tree):
    client.force_login(actors.grid_worker)
    client.post(reverse("patrol-start"), {"grid": tree.grids[0].code})
    patrol = Patrol.objects.get()
    url = reverse("patrol-detail", args=[patrol.pk])

    client.force_login(actors.leader)
    summary = client.get(url)
    assert summary.status_code == 200 and b"data-recording" not in summary.content
    assert "王网格" in client.get(reverse("fieldwork-home")).content.decode()
    assert client.post(reverse("patrol-end", args=[patrol.pk])).status_code == 302
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.ACTIVE  # refused: only the walker ends it

    client.force_login(actors.outsider)
    assert client.get(url).status_code == 404


def test_a_grid_not_theirs_is_refused_with_the_reason(client, actors, tree):
    client.force_login(actors.grid_worker)
    refused = client.post(reverse("patrol-start"), {"grid": tree.grids[2].code}, follow=True)

    assert not Patrol.objects.exists()
    with translation.override("zh-hans"):
        assert [str(message) for message in refused.context["messages"]] == [str(services.NOT_YOUR_GRID)]
