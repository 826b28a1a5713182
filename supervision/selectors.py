"""Reads of supervision: who sees which task, and how each task stands (traffic light)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts.access import scope_q, sees_areas, visible_one

from .calendar import working_days_after
from .models import Milestone, Notice, Programme, Task


def task_scope_q(user):
    """Return a Q selecting the tasks `user` may see: those of their unit (lead or responsible)
    and every task of a programme whose office lies in their scope."""
    if not sees_areas(user):
        return Q(pk__in=[])
    in_area = scope_q(user, code_field="programme__office__area__code")
    if user.unit_id is None:
        return in_area
    responsible = Task.responsible_units.through.objects.filter(task_id=OuterRef("pk"), handlingunit_id=user.unit_id)
    return in_area | Q(lead_unit_id=user.unit_id) | Q(Exists(responsible))


def task_list(*, user):
    """Return the tasks `user` may see."""
    return Task.objects.filter(task_scope_q(user)).select_related("programme", "lead_unit", "parent")


def programme_list(*, user):
    """Return the programmes with at least one task `user` may see, or whose office is in their scope."""
    if not sees_areas(user):
        return Programme.objects.none()
    return Programme.objects.filter(
        scope_q(user, code_field="office__area__code") | Q(pk__in=task_list(user=user).values("programme_id")))


def milestone_list(*, user):
    """Return the milestones of the tasks `user` may see."""
    return Milestone.objects.filter(task__in=task_list(user=user)).select_related("task__programme")


def milestone_get(*, user, pk):
    """Return milestone `pk` if `user` sees it (Milestone.DoesNotExist otherwise: 404)."""
    return visible_one(milestone_list(user=user), pk)


def notice_list(*, user, limit=10):
    """Return the newest reminders and warnings sent to `user`'s unit."""
    if user.unit_id is None:
        return Notice.objects.none()
    return Notice.objects.filter(unit_id=user.unit_id).select_related("milestone__task")[:limit]


def milestone_is_visible(*, user, milestone):
    return milestone_list(user=user).filter(pk=milestone.pk).exists()


# --- how each task stands: traffic light and score ----------------------------------------------


class Light:
    """A task's traffic light (红黄绿灯)."""

    GREEN, YELLOW, RED = "green", "yellow", "red"
    ORDER = {GREEN: 0, YELLOW: 1, RED: 2}
    LABELS = {GREEN: pgettext_lazy("traffic light", "On track"), YELLOW: pgettext_lazy("traffic light", "At risk"),
              RED: pgettext_lazy("traffic light", "Overdue")}


# A task's score: half for meeting its milestones on time, half for reaching its target (judged
# once its end date has passed; before that the score is timeliness alone).
TIMELINESS_SHARE = 0.5


@dataclass
class Standing:
    """How a task stands on `as_of`: its light, its score (0–100, None with nothing due yet) and its parts."""

    light: str
    score: float | None
    timeliness: float | None
    achievement: float | None
    reached: Decimal | None  # the latest accepted figure of a number target

    @property
    def light_label(self):
        return Light.LABELS[self.light]


def task_standing(task, *, as_of, warn_within=None):
    """Return the Standing of `task` on the date `as_of` from its milestones (prefetched or not).

    Red: a milestone is late (past its due date, not submitted in time, not accepted), or the end
    date has passed with a milestone unaccepted. Yellow: a milestone was returned, or one is due within `warn_within`
    (the date the programme's longest reminder reaches) unsubmitted. Green otherwise.
    """
    milestones = list(task.milestones.all())
    pending = [m for m in milestones if m.status != Milestone.Status.ACCEPTED]
    if any(_is_late(m, as_of) for m in pending) or (task.end_date < as_of and pending):
        light = Light.RED
    elif any(m.status == Milestone.Status.RETURNED for m in milestones) or (
            warn_within and any(m.status == Milestone.Status.OPEN and m.due_date <= warn_within for m in milestones)):
        light = Light.YELLOW
    else:
        light = Light.GREEN
    due = [m for m in milestones if m.due_date <= as_of]
    on_time = [m for m in due if m.accepted_at and timezone.localdate(m.accepted_at) <= m.due_date]
    timeliness = len(on_time) / len(due) if due else None
    accepted = sorted((m for m in milestones if m.accepted_at), key=lambda m: (m.due_date, m.accepted_at))
    reached = next((m.figure for m in reversed(accepted) if m.figure is not None), None)
    achievement = _achievement(task, accepted, reached) if task.end_date <= as_of else None
    return Standing(light, _score(timeliness, achievement), timeliness, achievement, reached)


def _is_late(milestone, as_of):
    """Return whether an unaccepted milestone is late on `as_of`: past its due date and either still
    pending or submitted only after it (a report submitted in time waits for the office, not late)."""
    if milestone.due_date >= as_of:
        return False
    return milestone.status in Milestone.PENDING or timezone.localdate(milestone.submitted_at) > milestone.due_date


def _achievement(task, accepted, reached):
    if task.target_kind == Task.TargetKind.DELIVERABLE:
        return 1.0 if any(m.delivered for m in accepted) else 0.0
    if not task.target_value:
        return 1.0
    return min(float(reached or 0) / float(task.target_value), 1.0)


def _score(timeliness, achievement):
    if timeliness is None and achievement is None:
        return None
    if achievement is None:
        return round(100 * timeliness, 1)
    if timeliness is None:
        return round(100 * achievement, 1)
    return round(100 * (TIMELINESS_SHARE * timeliness + (1 - TIMELINESS_SHARE) * achievement), 1)


def warning_horizon(programme, today):
    """Return the last due date that makes a pending milestone "at risk" on `today`."""
    return working_days_after(today, max(programme.reminder_working_days, default=0))


def unit_supervision_rates(*, unit_ids, as_of):
    """Return {unit id: mean task score as a fraction 0–1} over the tasks each unit leads that have
    something due by `as_of` (the assessment's supervision term, dashboards.AssessmentScheme)."""
    tasks = Task.objects.filter(lead_unit_id__in=list(unit_ids)).prefetch_related("milestones")
    scores = defaultdict(list)
    for task in tasks:
        score = task_standing(task, as_of=as_of).score
        if score is not None:
            scores[task.lead_unit_id].append(score)
    return {unit: sum(values) / len(values) / 100 for unit, values in scores.items()}


# --- the office's board -------------------------------------------------------------------------


def programme_get(*, user, pk):
    return visible_one(programme_list(user=user), pk)


def task_get(*, user, pk):
    return visible_one(task_list(user=user), pk)


@dataclass
class TaskRow:
    task: Task
    standing: Standing
    next_due: Milestone | None  # the first milestone not yet accepted


def programme_rows(*, programme, user, today):
    """Return the TaskRows of the tasks of `programme` that `user` sees, in the programme's order."""
    tasks = task_list(user=user).filter(programme=programme).prefetch_related("milestones", "responsible_units")
    horizon = warning_horizon(programme, today)
    rows = []
    for task in tasks.order_by("path"):
        standing = task_standing(task, as_of=today, warn_within=horizon)
        open_milestones = [m for m in task.milestones.all() if m.status != Milestone.Status.ACCEPTED]
        rows.append(TaskRow(task, standing, open_milestones[0] if open_milestones else None))
    return rows


def light_counts(rows):
    """Return {light: number of rows} for the three lights."""
    counts = dict.fromkeys(Light.ORDER, 0)
    for row in rows:
        counts[row.standing.light] += 1
    return counts


@dataclass
class UnitRow:
    unit: object
    tasks: int
    lights: dict
    score: float | None


def unit_rows(rows):
    """Return the lead units of `rows` with their tasks' lights and mean score, lowest score first."""
    by_unit = defaultdict(list)
    for row in rows:
        by_unit[row.task.lead_unit].append(row)
    units = []
    for unit, own in by_unit.items():
        scores = [row.standing.score for row in own if row.standing.score is not None]
        units.append(UnitRow(unit, len(own), light_counts(own), round(sum(scores) / len(scores), 1) if scores else None))
    return sorted(units, key=lambda u: (u.score is None, u.score or 0, u.unit.name))
