"""Set-based writes of rows planned in Python, for data loaded in bulk (the demo city's history)."""

import json
from datetime import datetime

from django.db import connection


def rows_insert(model, rows):
    """Insert `rows` (dicts of field attnames) into `model`'s table in one statement; return their ids.

    Unlike bulk_create, the timestamps are kept as given (auto_now_add would stamp them now). The
    rows travel as one JSON document (json_to_recordset), which is much cheaper to build than one
    parameter array per column. Without the primary key in the rows, the ids are drawn from the
    table's sequence first, so they follow the order of `rows`. A column the rows leave out gets
    its field's default, as a model saved without it would (a column added later needs no change
    here).
    """
    if not rows:
        return []
    meta = model._meta
    given = {meta.get_field(name).attname for name in rows[0]}
    defaults = {field.attname: field.get_default() for field in meta.concrete_fields
                if field.attname not in given and field is not meta.pk
                and (field.has_default() or (not field.null and field.empty_strings_allowed))}
    rows = [{**defaults, **row} for row in rows]
    fields = [meta.get_field(name) for name in rows[0]]
    with connection.cursor() as cursor:
        if meta.pk not in fields:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(rows)])
            rows = [{meta.pk.attname: pk, **row} for (pk,), row in zip(cursor.fetchall(), rows)]
            fields = [meta.pk, *fields]
        types = [f.db_type(connection) for f in fields]
        geometry = [t.startswith("geometry") for t in types]
        record = ", ".join(f"{f.attname} {'text' if g else t}" for f, t, g in zip(fields, types, geometry))
        values = ", ".join(f"{f.attname}::{t}" if g else f.attname for f, t, g in zip(fields, types, geometry))
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({', '.join(f.column for f in fields)}) "
            f"SELECT {values} FROM json_to_recordset(%s::json) AS r({record})",
            [json.dumps(rows, default=_json_value, ensure_ascii=False)],
        )
    return [row[meta.pk.attname] for row in rows]


def _json_value(value):
    """Timestamps as ISO 8601 with their offset; decimals as text (exact)."""
    return value.isoformat() if isinstance(value, datetime) else str(value)
