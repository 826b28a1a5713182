"""The audit trail's page and its exports: for the audit administrator (and a break-glass superuser)
only; to anyone else they do not exist (404). Reading, exporting and being refused are audited too."""

import csv
from io import BytesIO

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .exports import CSV, XLSX, download_response
from .forms import AuditFilterForm
from .models import AuditEvent
from .selectors import audit_event_list, may_read_audit
from .services import audit_record

EVENTS_PER_PAGE = 50
# A spreadsheet reads a cell starting with these as a formula: an attacker-chosen username tried at
# log-in must reach the auditor's Excel as text (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filtered(request):
    """Return (the filter form, the events it selects); 404 for anyone but the audit readers, whose
    attempt is recorded (三员: the other administrators may not read the trail)."""
    if not may_read_audit(request.user):
        audit_record(action=AuditEvent.Action.AUDIT_READ, result=AuditEvent.Result.FAILURE, actor=request.user,
                     details={"path": request.path}, request=request)
        raise Http404
    form = AuditFilterForm(request.GET or None)
    return form, audit_event_list(**form.filters())


def audit_events(request):
    """The audit trail, newest first, filtered by period, actor, action and result, a page at a time."""
    form, events = _filtered(request)
    audit_record(action=AuditEvent.Action.AUDIT_READ, result=AuditEvent.Result.SUCCESS, actor=request.user,
                 details={"query": request.GET.dict()}, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/events.html", {
        "form": form, "page": Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page")),
        "page_query": f"{query.urlencode()}&" if query else "", "filters": query.urlencode(),
    }, status=400 if form.errors else 200)


def audit_export(request, file_format):
    """The filtered events as CSV (streamed) or an Excel workbook; the export itself is audited."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    form, events = _filtered(request)
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.{file_format}"
    details = {"rows": events.count()}
    if file_format == "csv":
        return download_response(request, _csv_chunks(events), filename=filename, content_type=CSV, details=details)
    return download_response(request, _xlsx(events), filename=filename, content_type=XLSX, details=details)


def _header():
    return [_("No."), _("At"), _("Username"), _("Client address"), _("Action"), _("Target"), _("Result"),
            _("Details"), _("Hash")]


def _rows(events):
    """Yield the header and one row per event, every text safe to open in a spreadsheet."""
    yield _header()
    for event in events.iterator(chunk_size=2000):
        yield [_cell(value) for value in (
            event.pk, f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M:%S}", event.actor_username,
            event.client_ip, event.get_action_display(), event.target, event.get_result_display(),
            event.details_text(), event.hash)]


def _cell(value):
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class _Line:
    """A file-like object that hands back what csv.writer writes, one line at a time."""

    def write(self, text):
        return text


def _csv_chunks(events):
    writer = csv.writer(_Line())
    yield "\ufeff"  # a byte-order mark, so spreadsheets read the file as UTF-8
    for row in _rows(events):
        yield writer.writerow(row)


def _xlsx(events):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit trail"))
    for row in _rows(events):
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
