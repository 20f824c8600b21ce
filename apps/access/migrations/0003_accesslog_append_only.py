"""Make the access log append-only in the database itself, on SQLite and PostgreSQL.

The model already refuses to save an existing entry; the trigger also stops a raw SQL UPDATE
(a script, a console). Two changes stay possible because the database makes them itself:
``user`` and ``organization`` becoming NULL when that account or organization is deleted (the
entry keeps the username). Deleting entries stays possible too, for superusers' retention.
"""

from django.db import migrations

MESSAGE = "The access log is append-only: entries cannot be changed."
FROZEN = ("id", "at", "username", "action", "object_type", "object_id", "object_repr", "ip_address", "detail")
# Only ON DELETE SET NULL of the user or the organization may touch an entry.
NULLABLE = ("user_id", "organization_id")


def changed(distinct: str) -> str:
    """SQL that is true when an UPDATE changes anything but a SET NULL of a deleted reference."""
    frozen = [f"NEW.{column} {distinct} OLD.{column}" for column in FROZEN]
    nullable = [f"(NEW.{column} IS NOT NULL AND NEW.{column} {distinct} OLD.{column})" for column in NULLABLE]
    return " OR ".join(frozen + nullable)


POSTGRESQL_CREATE = f"""
CREATE OR REPLACE FUNCTION access_accesslog_refuse_update() RETURNS trigger AS $$
BEGIN
    IF {changed("IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_accesslog_no_update BEFORE UPDATE ON access_accesslog
    FOR EACH ROW EXECUTE FUNCTION access_accesslog_refuse_update();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS access_accesslog_no_update ON access_accesslog;
DROP FUNCTION IF EXISTS access_accesslog_refuse_update();
"""
SQLITE_CREATE = f"""
CREATE TRIGGER access_accesslog_no_update BEFORE UPDATE ON access_accesslog
WHEN {changed("IS NOT")}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS access_accesslog_no_update;"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_roles")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
