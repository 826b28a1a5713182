from django.core.management import call_command


def test_openapi_schema_generates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/tickets/{ticket_id}/{action}/" in text and "/api/v1/locate" in text
