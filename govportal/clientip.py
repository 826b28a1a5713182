"""The client's address behind the reverse proxies docs/deploy.md prescribes: one rule for every limit."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Return the address the outermost trusted proxy saw the request come from.

    With TRUSTED_PROXY_HOPS = 0 that is REMOTE_ADDR. With N proxies in front, each appends the
    address it was reached from to X-Forwarded-For, so the Nth entry from the right is the
    client's; anything left of it was written by the client and may be forged. A header with
    fewer entries, or an entry that is no address, means the request did not come through the
    proxies: REMOTE_ADDR, the one address no client can choose, is used instead.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if not hops:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote
