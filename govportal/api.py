"""What the APIs share: the one exception handler (every error answers {"message": ..., "extra": {...}}),
pages of growing lists, and the views of workflow actions, one per action with its own input serializer."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.serializers import as_serializer_error
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainConflict, DomainInputError


class ErrorSerializer(serializers.Serializer):
    """What every error answers (exception_handler): a message, and the details in `extra`."""

    message = serializers.CharField()
    extra = serializers.DictField(help_text="details; for invalid input, `fields` maps each field at fault to "
                                            "its messages")


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


def found_or_not_found(get, message, **kwargs):
    """Return `get(**kwargs)` (a selector's single object); NotFound with `message` if there is none."""
    try:
        return get(**kwargs)
    except ObjectDoesNotExist:
        raise exceptions.NotFound(message) from None


def action_urls(*, route, name, services, inputs, id_kwarg, get_subject, output, present, tag):
    """Return one URL pattern per action of `services`: POST `route` + "<action>/".

    Each action gets its own APIView, input serializer (`inputs[action]`; absent: no body) and
    OpenAPI operation, so generated clients see exactly the fields each action takes.
    `get_subject(user, pk)` answers 404 (or 403) for a subject the user may not see before any
    input is read; `present(request, subject)` is the answer (the `output` serializer's data) for
    the subject the service returns. Responses: 200, 400 bad input, 403 not yours, 404 not found,
    409 not allowed in the subject's state. The service's docstring documents the operation.
    """
    return [
        path(f"{route}{action.replace('_', '-')}/",
             _action_view(action, service, inputs.get(action), id_kwarg, get_subject, output, present,
                          tag).as_view(),
             name=f"{name}-{action.replace('_', '-')}")
        for action, service in services.items()
    ]


class NewestFirstPagination(CursorPagination):
    """Pages of a list that keeps growing, newest first: {next, previous, results}.

    A cursor rather than a page number, so rows added while a client pages through never push
    others onto a page it has read already; the primary key is the stable, indexed order.
    """

    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def _action_view(action, service, input_serializer, id_kwarg, get_subject, output, present, tag):
    description = (service.__doc__ or "").strip()

    @extend_schema(operation_id=f"{tag}_{action}", request=input_serializer, description=description,
                   responses={200: output, 400: None, 403: None, 404: None, 409: None}, tags=[tag])
    def post(self, request, **kwargs):
        pk = kwargs[id_kwarg]
        get_subject(request.user, pk)
        values = {}
        if input_serializer is not None:
            data = input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        return Response(present(request, service(**{id_kwarg: pk}, actor=request.user, **values)))

    class_name = "".join(part.title() for part in f"{tag}_{action}".split("_")) + "Api"
    return type(class_name, (APIView,), {"post": post, "__doc__": description})
