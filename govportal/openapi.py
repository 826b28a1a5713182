"""The OpenAPI document: every operation lists the errors it answers, each with the one error shape.

Views declare the refusals only they know of (403 for a role, 409 for a state, 429 for a lock)
with `extend_schema(responses={403: None, ...})`. What follows from the operation itself is added
here, so no view can forget it:

- 400 where the operation reads input (a body, query or header parameters);
- 401 where it needs a log-in;
- 403 on unsafe methods open to session log-ins, which DRF refuses without the CSRF token;
- 404 where the path names an object, and on lists paged by a cursor or a page number (DRF
  answers 404 for a page that does not exist);
- 415 where it takes a body, sent in a media type it does not read.

Every error answer is documented with ErrorSerializer, the shape govportal.api.exception_handler gives.
"""

from drf_spectacular import openapi
from rest_framework import permissions

from .api import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `extra.fields` holds the messages of each field at fault.",
    401: "Not logged in: no API token, or an expired or revoked one.",
    403: "Refused: your role may not do this, or a session-authenticated request lacks its CSRF token.",
    404: "Not found, or outside the area you are responsible for.",
    409: "Not possible in the current state, or the idempotency key was used for another request.",
    415: "The body's media type is not one the operation reads.",
    429: "Too many attempts: try again when the lock ends.",
}
SESSION_SCHEME = "cookieAuth"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with the error answers of each operation (module docstring)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        declared = {int(code) for code in responses if int(code) >= 400}
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code in declared | self._implied_errors(operation):
            responses[str(code)] = {"content": {"application/json": {"schema": error}},
                                    "description": ERROR_DESCRIPTIONS[code]}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _implied_errors(self, operation):
        """Return the error statuses that follow from the operation's input, log-in and path."""
        codes = set()
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "requestBody" in operation:
            codes |= {400, 415}
        if locations - {"path"}:
            codes.add(400)
        security = operation.get("security", [])
        if security and {} not in security:
            codes.add(401)
        if self.method not in permissions.SAFE_METHODS and any(SESSION_SCHEME in entry for entry in security):
            codes.add(403)
        if "path" in locations or (self._is_list_view() and self._get_paginator() is not None):
            codes.add(404)
        return codes
