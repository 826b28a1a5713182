"""Writes of deliberation: raising and supporting topics, calling meetings and recording who came (their
points credited once), the vote and its decision, publishing it (公示), and the work orders that carry it
out. Each move of a topic goes through the shared engine (workflow.TOPICS)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE, is_in_scope
from govportal.errors import DomainConflict
from govportal.workflow import ROLE_NOT_ALLOWED
from grids.models import Area
from incidents import services as ticket_services
from incidents.models import Ticket
from participation import photos as topic_photos
from participation import points
from participation.models import Participant, PointEntry, PointReason
from participation.workflow import COMMUNITY_ROLES

from .models import Attendance, Meeting, Support, Topic, TopicEvent, TopicPhoto, TopicWorkOrder
from .workflow import TOPICS, DeliberationInputError

PHOTO_ROOT = "deliberation"
MAX_PHOTOS = 3
PUBLIC_DAYS_DEFAULT = 7  # 公示期: the usual seven days

NOT_A_COMMUNITY = _("Choose a community.")
ALREADY_SUPPORTED = _("You support this topic already: one support a resident.")
SUPPORT_CLOSED = _("This topic is no longer open for support.")
NOT_THIS_COMMUNITYS_MEETING = _("Choose a meeting of the topic's community.")
NOT_CONFIRMED_HERE = _("%(name)s is not a confirmed participant of this community.")
NO_VOTES = _("Give the votes cast.")
MORE_VOTES_THAN_ATTENDANCE = _("%(votes)d votes were cast but %(present)d people attended: record the attendance "
                               "first.")
DECISION_REQUIRED = _("Write the decision.")
WORK_ORDER_TITLE = _("Deliberation decision “%(topic)s”: %(description)s")


def _check_staff(actor, community):
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)


def _topic_create(*, community, title, description, photos, event, **raised_by):
    """Create the topic with its photos and first event; the photo files are deleted if it does not commit."""
    if community.level != Area.Level.COMMUNITY:
        raise DeliberationInputError(NOT_A_COMMUNITY, "community")
    stored = topic_photos.photos_store(photos, root=PHOTO_ROOT, max_count=MAX_PHOTOS)
    with topic_photos.photos_kept_if_committed(stored, model=TopicPhoto), transaction.atomic():
        topic = Topic.objects.create(community=community, title=title.strip(), description=description.strip(),
                                     **raised_by)
        TopicPhoto.objects.bulk_create(
            TopicPhoto(topic=topic, image=photo.image, thumbnail=photo.thumbnail, width=photo.width,
                       height=photo.height) for photo in stored)
        TopicEvent.objects.create(topic=topic, action="raise", to_status=topic.status, **event)
    return topic


def topic_raise(*, community, title, description, phone_hash, photos=()):
    """A resident raises a topic of `community` on their phone (`phone_hash`: the phone they proved)."""
    return _topic_create(community=community, title=title, description=description, photos=photos,
                         raised_by_phone_hash=phone_hash, event={})


def topic_enter(*, actor, community, title, description, photos=()):
    """Community staff raise a topic themselves (one heard at the door, at a hall, on the phone)."""
    _check_staff(actor, community)
    return _topic_create(community=community, title=title, description=description, photos=photos,
                         raised_by_staff=actor, event={"actor": actor})


def topic_support(*, topic_id, phone_hash):
    """Count a resident's support of a topic still open for it; ALREADY_SUPPORTED the second time (409)."""
    topic = Topic.objects.get(pk=topic_id)
    if topic.status not in (Topic.Status.RAISED, Topic.Status.SELECTED):
        raise DomainConflict(SUPPORT_CLOSED)
    try:
        with transaction.atomic():
            return Support.objects.create(topic=topic, phone_hash=phone_hash)
    except IntegrityError:
        raise DomainConflict(ALREADY_SUPPORTED) from None


# --- meetings ---

def meeting_call(*, actor, community, title, held_at, place, invited_participants=(), invited_units=(),
                 invited_others=""):
    """Call a meeting of `community`, inviting residents' representatives, departments and other parties."""
    _check_staff(actor, community)
    if community.level != Area.Level.COMMUNITY:
        raise DeliberationInputError(NOT_A_COMMUNITY, "community")
    _check_participants(community, invited_participants, "invited_participants")
    with transaction.atomic():
        meeting = Meeting.objects.create(community=community, title=title.strip(), held_at=held_at,
                                         place=place.strip(), invited_others=invited_others.strip(),
                                         called_by=actor)
        meeting.invited_participants.set(invited_participants)
        meeting.invited_units.set(invited_units)
    return meeting


def _check_participants(community, participants, field):
    for person in participants:
        if person.community_id != community.pk or person.status != Participant.Status.CONFIRMED:
            raise DeliberationInputError(NOT_CONFIRMED_HERE % {"name": person.name}, field)


def attendance_record(*, meeting_id, actor, participants):
    """Record who attended a meeting and credit each newcomer's points by the city's rule; return the new rows.

    Idempotent: the meeting's row is locked, people already recorded are skipped, and the unique
    (meeting, participant) pair stands behind that, so each person earns once per meeting.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related(
            "community__parent__parent__parent").get(pk=meeting_id)
        _check_staff(actor, meeting.community)
        _check_participants(meeting.community, participants, "participants")
        present = set(meeting.attendances.values_list("participant_id", flat=True))
        value = points.city_rule_points(community=meeting.community, reason=PointReason.ATTENDANCE)
        recorded = []
        for person in {p.pk: p for p in participants if p.pk not in present}.values():
            entry = PointEntry.objects.create(participant=person, reason=PointReason.ATTENDANCE, points=value,
                                              note=str(meeting)) if value else None
            recorded.append(Attendance.objects.create(meeting=meeting, participant=person, point_entry=entry,
                                                      recorded_by=actor))
    return recorded


def meeting_minutes_record(*, meeting_id, actor, minutes):
    """Keep the minutes of a meeting (纪要)."""
    meeting = Meeting.objects.select_related("community").get(pk=meeting_id)
    _check_staff(actor, meeting.community)
    Meeting.objects.filter(pk=meeting.pk).update(minutes=minutes.strip())
    meeting.minutes = minutes.strip()
    return meeting


# --- a topic's course ---

def topic_select(*, topic_id, actor, meeting):
    """Put a topic on the agenda of a meeting of its community."""
    def change(topic):
        if meeting.community_id != topic.community_id:
            raise DeliberationInputError(NOT_THIS_COMMUNITYS_MEETING, "meeting")
        topic.meeting = meeting

    return TOPICS.apply(topic_id, "select", actor=actor, change=change, reason=str(meeting))


def topic_deselect(*, topic_id, actor, reason=""):
    """Take a topic off its meeting's agenda, saying why; it waits for another meeting."""
    TOPICS.require_reason(reason)

    def change(topic):
        topic.meeting = None

    return TOPICS.apply(topic_id, "deselect", actor=actor, change=change, reason=reason)


def vote_result(*, votes_for, votes_against, votes_abstain):
    """Return the result of a vote: adopted by more than half of the votes cast (abstentions count as cast)."""
    cast = votes_for + votes_against + votes_abstain
    return Topic.Result.ADOPTED if votes_for * 2 > cast else Topic.Result.REJECTED


def topic_decide(*, topic_id, actor, votes_for, votes_against, votes_abstain, decision):
    """Record the meeting's vote on a topic and its decision; the result follows from the votes (vote_result)."""
    if not decision.strip():
        raise DeliberationInputError(DECISION_REQUIRED, "decision")

    def change(topic):
        cast = votes_for + votes_against + votes_abstain
        if cast < 1:
            raise DeliberationInputError(NO_VOTES, "votes_for")
        present = topic.meeting.attendances.count()
        if cast > present:
            raise DeliberationInputError(MORE_VOTES_THAN_ATTENDANCE % {"votes": cast, "present": present},
                                         "votes_for")
        topic.votes_for, topic.votes_against, topic.votes_abstain = votes_for, votes_against, votes_abstain
        topic.result = vote_result(votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
        topic.decision, topic.decided_at = decision.strip(), timezone.now()

    return TOPICS.apply(topic_id, "decide", actor=actor, change=change)


def topic_publish(*, topic_id, actor, days=PUBLIC_DAYS_DEFAULT):
    """Publish the decision on the community's public page (公示) for `days` days, today the first."""
    def change(topic):
        topic.published_at = timezone.now()
        topic.public_until = timezone.localdate() + timedelta(days=days - 1)

    return TOPICS.apply(topic_id, "publish", actor=actor, change=change)


def topic_order_work(*, topic_id, actor, category, location, description, address=""):
    """Turn an adopted decision into a work order at `location` (its community's chain handles it); the topic
    follows it (topic → work orders, and the work order's page names the topic)."""
    def change(topic):
        ticket, _created = ticket_services.ticket_create(
            source=Ticket.Source.GRID_WORKER, category=category, location=location, address=address.strip(),
            reporter=actor, description=str(WORK_ORDER_TITLE % {"topic": topic.title,
                                                                "description": description.strip()}))
        TopicWorkOrder.objects.create(topic=topic, ticket=ticket)

    return TOPICS.apply(topic_id, "order_work", actor=actor, change=change, reason=description.strip())


def topic_close(*, topic_id, actor, reason=""):
    """Close a published topic that needs no (more) government action, saying why."""
    TOPICS.require_reason(reason)
    return TOPICS.apply(topic_id, "close", actor=actor, reason=reason)


ACTION_SERVICES = {"select": topic_select, "deselect": topic_deselect, "decide": topic_decide,
                   "publish": topic_publish, "order_work": topic_order_work, "close": topic_close}
