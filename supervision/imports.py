"""Import a programme from the Excel sheet offices already keep: one row per task.

Columns, by their heading in the first row (order free): 序号 (the task's number, 3.2 for a
sub-task of 3), 任务 (the task), 牵头单位 (lead unit), 责任单位 (responsible units, separated by
、 , ; or new lines), 目标值 with 计量单位 (a number target) or 成果 (a deliverable), 节点 (milestones,
one "2027-03-31 title" a line; none: one milestone at the end date) and 完成时限 (the end date).
Units are matched by their exact name or code.

The whole sheet is checked before anything is written; any error refuses it with every error
listed by row, field and message. A sheet that passes is written in one transaction.
"""

import re
from zipfile import BadZipFile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.models import HandlingUnit

from .models import Milestone, MilestoneEvent, Programme, Task

HEADINGS = {
    "number": "序号", "title": "任务", "lead_unit": "牵头单位", "responsible_units": "责任单位",
    "target_value": "目标值", "target_unit": "计量单位", "deliverable": "成果", "milestones": "节点",
    "end_date": "完成时限",
}
REQUIRED = ("number", "title", "lead_unit", "end_date")
MAX_ROWS = 2000
UNIT_SEPARATORS = re.compile(r"[、,，;；\n]+")
NUMBER_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
MILESTONE_LINE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(.*)$")


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number, as Excel shows it (0: the sheet as a whole)
    field: str  # the column's heading
    message: str

    def __str__(self):
        return _("Row %(row)s, %(field)s: %(message)s") % {"row": self.row, "field": self.field,
                                                           "message": self.message}


class ImportRefused(Exception):
    """The sheet has errors; nothing was imported. `errors` lists them."""

    def __init__(self, errors):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass
class TaskRow:
    row: int
    number: str
    title: str
    lead_unit: HandlingUnit
    responsible_units: list
    target_value: Decimal | None
    target_unit: str
    deliverable: str
    end_date: date
    milestones: list = field(default_factory=list)  # [(due date, title)]


def programme_import(*, source, office, name, year):
    """Return the new programme read from the .xlsx file `source`; raise ImportRefused with every
    error of the sheet, writing nothing, if there is any."""
    rows = _sheet_rows(source)
    units = _units_by_name_and_code()
    errors, tasks = [], []
    for number, values in rows:
        task = _task_row(number, values, units, errors)
        if task is not None:
            tasks.append(task)
    _check_tree(tasks, errors)
    if errors:
        raise ImportRefused(errors)
    try:
        return _programme_write(tasks, office=office, name=name, year=year)
    except IntegrityError:
        raise ImportRefused([RowError(0, _("programme"), _("A programme of this name and year exists already."))])


def _sheet_rows(source):
    """Return [(row number, {field: cell value})] of the first sheet's non-empty rows."""
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise ImportRefused([RowError(0, _("file"), _("This is not an Excel (.xlsx) file."))]) from None
    lines = book.worksheets[0].iter_rows(values_only=True)
    heading = [str(cell).strip() if cell is not None else "" for cell in next(lines, ())]
    columns = {key: heading.index(label) for key, label in HEADINGS.items() if label in heading}
    missing = [HEADINGS[key] for key in REQUIRED if key not in columns]
    if missing:
        raise ImportRefused([RowError(1, label, _("This column is missing.")) for label in missing])
    rows = []
    for number, line in enumerate(lines, start=2):
        if len(rows) >= MAX_ROWS:
            raise ImportRefused([RowError(number, "", _("A sheet holds at most %(max)s tasks.") % {"max": MAX_ROWS})])
        values = {key: line[index] if index < len(line) else None for key, index in columns.items()}
        if any(value not in (None, "") for value in values.values()):
            rows.append((number, values))
    return rows


def _units_by_name_and_code():
    units = {}
    for unit in HandlingUnit.objects.filter(is_active=True):
        units[unit.code] = units[unit.name] = unit
    return units


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _task_row(row, values, units, errors):
    """Return the TaskRow of one sheet row, or None after adding its errors to `errors`."""
    found = []

    def error(key, message):
        found.append(RowError(row, HEADINGS[key], message))

    for key in REQUIRED:
        if not _text(values.get(key)):
            error(key, _("This field is required."))
    number = _text(values.get("number"))
    if number and not NUMBER_PATTERN.match(number):
        error("number", _("Write the number as 3 or 3.2 (digits separated by dots)."))
    lead = _text(values.get("lead_unit"))
    if lead and lead not in units:
        error("lead_unit", _("No unit is called “%(name)s”.") % {"name": lead})
    responsible = [name.strip() for name in UNIT_SEPARATORS.split(_text(values.get("responsible_units")))
                   if name.strip()]
    for unknown in [name for name in responsible if name not in units]:
        error("responsible_units", _("No unit is called “%(name)s”.") % {"name": unknown})
    end_date = _date(values.get("end_date"))
    if _text(values.get("end_date")) and end_date is None:
        error("end_date", _("Write a date as 2027-06-30."))
    target_value, deliverable = _text(values.get("target_value")), _text(values.get("deliverable"))
    value = None
    if bool(target_value) == bool(deliverable):
        error("target_value", _("Give either a target value or a deliverable."))
    elif target_value:
        try:
            value = Decimal(target_value)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            error("target_value", _("Write the target as a number of at least 0."))
    milestones = _milestones(values.get("milestones"), error)
    if end_date is not None and any(due > end_date for due, _title in milestones):
        error("milestones", _("A milestone falls after the end date."))
    title = _text(values.get("title"))
    if len(title) > Task._meta.get_field("title").max_length:
        error("title", _("The task is too long (at most 300 characters)."))
    errors.extend(found)
    if found:
        return None
    return TaskRow(
        row=row, number=number, title=title, lead_unit=units[lead],
        responsible_units=[units[name] for name in dict.fromkeys(responsible)], target_value=value,
        target_unit=_text(values.get("target_unit"))[:20], deliverable=deliverable[:200], end_date=end_date,
        milestones=milestones or [(end_date, _("Completed"))],
    )


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value).replace("/", "-").replace(".", "-")) if value else None
    except ValueError:
        return None


def _milestones(value, error):
    milestones = []
    for line in re.split(r"[\n；;]+", _text(value)):
        if not line.strip():
            continue
        match = MILESTONE_LINE.match(line)
        due = _date(match[1]) if match else None
        if due is None:
            error("milestones", _("Write each milestone as “2027-03-31 title”, one a line."))
            continue
        milestones.append((due, match[2].strip()[:200] or _("Milestone")))
    return milestones


def _check_tree(tasks, errors):
    """Each number once, and each sub-task's parent in the sheet."""
    seen = {}
    for task in tasks:
        if task.number in seen:
            errors.append(RowError(task.row, HEADINGS["number"], _("Number %(number)s is also on row %(row)s.")
                                   % {"number": task.number, "row": seen[task.number]}))
        seen.setdefault(task.number, task.row)
    for task in tasks:
        parent = task.number.rpartition(".")[0]
        if parent and parent not in seen:
            errors.append(RowError(task.row, HEADINGS["number"], _("Its parent task %(number)s is not in the sheet.")
                                   % {"number": parent}))


@transaction.atomic
def _programme_write(rows, *, office, name, year):
    """Write the programme, its tasks (parents first) and their milestones."""
    programme = Programme.objects.create(office=office, name=name, year=year)
    created = {}
    for row in sorted(rows, key=lambda task: task.number.count(".")):
        task = Task.objects.create(
            programme=programme, parent=created.get(row.number.rpartition(".")[0]), number=row.number,
            title=row.title, lead_unit=row.lead_unit,
            target_kind=Task.TargetKind.NUMBER if row.target_value is not None else Task.TargetKind.DELIVERABLE,
            target_value=row.target_value, target_unit=row.target_unit if row.target_value is not None else "",
            deliverable=row.deliverable, end_date=row.end_date,
        )
        task.responsible_units.set(row.responsible_units)
        created[row.number] = task
    milestones = Milestone.objects.bulk_create([
        Milestone(task=created[row.number], title=title, due_date=due)
        for row in rows for due, title in row.milestones
    ])
    MilestoneEvent.objects.bulk_create([
        MilestoneEvent(milestone=milestone, action="create", to_status=milestone.status) for milestone in milestones
    ])
    return programme
