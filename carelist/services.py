"""Writes of the special-group files: register a person, record a visit, close a file, log a view.

Each move of a file is one function over the shared engine (carelist.workflow); the pages, the API,
the admin and the demo call these and nothing else.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_in_scope
from audit.models import AuditEvent
from audit.services import audit_record
from govportal.crypto import sealed
from govportal.masking import mask_id_number, mask_phone

from .models import CareEvent, CareHelper, CareMembership, CarePerson, CareVisit
from .selectors import is_leadership, person_get
from .workflow import CARE

VISIT_IN_FUTURE = _("A visit cannot be recorded before it happened.")
VISIT_BEFORE_REGISTRATION = _("The visit is dated before the person was registered.")
NO_LEVEL = _("Give at least one group and level.")
PLACE_REQUIRED = _("Say where the visit took place.")
NOT_YOUR_AREA = _("Only the leadership of the area that holds the grid registers persons there.")
HELPER_ELSEWHERE = _("%(helper)s does not work in the area of this grid.")


def care_person_register(*, actor, name, id_number, phone, address, grid, levels, helpers, building=None,
                         registered_on=None):
    """Register a person in their groups and levels with their helpers [(user, kind)]; return them.

    `actor`: the user registering, on the file's timeline — the leadership of an area holding the grid,
    pairing helpers who work there — or None for data loaded as it stands (the demo, an import).
    """
    if actor is not None:
        _register_check(actor, grid, helpers)
    if not levels:
        raise CARE.input_error(NO_LEVEL, "levels")
    with transaction.atomic():
        person = CarePerson.objects.create(
            name=name, address=address, grid=grid, building=building,
            registered_on=registered_on or timezone.localdate(),
            **sealed("id_number", id_number, mask=mask_id_number, indexed=True),
            **sealed("phone", phone, mask=mask_phone),
        )
        CareMembership.objects.bulk_create([CareMembership(person=person, level=level) for level in levels])
        CareHelper.objects.bulk_create([CareHelper(person=person, user=user, kind=kind) for user, kind in helpers])
        care_schedule_refresh(person=person)
        CareEvent.objects.create(person=person, action="register", to_status=person.status, actor=actor)
    return person


def _register_check(actor, grid, helpers):
    if not (actor.is_superuser or (is_leadership(actor) and is_in_scope(actor, grid.code))):
        raise PermissionDenied(NOT_YOUR_AREA)
    for user, _kind in helpers:
        if not is_in_scope(user, grid.code):
            raise CARE.input_error(HELPER_ELSEWHERE % {"helper": user}, "helpers")


def care_schedule_refresh(*, person):
    """Recompute and save the person's next visit due (after their groups or levels changed)."""
    person.schedule_refresh()
    person.save(update_fields=["next_visit_due"])


def care_visit_record(*, person_id, actor, visited_on, place, way, condition, note="", follow_up_needed=False):
    """A helper records a visit paid to the person; the next visit falls due one interval after the latest."""
    if visited_on > timezone.localdate():
        raise CARE.input_error(VISIT_IN_FUTURE, "visited_on")
    CARE.require_reason(place, field="place", message=PLACE_REQUIRED)

    def write(person):
        if visited_on < person.registered_on:
            raise CARE.input_error(VISIT_BEFORE_REGISTRATION, "visited_on")
        CareVisit.objects.create(person=person, visited_on=visited_on, place=place.strip(), way=way,
                                 condition=condition, note=note.strip(), follow_up_needed=follow_up_needed,
                                 recorded_by=actor)
        # A visit entered late, dated before the latest one, leaves the schedule as it was.
        if person.last_visited_on is None or visited_on > person.last_visited_on:
            person.last_visited_on = visited_on
            person.schedule_refresh()

    return CARE.apply(person_id, "record_visit", actor=actor, change=write)


def care_person_close(*, person_id, actor, reason):
    """The leadership closes the file (the correction ended, the person moved away, …), saying why."""
    CARE.require_reason(reason)

    return CARE.apply(person_id, "close", actor=actor, reason=reason.strip(),
                      change=lambda person: person.schedule_refresh())  # closed: no visit falls due


def care_person_view(*, user, pk):
    """Return person `pk` for `user` to read, recording the view in the audit trail (PIPL); a refused
    view is recorded too, then CarePerson.DoesNotExist (a 404) is raised."""
    target = f"{CarePerson._meta.label_lower}:{pk}"
    try:
        person = person_get(user=user, pk=pk)
    except CarePerson.DoesNotExist:
        audit_record(action=AuditEvent.Action.CARE_FILE_VIEW, result=AuditEvent.Result.FAILURE, actor=user,
                     target=target)
        raise
    audit_record(action=AuditEvent.Action.CARE_FILE_VIEW, result=AuditEvent.Result.SUCCESS, actor=user,
                 target=target)
    return person


# The service of each action a person takes on a file, by the table's name.
ACTION_SERVICES = {"record_visit": care_visit_record, "close": care_person_close}
