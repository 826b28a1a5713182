"""Writes of the registers: people moving in and out, rental houses registered and inspected, reveals
of personal data, and the sweep warning grid workers of overdue inspections."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.models import AuditEvent
from audit.services import audit_record
from govportal import crypto
from govportal.errors import DomainConflict
from govportal.masking import mask_id_number, mask_name, mask_numbers, mask_phone
from incidents.models import Notification
from incidents.notifications import notifications_wake_up

from .models import House, Household, Inspection, RentalHouse, Residence, ResidenceEvent, Resident, ResidentReveal
from .selectors import grids_of_workers, may_edit, resident_get
from .workflow import NOT_YOUR_GRID, RESIDENCES, RegisterInputError

BAD_ID_NUMBER = _("Enter an 18-character ID number (17 digits and a digit or X).")
BAD_PHONE = _("Enter a phone number of digits (a leading + and hyphens allowed).")
LEASE_REQUIRED = _("A tenant's lease start date is required.")
LEASE_ONLY_FOR_TENANTS = _("Only tenants have a lease.")
NOT_A_RENTAL_HOUSE = _("Tenants live in rental houses: register this house as one first.")
ALREADY_LIVING = _("This person lives at %(house)s already: record the move-out there first.")
MOVED_IN_BEFORE_LAST_MOVE_OUT = _("This person moved out of their last house on %(date)s: move-in cannot be earlier.")
IN_THE_FUTURE = _("This date is in the future.")
OUT_BEFORE_IN = _("The move-out date cannot be before the move-in date (%(date)s).")
ALREADY_RENTAL = _("This house is a rental house already.")
HOUSE_EXISTS = _("This building has this room already.")
INSPECTION_BEFORE_LAST = _("The last inspection was on %(date)s: record inspections in order.")
REVEAL_REASON_REQUIRED = _("Say why you need the full data.")
NOTHING_TO_REVEAL = _("Nothing recorded to reveal.")
REVEAL_NOT_ALLOWED = _("Only the grid workers of this resident's grid may reveal their data.")
OVERDUE_NOTICE = "inspection_overdue"
OVERDUE_SWEEP_BATCH = 1000
ADDRESSES_NAMED = 3  # in an overdue notice; the rest are counted

ID_NUMBER_PATTERN = re.compile(r"^\d{17}[\dX]$")
PHONE_PATTERN = re.compile(r"^\+?\d[\d-]{4,19}$")


def _edit_check(user, area_code):
    if not may_edit(user=user, area_code=area_code):
        raise PermissionDenied(NOT_YOUR_GRID)


def _not_in_future(day, field):
    if day > timezone.localdate():
        raise RegisterInputError(IN_THE_FUTURE, field)


def id_number_clean(value):
    """Return the ID number in its stored form (upper-case X); RegisterInputError if it is not one."""
    number = (value or "").strip().upper()
    if not ID_NUMBER_PATTERN.match(number):
        raise RegisterInputError(BAD_ID_NUMBER, "id_number")
    return number


def phone_clean(value):
    """Return the phone number stripped of spaces ("" for none); RegisterInputError if it is not one."""
    phone = re.sub(r"\s", "", value or "")
    if phone and not PHONE_PATTERN.match(phone):
        raise RegisterInputError(BAD_PHONE, "phone")
    return phone


def _lease_check(*, house, kind, lease_start, lease_end):
    if kind == Resident.Kind.TENANT:
        if lease_start is None:
            raise RegisterInputError(LEASE_REQUIRED, "lease_start")
        if not RentalHouse.objects.filter(house=house).exists():
            raise RegisterInputError(NOT_A_RENTAL_HOUSE, "kind")
    elif lease_start or lease_end:
        raise RegisterInputError(LEASE_ONLY_FOR_TENANTS, "lease_start")


def resident_move_in(*, actor, house, kind, name, id_number, moved_in_on, phone="", household="",
                     lease_start=None, lease_end=None):
    """Record that a person moved into `house` (in its household numbered `household`, registered if new)
    and return their new residence.

    The person is found by their ID number's keyed hash: someone who lived in the registers before
    keeps their record (and its history); a newcomer gets one. Someone still living elsewhere is
    refused (409) until their move-out there is recorded: a residence is never overwritten.
    """
    _edit_check(actor, house.area_code)
    id_number, phone = id_number_clean(id_number), phone_clean(phone)
    _not_in_future(moved_in_on, "moved_in_on")
    _lease_check(house=house, kind=kind, lease_start=lease_start, lease_end=lease_end)
    try:
        with transaction.atomic():
            resident = _resident_for_move(id_number=id_number, name=name.strip(), phone=phone, kind=kind,
                                          area_code=house.area_code, moved_in_on=moved_in_on)
            residence = Residence.objects.create(
                resident=resident, house=house, household=_household(house, household), area_code=house.area_code,
                moved_in_on=moved_in_on, lease_start=lease_start, lease_end=lease_end)
            ResidenceEvent.objects.create(residence=residence, action="move_in", to_status=residence.status,
                                          actor=actor)
    except IntegrityError:  # the same person entered at the same instant by two workers
        raise DomainConflict(ALREADY_LIVING % {"house": house}) from None
    return residence


def _resident_for_move(*, id_number, name, phone, kind, area_code, moved_in_on):
    """Return the person with `id_number` (locked), updated to what the worker found now, or a new record."""
    id_hash = crypto.blind_index(id_number)
    resident = Resident.objects.select_for_update().filter(id_number_hash=id_hash).first()
    if resident is None:
        return Resident.objects.create(
            kind=kind, area_code=area_code, **crypto.sealed("name", name, mask=mask_name),
            **crypto.sealed("id_number", id_number, mask=mask_id_number, indexed=True),
            **crypto.sealed("phone", phone, mask=mask_phone))
    current = resident.residences.filter(status=Residence.Status.LIVING).select_related("house__building").first()
    if current is not None:
        raise DomainConflict(ALREADY_LIVING % {"house": current.house})
    last_out = resident.residences.order_by("-moved_out_on").values_list("moved_out_on", flat=True).first()
    if last_out and moved_in_on < last_out:
        raise RegisterInputError(MOVED_IN_BEFORE_LAST_MOVE_OUT % {"date": last_out}, "moved_in_on")
    resident.kind, resident.area_code = kind, area_code
    for column, value in {**crypto.sealed("name", name, mask=mask_name),
                          **crypto.sealed("phone", phone, mask=mask_phone)}.items():
        setattr(resident, column, value)
    resident.save()
    return resident


def residence_move_out(*, residence_id, actor, moved_out_on, reason=""):
    """Record that the resident moved out of the house on `moved_out_on`; return the ended residence."""
    _not_in_future(moved_out_on, "moved_out_on")

    def change(residence):
        if moved_out_on < residence.moved_in_on:
            raise RegisterInputError(OUT_BEFORE_IN % {"date": residence.moved_in_on}, "moved_out_on")
        residence.moved_out_on = moved_out_on

    return RESIDENCES.apply(residence_id, "move_out", actor=actor, reason=reason, change=change)


def house_add(*, actor, building, floor, room, unit="", use=House.Use.RESIDENTIAL, floor_area_m2=None):
    """Register a house (a room) of `building`, in a grid of `actor`'s, and return it."""
    _edit_check(actor, building.grid.code)
    try:
        with transaction.atomic():
            return House.objects.create(building=building, unit=unit.strip(), floor=floor, room=room.strip(), use=use,
                                        floor_area_m2=floor_area_m2)
    except IntegrityError:
        raise DomainConflict(HOUSE_EXISTS) from None


def _household(house, number):
    """Return the household numbered `number` at `house`, registered if new; None for no number."""
    number = (number or "").strip()
    return Household.objects.get_or_create(house=house, number=number)[0] if number else None


def rental_house_register(*, actor, house, owner_name, grade, registered_on, owner_phone=""):
    """Register `house` as a rental house of risk `grade`; its first inspection falls due one interval on."""
    _edit_check(actor, house.area_code)
    _not_in_future(registered_on, "registered_on")
    owner_phone = phone_clean(owner_phone)
    try:
        with transaction.atomic():
            return RentalHouse.objects.create(
                house=house, grade=grade, registered_on=registered_on,
                next_inspection_due=grade.next_due(registered_on),
                **crypto.sealed("owner_name", owner_name.strip(), mask=mask_name),
                **crypto.sealed("owner_phone", owner_phone, mask=mask_phone))
    except IntegrityError:
        raise DomainConflict(ALREADY_RENTAL) from None


def inspection_record(*, rental_house_id, actor, inspected_on, grade=None, findings=""):
    """Record an inspection of the rental house (keeping or changing its risk grade) and return it.

    The next inspection falls due one interval of the grade after this one (RiskGrade.next_due); the
    row is locked, so two inspections recorded at once are applied one after the other.
    """
    _not_in_future(inspected_on, "inspected_on")
    with transaction.atomic():
        rental = RentalHouse.objects.select_for_update().select_related("grade").get(pk=rental_house_id)
        _edit_check(actor, rental.area_code)
        if rental.last_inspected_on and inspected_on < rental.last_inspected_on:
            raise RegisterInputError(INSPECTION_BEFORE_LAST % {"date": rental.last_inspected_on}, "inspected_on")
        grade = grade or rental.grade
        inspection = Inspection.objects.create(rental_house=rental, inspected_on=inspected_on, inspector=actor,
                                               grade=grade, findings=findings.strip())
        rental.grade, rental.last_inspected_on = grade, inspected_on
        rental.next_inspection_due = grade.next_due(inspected_on)
        rental.save(update_fields=["grade", "last_inspected_on", "next_inspection_due"])
    return inspection


def resident_reveal(*, resident_id, actor, field, reason):
    """Return a resident's full name, ID or phone number and record who saw it and why.

    Resident.DoesNotExist unless `actor` sees the resident (404). Only the grid workers of the
    resident's grid may reveal (least privilege); a refusal is recorded in the audit trail, a reveal
    goes there from its ResidentReveal row.
    """
    resident = resident_get(user=actor, resident_id=resident_id)
    if field not in ResidentReveal.Field.values:
        raise RegisterInputError(NOTHING_TO_REVEAL, "field")
    reason = (reason or "").strip()
    if not reason:
        raise RegisterInputError(REVEAL_REASON_REQUIRED, "reason")
    if not may_edit(user=actor, area_code=resident.area_code):
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE, actor=actor,
                     target=f"registers.resident:{resident.pk}",
                     details={"field": field, "reason": mask_numbers(reason)})
        raise PermissionDenied(REVEAL_NOT_ALLOWED)
    token = getattr(resident, f"{field}_encrypted")
    if not token:
        raise RegisterInputError(NOTHING_TO_REVEAL, "field")
    ResidentReveal.objects.create(resident=resident, field=field, reason=reason[:200], actor=actor)
    return crypto.decrypt(token)


# --- the overdue-inspection sweep --------------------------------------------------------------

# Claims a batch of rental houses overdue and not yet warned for their current due date, and marks
# them warned in the same statement: two sweeps never warn for the same house and due date.
_CLAIM_OVERDUE_SQL = """
    WITH overdue AS (
        SELECT id FROM registers_rentalhouse
         WHERE next_inspection_due < %(today)s
           AND overdue_warned_for IS DISTINCT FROM next_inspection_due
         ORDER BY id
         LIMIT %(limit)s
           FOR UPDATE SKIP LOCKED
    )
    UPDATE registers_rentalhouse AS rental SET overdue_warned_for = rental.next_inspection_due
      FROM overdue WHERE rental.id = overdue.id
    RETURNING rental.id, rental.area_code
"""


def inspections_overdue_warn(*, today=None, batch_size=OVERDUE_SWEEP_BATCH):
    """Tell each grid worker, once per overdue period, about the rental houses of their grid whose
    inspection is overdue; return how many houses were claimed.

    Set-based: a batch of houses is claimed and marked in one statement, then one notice per worker
    names their houses; the notices are delivered after commit. A house inspected since gets a new
    due date, so it is warned again only when that one passes too.
    """
    today = today or timezone.localdate()
    claimed = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_CLAIM_OVERDUE_SQL, {"today": today, "limit": batch_size})
                rows = cursor.fetchall()
            if rows:
                _overdue_notices_create(rows)
                transaction.on_commit(notifications_wake_up)
        claimed += len(rows)
        if len(rows) < batch_size:
            return claimed


def _overdue_notices_create(rows):
    """Write one notice per grid worker naming the claimed rental houses `rows` ((id, grid code)) of their grids."""
    houses_by_grid = {}
    for rental in (RentalHouse.objects.filter(pk__in=[pk for pk, _code in rows])
                   .select_related("house__building").order_by("next_inspection_due", "pk")):
        houses_by_grid.setdefault(rental.area_code, []).append(rental)
    houses_of_worker = {}
    for code, user_ids in grids_of_workers(codes=list(houses_by_grid)).items():
        for user_id in user_ids:
            houses_of_worker.setdefault(user_id, []).extend(houses_by_grid[code])
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the platform's language
        Notification.objects.bulk_create([
            Notification(user_id=user_id, kind=OVERDUE_NOTICE, text=_overdue_text(houses)[:300],
                         link=reverse("registers-home") + "#overdue")
            for user_id, houses in houses_of_worker.items()
        ])


def _overdue_text(houses):
    named = "、".join(str(rental.house) for rental in houses[:ADDRESSES_NAMED])
    more = " …" if len(houses) > ADDRESSES_NAMED else ""
    return ngettext("%(count)d rental house overdue for inspection: %(houses)s",
                    "%(count)d rental houses overdue for inspection: %(houses)s", len(houses)) % {
        "count": len(houses), "houses": named + more}
