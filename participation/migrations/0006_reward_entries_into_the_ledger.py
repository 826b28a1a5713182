"""One points ledger: each reward entry of a citizen's valid report (incidents.RewardEntry) becomes a
VALID_REPORT entry of participation's ledger, with its date and points, credited to the reporter's
registration in the report's community (the nearest community for a place outside every one) or to
a resident reporter registered for them. The phone's sealed columns are copied as they are: the
same key seals both, so no number is read in clear.

Backwards, the entries go back to the reward ledger and leave the points ledger, whose append-only
trigger (0003) is set aside for that one statement: undoing a migration is no correction.
"""

from django.contrib.gis.db.models.functions import Distance
from django.db import migrations

INSERT_ENTRY = """
INSERT INTO participation_pointentry (participant_id, reason, points, ticket_id, note, created_at)
VALUES (%s, 'valid_report', %s, %s, %s, %s)
"""
RESTORE_REWARDS = """
INSERT INTO incidents_rewardentry (phone_encrypted, phone_masked, phone_hash, ticket_id, points, created_at)
SELECT person.phone_encrypted, person.phone_masked, person.phone_hash, entry.ticket_id, entry.points, entry.created_at
FROM participation_pointentry entry JOIN participation_participant person ON person.id = entry.participant_id
WHERE entry.ticket_id IS NOT NULL
"""
# Key checks at once, not at commit: ALTER TABLE refuses a table with trigger events still pending.
FORGET_ENTRIES = """
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE participation_pointentry DISABLE TRIGGER participation_pointentry_append_only;
DELETE FROM participation_pointentry WHERE ticket_id IS NOT NULL;
ALTER TABLE participation_pointentry ENABLE TRIGGER participation_pointentry_append_only;
"""


def _community(Area, ticket):
    if ticket.community_id is not None:
        return ticket.community_id
    nearest = Area.objects.filter(level="community").annotate(distance=Distance("geom", ticket.location)).order_by(
        "distance", "code").first()
    return None if nearest is None else nearest.pk


def _registration(Participant, ParticipantEvent, community_id, reward):
    found = Participant.objects.filter(community_id=community_id, phone_hash=reward.phone_hash).first()
    if found is not None:
        return found
    participant = Participant.objects.create(
        community_id=community_id, kind="resident", name=reward.phone_masked, status="confirmed",
        phone_encrypted=reward.phone_encrypted, phone_masked=reward.phone_masked, phone_hash=reward.phone_hash)
    ParticipantEvent.objects.create(participant=participant, action="first_report", to_status="confirmed")
    return participant


def rewards_into_the_ledger(apps, schema_editor):
    RewardEntry = apps.get_model("incidents", "RewardEntry")
    Area = apps.get_model("grids", "Area")
    Participant = apps.get_model("participation", "Participant")
    ParticipantEvent = apps.get_model("participation", "ParticipantEvent")
    rows = []
    for reward in RewardEntry.objects.select_related("ticket").exclude(points=0).order_by("pk").iterator():
        community_id = _community(Area, reward.ticket)
        if community_id is None:
            raise RuntimeError("A reward entry to move, but no community to credit it in: load the areas first.")
        participant = _registration(Participant, ParticipantEvent, community_id, reward)
        rows.append((participant.pk, reward.points, reward.ticket_id, reward.ticket.number, reward.created_at))
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(INSERT_ENTRY, rows)


def entries_back_to_the_rewards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RESTORE_REWARDS)
        cursor.execute(FORGET_ENTRIES)


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0001_initial'),
        ('incidents', '0025_ticket_status_before_pause_labels'),
        ('participation', '0005_reward_points_in_the_ledger'),
    ]

    operations = [
        migrations.RunPython(rewards_into_the_ledger, entries_back_to_the_rewards),
    ]
