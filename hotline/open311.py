"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/, in JSON and XML.

Services are the active minor categories of the catalogue; service requests are work orders
(service_request_id = the ticket's number). Reading is public, as the specification intends;
POSTing needs an `api_key` (hotline.models.Open311Key, managed in the admin), at most
OPEN311_POSTS_PER_KEY_PER_HOUR times an hour, and makes a citizen work order routed by its
location like any other.

What is read publicly leaks nothing about people (PIPL, domain.md §7): only citizens' own reports
in categories marked public are listed (never hotline, grid-worker, sensor or leader orders, nor
security, fire, rental or dispute matters); the place is the grid's centroid and the grid and
street names, never the exact address or point; ID, bank-card and phone numbers in the
description and the status notes are masked (govportal.masking.mask_numbers).

Errors answer the specification's body — JSON `[{"code": 400, "description": "…"}]`, XML
`<errors><error><code>400</code><description>…</description></error></errors>` — with HTTP 400
(bad or missing argument), 403 (bad api_key), 404 (unknown service, request or token) or 429 (the
key's hourly limit reached).
"""

from datetime import timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.gis.db.models.functions import Centroid
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Case, Exists, F, OuterRef, Subquery, When
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govportal.dates import FIRST_YEAR, LAST_YEAR, in_years
from govportal.errors import DomainInputError
from govportal.masking import mask_numbers
from grids.selectors import PointOutsideGrids, grid_locate
from incidents.models import Category, Ticket, TicketMerge, Urgency
from incidents.ratelimit import rate_limit_hit

from . import services
from .models import Call, Open311Key, Open311Request

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"  # when this endpoint's behaviour last changed (discovery)
DEFAULT_DAYS = 90  # GeoReport v2: without start/end dates, the last 90 days
MAX_RESULTS = 1000  # … and at most 1000 requests
# The attribute every service defines (metadata=true): the urgency of the matter.
URGENCY_ATTRIBUTE = "urgency"


class Open311Error(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.status, self.description = status, description


# --- rendering --------------------------------------------------------------------------------


def _xml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml_element(tag, value, item_tags):
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_xml_element(key, child, item_tags))
    elif isinstance(value, list):
        for child in value:
            element.append(_xml_element(item_tags[tag], child, item_tags))
    else:
        element.text = _xml_value(value)
    return element


# Element names of list items in the specification's XML.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}


def render(data, fmt, root, status=200):
    """Return `data` as JSON, or as XML under the element `root` with the specification's names."""
    if fmt == "json":
        return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    body = ET.tostring(_xml_element(root, data, ITEM_TAGS), encoding="unicode")
    return HttpResponse('<?xml version="1.0" encoding="utf-8"?>' + body, status=status,
                        content_type="text/xml; charset=utf-8")


def _errors(error, fmt):
    return render([{"code": error.status, "description": error.description}], fmt, "errors", status=error.status)


def open311_view(methods):
    """Wrap a view taking `fmt`: restrict its methods and turn Open311Error into the error body."""
    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        def wrapper(request, *args, fmt, **kwargs):
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return _errors(error, fmt)
        wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
        return wrapper
    return decorate


# --- services -----------------------------------------------------------------------------


def _services():
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent").order_by("code")


def _service(category):
    return {
        "service_code": category.code, "service_name": category.name,
        "description": f"{category.parent.name} · {category.name}", "metadata": True, "type": "realtime",
        "keywords": ",".join(keyword.keyword for keyword in category.hotline_keywords.all()),
        "group": category.parent.name,
    }


@open311_view(["GET"])
def discovery(request, fmt):
    """The discovery document: where the endpoint is, which specification and formats it serves."""
    url = request.build_absolute_uri(reverse("open311:root"))
    return render({
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [{"specification": SPECIFICATION, "url": url.rstrip("/"), "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }, fmt, "discovery")


@open311_view(["GET"])
def service_list(request, fmt):
    """GET services: every service (minor category) one can request."""
    _check_jurisdiction(request.GET)
    categories = _services().prefetch_related("hotline_keywords")
    return render([_service(category) for category in categories], fmt, "services")


@open311_view(["GET"])
def service_definition(request, service_code, fmt):
    """GET services/{code}: the extra attributes of a service (here the urgency it allows)."""
    _check_jurisdiction(request.GET)
    category = _services().filter(code=service_code).first()
    if category is None:
        raise Open311Error(404, f"service_code {service_code} not found")
    urgencies = category.urgencies or Urgency.values  # none listed: the category allows them all
    return render({"service_code": category.code, "attributes": [{
        "variable": True, "code": URGENCY_ATTRIBUTE, "datatype": "singlevaluelist", "required": False,
        "datatype_description": "", "order": 1, "description": str(_("Urgency")),
        "values": [{"key": key, "name": str(Urgency(key).label)} for key in urgencies],
    }]}, fmt, "service_definition")


def _check_jurisdiction(params):
    jurisdiction = params.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, f"jurisdiction_id {jurisdiction} not found")


# --- requests -----------------------------------------------------------------------------

# "open" to the public: being handled, or on the register (挂账) — not solved, however long it waits.
# A merged order (并单) is open while the order it was merged into is.
PUBLICLY_OPEN = (*Ticket.OPEN_STATUSES, Ticket.Status.PARKED)


def _public_tickets():
    """Work orders the public may read: citizens' reports in public categories, none of a
    confidential call (a call linked to one), each with its grid's centroid and names."""
    confidential = Call.objects.filter(confidential=True, ticket__isnull=False).values("ticket_id")
    merge = TicketMerge.objects.filter(merged=OuterRef("pk"), unmerged_at__isnull=True)
    return (
        Ticket.objects.filter(source=Ticket.Source.CITIZEN, category__is_public=True, grid__isnull=False)
        .exclude(pk__in=confidential)
        .select_related("category", "handling_unit")
        .annotate(grid_centroid=Centroid("grid__geom"), grid_name=F("grid__name"), street_name=F("street__name"),
                  master_number=Subquery(merge.values("master__number")[:1]))
        .annotate(publicly_open=Case(
            When(status__in=PUBLICLY_OPEN, then=True),
            When(status=Ticket.Status.MERGED, then=Exists(merge.filter(master__status__in=PUBLICLY_OPEN))),
            default=False,
        ))
    )


def _status_notes(ticket):
    """What the citizen reads beside the status: the unit's feedback once closed, why an order on the
    register (挂账) stays open, which order a merged one is handled in."""
    if ticket.status == Ticket.Status.PARKED:
        return _("On the register: it cannot be solved for now (funds, planning); it stays open and is "
                 "reviewed until it is.")
    if ticket.status == Ticket.Status.MERGED:
        return _("Merged into %(number)s, which is handled for both.") % {"number": ticket.master_number}
    return "" if ticket.publicly_open else mask_numbers(ticket.feedback)


def _request(ticket):
    """The public view of a work order: blurred to its grid, numbers in its text masked."""
    closed = not ticket.publicly_open
    return {
        "service_request_id": ticket.number,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(ticket),
        "service_name": ticket.category.name,
        "service_code": ticket.category.code,
        "description": mask_numbers(ticket.description),
        "agency_responsible": ticket.handling_unit.name if ticket.handling_unit_id else "",
        "service_notice": "",
        "requested_datetime": ticket.created_at.isoformat(),
        "updated_datetime": ticket.updated_at.isoformat(),
        "expected_datetime": ticket.due_at.isoformat() if ticket.due_at and ticket.status in Ticket.OPEN_STATUSES else "",
        "address": " ".join(filter(None, (ticket.street_name, ticket.grid_name))),
        "address_id": "",
        "zipcode": "",
        "lat": round(ticket.grid_centroid.y, 6),
        "long": round(ticket.grid_centroid.x, 6),
        "media_url": "",
    }


def _parse_date(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed, yet no date (February 30th)
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C date-time such as 2026-11-23T09:00:00+08:00")
    if not in_years(parsed.year):
        raise Open311Error(400, f"{name} must lie in the years {FIRST_YEAR} to {LAST_YEAR}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _csv(params, name):
    return [item.strip() for item in params.get(name, "").split(",") if item.strip()]


@open311_view(["GET", "POST"])
def request_list(request, fmt):
    """GET requests: search service requests; POST requests: create one (api_key required)."""
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    _check_jurisdiction(params)
    tickets = _public_tickets()
    ids = _csv(params, "service_request_id")
    if ids:  # the specification: service_request_id makes every other parameter ignored
        return render([_request(t) for t in tickets.filter(number__in=ids).order_by("-created_at")], fmt,
                      "service_requests")
    codes = _csv(params, "service_code")
    if codes:
        tickets = tickets.filter(category__code__in=codes)
    statuses = set(_csv(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both, comma-delimited")
    if statuses == {"open"}:
        tickets = tickets.filter(publicly_open=True)
    elif statuses == {"closed"}:
        tickets = tickets.filter(publicly_open=False)
    start, end = _parse_date(params, "start_date"), _parse_date(params, "end_date")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and start > end:
        raise Open311Error(400, "start_date must not be after end_date")
    if start is not None:
        tickets = tickets.filter(created_at__gte=start)
    if end is not None:
        tickets = tickets.filter(created_at__lte=end)
    return render([_request(t) for t in tickets.order_by("-created_at")[:MAX_RESULTS]], fmt, "service_requests")


@open311_view(["GET"])
def request_detail(request, service_request_id, fmt):
    """GET requests/{id}: one service request, as a list of one."""
    _check_jurisdiction(request.GET)
    ticket = _public_tickets().filter(number=service_request_id).first()
    if ticket is None:
        raise Open311Error(404, f"service_request_id {service_request_id} not found")
    return render([_request(ticket)], fmt, "service_requests")


@open311_view(["GET"])
def token_detail(request, token, fmt):
    """GET tokens/{token}: the service_request_id a POST's token became."""
    _check_jurisdiction(request.GET)
    found = Open311Request.objects.select_related("ticket").filter(token=token).first()
    if found is None:
        raise Open311Error(404, f"token {token} not found")
    return render([{"service_request_id": found.ticket.number, "token": found.token}], fmt, "service_requests")


def _float(params, name, low, high):
    try:
        value = float(params[name])
    except (KeyError, ValueError):
        raise Open311Error(400, f"{name} must be a number") from None
    if not low <= value <= high:
        raise Open311Error(400, f"{name} must lie between {low} and {high}")
    return value


def _request_create(request, fmt):
    """POST requests: api_key, service_code, lat + long, description, … → a citizen work order."""
    params = request.POST
    _check_jurisdiction(params)
    api_key = Open311Key.objects.filter(key=params.get("api_key") or "", is_active=True).first()
    if api_key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    limit = settings.OPEN311_POSTS_PER_KEY_PER_HOUR
    if rate_limit_hit(f"open311-key:{api_key.pk}", limit=limit):
        raise Open311Error(429, f"api_key has made {limit} requests this hour; try again later")
    code = params.get("service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    category = _services().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    if "lat" not in params and "long" not in params:
        # address_string and address_id are not geocoded here: a location is required.
        raise Open311Error(400, "lat and long are required (address_string alone cannot be located)")
    point = Point(_float(params, "long", -180, 180), _float(params, "lat", -90, 90), srid=4326)
    description = (params.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required")
    urgency = params.get(f"attribute[{URGENCY_ATTRIBUTE}]") or None
    _validate(params.get("email"), EmailValidator(), "email")
    _validate(params.get("media_url"), URLValidator(schemes=["http", "https"]), "media_url")
    try:
        place = grid_locate(point)
    except PointOutsideGrids:
        raise Open311Error(400, "lat/long lie outside the area this jurisdiction serves") from None
    fields = {name: (params.get(name) or "")[:limit] for name, limit in (
        ("phone", 20), ("email", 254), ("first_name", 50), ("last_name", 50), ("account_id", 100),
        ("device_id", 100), ("media_url", 500), ("address_string", 200))}
    try:
        created = services.open311_request_create(
            api_key=api_key, category=category, urgency=urgency, location=point, place=place,
            description=description[:2000], address=fields.pop("address_string"), **fields,
        )
    except DomainInputError as error:
        description = f"{error.field}: {error}"
        if error.field == "urgency":  # ticket_urgency refused it: answered in the parameter's name
            description = f"attribute[{URGENCY_ATTRIBUTE}] must be one of {', '.join(category.urgencies)}"
        raise Open311Error(400, description) from None
    return render([{"service_request_id": created.ticket.number, "token": created.token,
                    "service_notice": "", "account_id": created.account_id}], fmt, "service_requests")


def _validate(value, validator, name):
    if value:
        try:
            validator(value)
        except ValidationError:
            raise Open311Error(400, f"{name} is not valid") from None
