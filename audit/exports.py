"""Files handed out (Excel, PDF, CSV): every one goes through download_response, which audits it."""

from django.http import HttpResponse, StreamingHttpResponse

from .models import AuditEvent
from .services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"


def download_response(request, content, *, filename, content_type, inline=False, details=None):
    """Return `content` (bytes, or an iterator of chunks to stream) as the file `filename`, and
    record the export: who, which file, from which address, and the path and query asked."""
    audit_record(action=AuditEvent.Action.EXPORT, result=AuditEvent.Result.SUCCESS, actor=request.user,
                 target=filename, request=request,
                 details={"path": request.path, "query": request.GET.dict(), **(details or {})})
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
