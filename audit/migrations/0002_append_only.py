"""The audit table refuses UPDATE and DELETE, whoever connects; pruning past the retention is the one way out.

1. A row trigger raises on every UPDATE and DELETE, except a DELETE made while audit.pruning is on
   (audit_prune sets it for its own transaction) of a row older than 184 days: the legal floor is
   written here, so no setting and no session variable can lower it.
2. audit_prune(through_id, keep_days) deletes the chain's prefix up to `through_id`, refusing
   anything younger than `keep_days` (at least 184). SECURITY DEFINER: it runs with its owner's
   privileges, so a role that may not DELETE on the table may still prune through it.
3. When the role running the migrations (the application's) is not a superuser, it gives up
   settings.AUDIT_REVOKED_PRIVILEGES (UPDATE, DELETE, TRUNCATE) on the table. A superuser's
   privileges cannot be revoked: the trigger is the guard then. An owner keeps the power to grant
   itself privileges again and to drop the trigger, so the chain (audit_verify) is what shows a
   tampered table; docs/deploy.md gives the table to a separate owner role for production.
"""

from django.conf import settings
from django.db import migrations

TRIGGER_SQL = """
CREATE FUNCTION audit_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.pruning', true) = 'on'
       AND OLD.created_at < now() - interval '184 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are never changed or deleted (% on audit_auditevent refused)', TG_OP;
END
$$;
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse();

CREATE FUNCTION audit_prune(through_id bigint, keep_days integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    removed bigint;
    -- An owner that gave up DELETE (step 3 above) takes it back for this statement only.
    regrant boolean := NOT has_table_privilege(current_user, 'audit_auditevent', 'DELETE');
BEGIN
    IF keep_days < 184 THEN
        RAISE EXCEPTION 'audit records are kept at least 184 days, not %', keep_days;
    END IF;
    IF EXISTS (SELECT 1 FROM audit_auditevent
                WHERE id <= through_id AND created_at >= now() - make_interval(days => keep_days)) THEN
        RAISE EXCEPTION 'audit records up to % are not all older than % days', through_id, keep_days;
    END IF;
    IF regrant THEN
        EXECUTE format('GRANT DELETE ON audit_auditevent TO %I', current_user);
    END IF;
    PERFORM set_config('audit.pruning', 'on', true);
    DELETE FROM audit_auditevent WHERE id <= through_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('audit.pruning', 'off', true);
    IF regrant THEN
        EXECUTE format('REVOKE DELETE ON audit_auditevent FROM %I', current_user);
    END IF;
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION audit_prune(bigint, integer) FROM PUBLIC;  -- its owner alone, and who it grants
"""

REVERSE_SQL = """
DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION audit_auditevent_refuse();
DROP FUNCTION audit_prune(bigint, integer);
"""

REVOCABLE = {"UPDATE", "DELETE", "TRUNCATE"}


def _privileges():
    privileges = list(settings.AUDIT_REVOKED_PRIVILEGES)
    if not set(privileges) <= REVOCABLE:
        raise ValueError(f"AUDIT_REVOKED_PRIVILEGES may hold only {sorted(REVOCABLE)}.")
    return ", ".join(privileges)


def _is_superuser(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return cursor.fetchone()[0]


def privileges_revoke(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if not _is_superuser(cursor) and _privileges():
            cursor.execute(f"REVOKE {_privileges()} ON audit_auditevent FROM CURRENT_USER")


def privileges_grant(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if not _is_superuser(cursor) and _privileges():
            cursor.execute(f"GRANT {_privileges()} ON audit_auditevent TO CURRENT_USER")


class Migration(migrations.Migration):

    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunSQL(TRIGGER_SQL, REVERSE_SQL),
        migrations.RunPython(privileges_revoke, privileges_grant),
    ]
