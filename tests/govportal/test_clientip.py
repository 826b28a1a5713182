"""govportal.clientip: the client's address behind TRUSTED_PROXY_HOPS proxies, whatever the client forges."""

import pytest
from django.test import RequestFactory

from govportal.clientip import client_ip

CLIENT, PROXY, FORGED = "203.0.113.7", "10.0.0.1", "198.51.100.1"


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request(CLIENT, FORGED)) == CLIENT
    assert client_ip(request(CLIENT)) == CLIENT


@pytest.mark.parametrize("forwarded", [CLIENT, f"{FORGED}, {CLIENT}", f"{FORGED},{FORGED}, {CLIENT}"])
def test_behind_one_proxy_the_address_it_appended_counts(settings, forwarded):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request(PROXY, forwarded)) == CLIENT


def test_behind_two_proxies_the_second_address_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request(PROXY, f"{FORGED}, {CLIENT}, 10.0.0.2")) == CLIENT


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", f"{FORGED}, not-an-address"])
def test_a_request_that_did_not_come_through_the_proxy_counts_as_its_peer(settings, forwarded):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request(CLIENT, forwarded)) == CLIENT
