"""Writing several new rows in one round trip.

A filing creates nine rows in seven tables. On PostgreSQL, `insert_together` writes them
with one statement (a chain of data-modifying CTEs), so a filing costs one round trip
instead of nine; foreign keys are deferred to commit, so the order does not matter.
Other databases get one INSERT per row. Values go through each field's own `pre_save`
and `get_db_prep_save`, exactly as `Model.save()` would prepare them.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin


def insert_together(instances: Sequence[models.Model]) -> None:
    """Insert new (unsaved) model instances; all or none, in the caller's transaction.

    Primary keys that the database assigns (auto fields) are not read back: use this
    for rows whose ids nobody needs right away."""
    if not instances:
        return
    alias = router.db_for_write(type(instances[0]))
    connection = connections[alias]
    if connection.vendor != "postgresql":
        for instance in instances:
            instance.save(force_insert=True, using=alias)
        return
    quote = connection.ops.quote_name
    parts: list[str] = []
    params: list[Any] = []
    for number, instance in enumerate(instances):
        meta = instance._meta
        fields = [
            field
            for field in meta.concrete_fields
            if not (isinstance(field, AutoFieldMixin) and getattr(instance, field.attname) is None)
        ]
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        # Table and column names come from model metadata, never from input.
        table = quote(meta.db_table)
        insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        parts.append(f"row{number} AS ({insert})")
        params.extend(
            field.get_db_prep_save(field.pre_save(instance, add=True), connection)
            for field in fields
        )
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " SELECT 1", params)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = alias
