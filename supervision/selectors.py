"""Reads of supervision: who sees which task, and how each task stands (traffic light)."""

from django.db.models import Exists, OuterRef, Q

from accounts.access import scope_q, sees_areas, visible_one

from .models import Milestone, Programme, Task


def task_scope_q(user, *, prefix=""):
    """Return a Q selecting the tasks `user` may see: those of their unit (lead or responsible)
    and every task of a programme whose office lies in their scope."""
    if not sees_areas(user):
        return Q(pk__in=[])
    in_area = scope_q(user, code_field=f"{prefix}programme__office__area__code")
    if user.unit_id is None:
        return in_area
    responsible = Task.responsible_units.through.objects.filter(
        task_id=OuterRef(f"{prefix}pk" if prefix else "pk"), handlingunit_id=user.unit_id)
    return in_area | Q(**{f"{prefix}lead_unit_id": user.unit_id}) | Q(Exists(responsible))


def task_list(*, user):
    """Return the tasks `user` may see."""
    return Task.objects.filter(task_scope_q(user)).select_related("programme", "lead_unit")


def programme_list(*, user):
    """Return the programmes with at least one task `user` may see, or whose office is in their scope."""
    return Programme.objects.filter(
        Q(scope_q(user, code_field="office__area__code")) | Q(pk__in=task_list(user=user).values("programme_id"))
    ).distinct() if sees_areas(user) else Programme.objects.none()


def milestone_list(*, user):
    """Return the milestones of the tasks `user` may see."""
    return Milestone.objects.filter(task__in=task_list(user=user)).select_related("task__programme")


def milestone_get(*, user, pk):
    """Return milestone `pk` if `user` sees it (Milestone.DoesNotExist otherwise: 404)."""
    return visible_one(milestone_list(user=user), pk)


def milestone_is_visible(*, user, milestone):
    return milestone_list(user=user).filter(pk=milestone.pk).exists()
