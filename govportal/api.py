"""The API's shared parts: the one exception handler ({"message", "extra"}), list pages, action helpers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainConflict, DomainInputError


NO_SUCH_ACTION = gettext_lazy("No such action.")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def exception_handler(exc, context):
    """Return DRF's response reshaped; validation errors carry their field messages in extra.fields."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DomainInputError):
        exc = exceptions.ValidationError({exc.field: [str(exc)]})
    elif isinstance(exc, DomainConflict):
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"message": _("Invalid input."), "extra": {"fields": fields}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"message": str(detail), "extra": {}}
    return response


class NewestFirstPagination(CursorPagination):
    """Pages of a list that keeps growing, newest first: {next, previous, results}.

    A cursor rather than a page number, so rows added while a client pages through never push
    others onto a page it has read already; the primary key is the stable, indexed order.
    """

    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def action_from_url(action, known):
    """Return the action named in a URL ("request-extension" → "request_extension"); 404 unless in `known`."""
    action = action.replace("-", "_")
    if action not in known:
        raise exceptions.NotFound(NO_SUCH_ACTION)
    return action


def action_input(serializer_class, data):
    """Return `data` validated by the action's input serializer (None: the action takes no input); 400 if bad."""
    if serializer_class is None:
        return {}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
