"""The dashboards' reads go to the replica and nothing else does; the replica's lag is shown;
the database settings follow the environment (a replica URL, PgBouncer).

In tests the replica is a mirror of the test database (govportal/settings/test.py): the queries
each connection runs tell where a read went.
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import translation

from dashboards import selectors
from govportal.periods import Period
from govportal.replicas import REPLICA, figures_lag_to_show, replica_lag_seconds
from incidents.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@contextmanager
def queries_by_database():
    """Yield {alias: [the SQL statements it ran inside the block]}."""
    statements = {"default": [], REPLICA: []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            statements[alias].append(sql)
            return execute(sql, params, many, context)
        return record

    with connections["default"].execute_wrapper(recorder("default")), \
            connections[REPLICA].execute_wrapper(recorder(REPLICA)):
        yield statements


@pytest.fixture
def figures_on_replica():
    with override_settings(FIGURES_DATABASE=REPLICA):
        yield


def test_the_dashboard_selectors_read_the_replica(tree, actors, figures_on_replica):
    area = selectors.dashboard_area(user=actors.leader, code=tree.west_street.code)  # the scope: the primary
    period = Period.month_of(date(2026, 11, 1))
    with queries_by_database() as ran:
        selectors.area_summary(area=area)
        selectors.children_figures(area=area, period=period)
        selectors.street_ranking(area=tree.west_street.parent, period=period)
    assert ran[REPLICA]
    assert not ran["default"]


def test_on_a_replica_the_figures_read_the_folded_rollups_never_the_unlogged_deltas(tree, actors, figures_on_replica):
    area, period = tree.west_street.parent, Period.month_of(date(2026, 11, 1))
    with queries_by_database() as ran:
        for selector in (selectors.children_figures, selectors.category_mix, selectors.top_grids,
                         selectors.daily_trend, selectors.street_ranking, selectors.department_ranking):
            selector(area=area, period=period)
        selectors.area_summary(area=area)
    assert ran[REPLICA]
    # A standby refuses UNLOGGED tables; the live views read the delta tables.
    assert not [sql for sql in ran[REPLICA] if "_live" in sql or "delta" in sql]


def test_on_the_primary_the_figures_read_the_live_views(tree, actors):
    with queries_by_database() as ran:
        selectors.area_summary(area=tree.west_street)
    assert any("_live" in sql for sql in ran["default"])


def test_a_read_whose_replica_connection_broke_is_tried_again_on_a_new_one(tree, actors, figures_on_replica):
    area = tree.west_street
    first = selectors.area_summary(area=area)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (replica_backend,) = cursor.fetchone()
    with connections["default"].cursor() as cursor:  # what a promotion does to the replica's sessions
        cursor.execute("SELECT pg_terminate_backend(%s)", [replica_backend])
    assert selectors.area_summary(area=area) == first


def test_workflow_reads_and_every_write_stay_on_the_primary(tree, actors, figures_on_replica):
    with queries_by_database() as ran:
        selectors.dashboard_area(user=actors.leader, code=tree.west_street.code)
        list(Ticket.objects.all())
        actors.leader.save(update_fields=["last_name"])
    assert len(ran["default"]) >= 3
    assert not ran[REPLICA]


def test_without_a_replica_the_figures_read_the_primary(tree, actors):
    area = selectors.dashboard_area(user=actors.leader, code=tree.west_street.code)
    with queries_by_database() as ran:
        selectors.area_summary(area=area)
    assert ran["default"]
    assert not ran[REPLICA]


def test_the_dashboard_page_reads_its_figures_from_the_replica(client, tree, actors, figures_on_replica):
    client.force_login(actors.leader)
    with queries_by_database() as ran:
        response = client.get(f"/dashboard/{tree.west_street.code}/")
    assert response.status_code == 200
    assert ran[REPLICA]  # the figures
    assert ran["default"]  # the session, the user, the scope


def test_a_replica_in_step_has_no_lag_and_the_page_says_nothing(client, tree, actors, figures_on_replica):
    assert replica_lag_seconds() == 0.0  # the mirror is the primary itself: nothing to replay
    assert figures_lag_to_show() is None
    client.force_login(actors.leader)
    assert 'class="figures-lag"' not in client.get(f"/dashboard/{tree.west_street.code}/").content.decode()


def test_a_lag_above_the_threshold_is_shown_with_the_figures(client, tree, actors, figures_on_replica):
    client.force_login(actors.leader)
    with override_settings(REPLICA_LAG_WARNING_SECONDS=-1), translation.override("en"):
        page = client.get(f"/dashboard/{tree.west_street.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="figures-lag"' in page
    assert "These figures are 0 s behind the latest work" in page


SETTINGS_OF = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({alias: {"host": database["HOST"], "port": database["PORT"], "conn_max_age": database["CONN_MAX_AGE"],
                          "server_side_cursors": not database.get("DISABLE_SERVER_SIDE_CURSORS", False)}
                  for alias, database in settings.DATABASES.items()} | {"figures": settings.FIGURES_DATABASE}))
"""


def settings_with(**environment):
    """The database settings a process started with `environment` gets (govportal.settings.base)."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "govportal.settings.base",
           "DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": "postgis://govportal:pw@primary.invalid:5432/govportal",
           "REDIS_URL": "redis://redis.invalid:6379/0", **environment}
    env["FIELD_ENCRYPTION_KEY"] = os.environ.get("FIELD_ENCRYPTION_KEY", "Q1lRbVdWb0FGbVl2b3dhQk1sYm5jR2ZJd0xZb3JvTmE=")
    done = subprocess.run([sys.executable, "-c", SETTINGS_OF], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_replica_url_adds_the_replica_and_points_the_figures_at_it():
    assert settings_with()["figures"] == "default"
    configured = settings_with(DATABASE_REPLICA_URL="postgis://govportal:pw@replica.invalid:5433/govportal")
    assert configured["figures"] == REPLICA
    assert (configured[REPLICA]["host"], configured[REPLICA]["port"]) == ("replica.invalid", 5433)


def test_behind_pgbouncer_no_server_side_cursors_and_no_persistent_connections():
    direct = settings_with(DATABASE_REPLICA_URL="postgis://govportal:pw@replica.invalid:5433/govportal")
    assert direct["default"]["server_side_cursors"] and direct["default"]["conn_max_age"] == 60
    pooled = settings_with(DATABASE_BEHIND_PGBOUNCER="1",
                           DATABASE_REPLICA_URL="postgis://govportal:pw@replica.invalid:5433/govportal")
    for alias in ("default", REPLICA):
        assert pooled[alias]["server_side_cursors"] is False
        assert pooled[alias]["conn_max_age"] == 0
