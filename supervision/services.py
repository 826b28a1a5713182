"""Writes of supervision: the moves of a milestone, each one function over the shared engine."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport, Task
from .workflow import MILESTONES

FIGURE_REQUIRED = _("Give the figure reached: this task's target is a number.")
FIGURE_NEGATIVE = _("The figure cannot be negative.")


def _figure_check(figure, *, field="figure"):
    if figure is not None and Decimal(figure) < 0:
        raise MILESTONES.input_error(FIGURE_NEGATIVE, field)


def milestone_report(*, milestone_id, actor, text, figure=None, attachment=None):
    """A responsible unit reports progress on a milestone (its ProgressReport); return the milestone."""
    MILESTONES.require_reason(text, field="text")
    _figure_check(figure)

    def write(milestone):
        ProgressReport.objects.create(milestone=milestone, unit=actor.unit, author=actor, text=text.strip(),
                                      figure=figure, attachment=attachment or "")

    return MILESTONES.apply(milestone_id, "report", actor=actor, change=write)


def milestone_submit(*, milestone_id, actor, summary, figure=None, delivered=False):
    """The lead unit consolidates the units' reports and submits them to the office."""
    MILESTONES.require_reason(summary, field="summary")
    _figure_check(figure)

    def write(milestone):
        if milestone.task.target_kind == Task.TargetKind.NUMBER and figure is None:
            raise MILESTONES.input_error(FIGURE_REQUIRED, "figure")
        milestone.summary, milestone.figure, milestone.delivered = summary.strip(), figure, bool(delivered)
        milestone.submitted_at = timezone.now()

    return MILESTONES.apply(milestone_id, "submit", actor=actor, change=write)


def milestone_accept(*, milestone_id, actor):
    """The supervision office accepts the submitted report."""
    def write(milestone):
        milestone.accepted_at = timezone.now()

    return MILESTONES.apply(milestone_id, "accept", actor=actor, change=write)


def milestone_return(*, milestone_id, actor, reason):
    """The supervision office returns the submitted report, saying why."""
    MILESTONES.require_reason(reason)
    return MILESTONES.apply(milestone_id, "return", actor=actor, reason=reason.strip())




# The service of each action a person takes on a milestone page, by the table's name.
ACTION_SERVICES = {"report": milestone_report, "submit": milestone_submit, "accept": milestone_accept,
                   "return": milestone_return}
