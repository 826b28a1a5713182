"""While PostgreSQL cannot answer, the web says 503 with Retry-After; the request after that works.

The tests break the real connection, not a stand-in: one points it at a local port where nothing
listens (what the web meets while PostgreSQL restarts), another has PostgreSQL end the session's
backend (pg_terminate_backend: what a restart or a failover does to open connections). Django's
test client leaves out the connection housekeeping a server does after each request
(close_old_connections); the recovery test calls it where the server would.
"""

import socket
from contextlib import contextmanager

import psycopg
import pytest
from django.db import InternalError, close_old_connections, connection
from django.test import Client, RequestFactory
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from govportal.handlers import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, server_error
from incidents.models import Ticket

from ..concurrency import run_at_once

NEW = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}


def translated(message, language="zh-hans"):
    with translation.override(language):
        return str(message)


@pytest.fixture
def api_client(actors):
    """A client sending the grid worker's API token, as apps do (the handler answers, not the test client)."""
    _, key = AuthToken.objects.create(user=actors.grid_worker)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@contextmanager
def database_refusing():
    """Point the connection at a local port that refuses connections, as while PostgreSQL restarts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings_dict, port = connection.settings_dict, connection.settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = str(closed_port)
    try:
        yield
    finally:
        connection.close()
        settings_dict["PORT"] = port


def backend_terminated():
    """End this connection's server process from another connection, as a PostgreSQL restart does."""
    pid = connection.connection.info.backend_pid

    def terminate():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            return cursor.fetchone()[0]

    assert run_at_once(terminate, times=1) == [True]


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_with_retry_after_while_the_database_refuses(catalogue, api_client):
    with database_refusing():
        response = api_client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"message": translated(DATABASE_UNAVAILABLE), "extra": {}}


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_a_plain_translated_503_page_while_the_database_refuses(actors):
    client = Client(raise_request_exception=False)
    client.force_login(actors.leader)  # the session is read from the database before any view
    with database_refusing():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert translated(DATABASE_UNAVAILABLE) in response.content.decode()
    assert translated(DATABASE_UNAVAILABLE) != translated(DATABASE_UNAVAILABLE, "en")  # translated, not the source
    assert translated(DATABASE_UNAVAILABLE, "en") in english.content.decode()


@pytest.mark.django_db(transaction=True)
def test_after_postgresql_ends_the_connection_one_request_gets_503_and_its_retry_is_taken(catalogue, api_client):
    assert api_client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    backend_terminated()

    during = api_client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    close_old_connections()  # the server's end of request: drops the failed connection
    retried = api_client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k2")

    assert (during.status_code, during["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert retried.status_code == 201
    assert Ticket.objects.count() == 2


def test_other_errors_keep_the_500_page(rf):
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/api/v1/tickets/"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def broken(error):
    """Answer a request that failed with `error`, raised as Django's database wrapper raises it."""
    try:
        try:
            raise error
        except psycopg.InternalError as exc:
            raise InternalError(*exc.args) from exc
    except InternalError:
        return server_error(RequestFactory().get("/api/v1/tickets/"))


def test_a_conversation_with_the_server_broken_mid_transaction_answers_503():
    # What PgBouncer's client sees when its server connection died with the primary.
    response = broken(psycopg.InternalError("received 2 results from command 'BEGIN'"))
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))


def test_an_internal_error_the_server_reports_keeps_the_500_page():
    response = broken(psycopg.errors.InternalError_("XX000: the server's own bug"))
    assert response.status_code == 500
