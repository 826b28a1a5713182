"""The sweep of tasks whose places are still free at their take-by time: each warns its community once.

Set-based: one statement claims the due tasks (the partial index task_unwarned_take_by_idx, SKIP
LOCKED so two sweepers never take the same row), marks them warned and writes their events; a task
once marked is never warned again, so running it twice, or two at once, warns once. The source
states and the action come from the transition table (workflow.TASK_TRANSITIONS).
"""

from django.db import connection, transaction
from django.utils import timezone

from .models import TaskClaim
from .workflow import TASK_TRANSITIONS, UNCLAIMED_SWEEP

ACTION = "unclaimed_warn"
BATCH = 1000

_WARN_SQL = """
WITH due AS (
    SELECT task.id FROM participation_task task
    WHERE task.status = ANY(%(sources)s) AND task.unclaimed_warned_at IS NULL AND task.take_by <= %(now)s
      AND (SELECT count(*) FROM participation_taskclaim claim
           WHERE claim.task_id = task.id AND claim.status = ANY(%(holding)s)) < task.quota
    ORDER BY task.take_by LIMIT %(batch)s
    FOR UPDATE OF task SKIP LOCKED
), warned AS (
    UPDATE participation_task task SET unclaimed_warned_at = %(now)s FROM due WHERE task.id = due.id
    RETURNING task.id, task.status
)
INSERT INTO participation_taskevent (task_id, action, from_status, to_status, system, reason, created_at)
SELECT id, %(action)s, status, status, %(system)s, '', %(now)s FROM warned
RETURNING task_id
"""


def unclaimed_tasks_warn(*, now=None):
    """Warn the communities of open tasks with places still free at their take-by time; return the task ids."""
    params = {"sources": list(TASK_TRANSITIONS[ACTION].sources), "holding": list(TaskClaim.HOLDING),
              "now": now or timezone.now(), "batch": BATCH, "action": ACTION, "system": UNCLAIMED_SWEEP.name}
    warned = []
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_WARN_SQL, params)
            batch = [row[0] for row in cursor.fetchall()]
        warned.extend(batch)
        if len(batch) < BATCH:
            return warned
