"""The sweep that marks a decision implemented once every work order made for it is done.

Set-based, like participation.sweeps: one statement claims the published, adopted topics whose work
orders are all closed (SKIP LOCKED, so two sweepers never take the same row), moves them and writes
their events; a topic once moved is no longer published, so running it twice, or two at once, moves
it once. The source and target states and the action come from the transition table.
"""

from django.db import connection, transaction
from django.utils import timezone

from .models import Topic
from .workflow import IMPLEMENTATION_SWEEP, TICKET_DONE, TOPIC_TRANSITIONS

ACTION = "implement"

_IMPLEMENT_SQL = """
WITH due AS (
    SELECT topic.id FROM deliberation_topic topic
    WHERE topic.status = ANY(%(sources)s) AND topic.result = %(adopted)s
      AND EXISTS (SELECT 1 FROM deliberation_topicworkorder link WHERE link.topic_id = topic.id)
      AND NOT EXISTS (SELECT 1 FROM deliberation_topicworkorder link
                      JOIN incidents_ticket ticket ON ticket.id = link.ticket_id
                      WHERE link.topic_id = topic.id AND NOT ticket.status = ANY(%(done)s))
    FOR UPDATE OF topic SKIP LOCKED
), moved AS (
    UPDATE deliberation_topic topic SET status = %(target)s, implemented_at = %(now)s
    FROM due WHERE topic.id = due.id
    RETURNING topic.id
)
INSERT INTO deliberation_topicevent (topic_id, action, from_status, to_status, system, reason, created_at)
SELECT id, %(action)s, %(source)s, %(target)s, %(system)s, '', %(now)s FROM moved
RETURNING topic_id
"""


def topics_implemented_mark(*, now=None):
    """Mark implemented the adopted decisions whose work orders are all done; return the topic ids."""
    transition = TOPIC_TRANSITIONS[ACTION]
    (source,) = transition.sources
    params = {"sources": [source], "source": source, "target": transition.target, "adopted": Topic.Result.ADOPTED,
              "done": list(TICKET_DONE), "now": now or timezone.now(), "action": ACTION,
              "system": IMPLEMENTATION_SWEEP.name}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_IMPLEMENT_SQL, params)
        return [row[0] for row in cursor.fetchall()]
