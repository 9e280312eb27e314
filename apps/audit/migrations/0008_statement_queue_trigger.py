"""Appending costs less on PostgreSQL.

- The queue trigger runs once per INSERT statement over its transition table, instead of
  once per row: a many-row append (`services.record_many`) queues its entries with one
  INSERT ... SELECT.
- The single-column index on `subject_id` goes: the (subject_id, at) index answers every
  lookup by subject, and each index is one more B-tree insert per entry.
- A chain head moves with every entry. Its table keeps room on each page (fillfactor 70)
  so the new row version stays on the page and no index changes (a HOT update), and
  loses the pattern-matching copy of its primary key that Django adds for LIKE, which
  nothing runs on chain names.
"""

from django.db import migrations, models

PG_FORWARD = [
    "DROP TRIGGER IF EXISTS audit_entry_queue ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_queue();",
    """CREATE FUNCTION audit_entry_queue() RETURNS trigger AS $$
    BEGIN
        INSERT INTO audit_auditpending (entry_id) SELECT id FROM new_entries;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_entry_queue AFTER INSERT ON audit_auditentry
        REFERENCING NEW TABLE AS new_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_queue();""",
    "ALTER TABLE audit_auditchainhead SET (fillfactor = 70);",
]
PG_BACKWARD = [
    "ALTER TABLE audit_auditchainhead RESET (fillfactor);",
    "DROP TRIGGER IF EXISTS audit_entry_queue ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_queue();",
    """CREATE FUNCTION audit_entry_queue() RETURNS trigger AS $$
    BEGIN
        INSERT INTO audit_auditpending (entry_id) VALUES (NEW.id);
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_entry_queue AFTER INSERT ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_queue();""",
]


def _indexes(schema_editor, table, columns):
    """Plain (not unique, not primary) indexes of `table` on exactly `columns`."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, about in found.items()
        if about["index"]
        and not about["unique"]
        and not about["primary_key"]
        and about["columns"] == columns
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)
    # Dropped by name: AlterField would make SQLite rebuild the table, and with it lose
    # the table's triggers.
    for name in _indexes(schema_editor, "audit_auditentry", ["subject_id"]):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")
    if schema_editor.connection.vendor == "postgresql":
        for name in _indexes(schema_editor, "audit_auditchainhead", ["chain"]):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)
    schema_editor.execute(
        "CREATE INDEX audit_auditentry_subject_id ON audit_auditentry (subject_id)"
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_chain_head_prev_hash")]
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="subject_id",
                    field=models.UUIDField(null=True),
                ),
            ],
        ),
    ]
