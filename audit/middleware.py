"""The request at hand, for audit rows written by signal receivers (model signals carry no request),
and the admin's refusals."""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied

from .models import AuditEvent

_request = ContextVar("audit_request", default=None)


def current_request():
    """Return the HTTP request this thread is answering, or None (a command, a task, a test without one)."""
    return _request.get()


class AuditContextMiddleware:
    """Remember the request while it is answered: an admin's role change or a reveal is then audited
    with the acting user and the client address. Record what the admin site refuses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    def process_exception(self, request, exception):
        """An admin view raising PermissionDenied: someone tried what is not theirs to do (三员: another
        administrator's work), recorded as a refusal. The 403 itself is Django's."""
        match = request.resolver_match
        if isinstance(exception, PermissionDenied) and match is not None and match.app_name == "admin":
            from .services import audit_record  # which imports this module

            audit_record(action=AuditEvent.Action.ADMIN_REFUSED, result=AuditEvent.Result.FAILURE,
                         actor=request.user, target=match.url_name, request=request,
                         details={"path": request.path, "method": request.method, **match.kwargs})
        return None
