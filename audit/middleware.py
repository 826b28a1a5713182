"""The request at hand, for audit rows written by signal receivers (model signals carry no request)."""

from contextvars import ContextVar

_request = ContextVar("audit_request", default=None)


def current_request():
    """Return the HTTP request this thread is answering, or None (a command, a task, a test without one)."""
    return _request.get()


class AuditContextMiddleware:
    """Remember the request while it is answered: an admin's role change or a reveal is then audited
    with the acting user and the client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
