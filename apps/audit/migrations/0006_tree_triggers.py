"""The Merkle tree tables are append-only like the entries (migration 0002), and every
new entry is queued for the sequencer by a trigger, so no writer can skip the tree.

Leaves, interior nodes and signed heads refuse UPDATE and DELETE. The pending queue
accepts DELETE (the sequencer empties it) but not UPDATE."""

from django.db import migrations

APPEND_ONLY = ["audit_auditleaf", "audit_auditnode", "audit_audittreehead"]

PG_FORWARD = [
    f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();"""
    for table in APPEND_ONLY
] + [
    """CREATE TRIGGER audit_auditpending_no_update BEFORE UPDATE ON audit_auditpending
        FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();""",
    """CREATE OR REPLACE FUNCTION audit_entry_queue() RETURNS trigger AS $$
    BEGIN
        INSERT INTO audit_auditpending (entry_id) VALUES (NEW.id);
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_entry_queue AFTER INSERT ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_queue();""",
]
PG_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in APPEND_ONLY),
    "DROP TRIGGER IF EXISTS audit_auditpending_no_update ON audit_auditpending;",
    "DROP TRIGGER IF EXISTS audit_entry_queue ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_queue();",
]
SQLITE_FORWARD = [
    f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END;"""
    for table in APPEND_ONLY
    for op in ("UPDATE", "DELETE")
] + [
    """CREATE TRIGGER audit_auditpending_no_update BEFORE UPDATE ON audit_auditpending
        BEGIN SELECT RAISE(ABORT, 'audit_auditpending is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_entry_queue AFTER INSERT ON audit_auditentry
        BEGIN INSERT INTO audit_auditpending (entry_id) VALUES (NEW.id); END;""",
]
SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};"
        for table in APPEND_ONLY
        for op in ("UPDATE", "DELETE")
    ),
    "DROP TRIGGER IF EXISTS audit_auditpending_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_queue;",
]
# Entries written before this migration wait for the first sequencing run.
QUEUE_EXISTING = "INSERT INTO audit_auditpending (entry_id) SELECT id FROM audit_auditentry;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for statement in [*statements, QUEUE_EXISTING]:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_merkle_tree")]
    operations = [migrations.RunPython(forward, backward)]
