"""Coalesced task wake-ups: many commits, one run of a set-based task a moment later.

A commit that leaves work for a task (tickets to route, notifications to send) wakes it through
`WakeUp.send()`: the task is enqueued only if no run is queued yet (a Redis flag, set with
`cache.add`), to start `gather_seconds` later, so the work arriving meanwhile shares that run. A
run costs milliseconds of Celery and SQL whatever its batch holds; runs of one item each cost
more CPU than the request that made the item (docs/benchmarks.md, intake).

The run calls `clear()` once, *before* its first claim: work committed before the clear is seen by
that claim; work committed after it finds the flag clear (or set by earlier such work) and so has
the next run queued. Nothing is left waiting. Clearing again before later claims would let every
run queue several more, each with an item or two. A lost message leaves the flag set until its
time-to-live ends; the task's own periodic sweep covers the gap.
"""

import logging

from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

FLAG_TTL = 30  # seconds; a flag whose message was lost expires and the next commit re-sends


class WakeUp:
    def __init__(self, flag, task, *, gather_seconds):
        self.flag, self.task, self.gather_seconds = flag, task, gather_seconds

    def send(self, *, force=False):
        """Enqueue a run unless one is queued (`force`: at once, regardless); never raise.

        Returns whether a message went to the broker. A broker or cache outage is logged: the
        work stays stored and the periodic sweep picks it up.
        """
        task = import_string(self.task)
        try:
            if force:
                task.delay()
                return True
            if cache.add(self.flag, 1, timeout=FLAG_TTL):
                task.apply_async(countdown=self.gather_seconds)
                return True
            return False
        except Exception as exc:  # noqa: BLE001 - the work is stored; the sweep sends it
            logger.warning("%s not enqueued (%s); the periodic sweep will run it", self.task, exc)
            self.clear()
            return False

    def clear(self):
        """Mark that a run has started: the next commit enqueues another."""
        try:
            cache.delete(self.flag)
        except Exception:  # noqa: BLE001 - the flag expires on its own
            pass
