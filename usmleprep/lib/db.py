"""Writing many rows at once, and keeping the database's query planner informed after writes that change a
table's size at once."""

import csv
import io

from django.db import connection

# Rows a statement, where the driver takes parameters: below SQLite's limit on them.
ROWS_PER_STATEMENT = 2000

# PostgreSQL's autovacuum analyzes a table once about a tenth of it has changed (its
# autovacuum_analyze_scale_factor), but only at its next round; until then it plans on the old counts.
GROWN_SHARE = 0.1


def analyze(*models):
    """Fresh planner statistics for these models' tables, inside the current transaction.

    After a bulk write, PostgreSQL plans queries on the tables as it last measured them: right after
    seed_demo wrote 2,000 people, the dashboard scanned every scheduled topic and ran 4.5 times slower.
    SQLite's ANALYZE fills sqlite_stat1 the same way, so both run it."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyze_grown(rows_written):
    """ANALYZE the tables of {model: rows written} that grew by a tenth or more of what was last measured.

    One person's import into a large database changes no plan and is left to autovacuum; the same
    import into a new, nearly empty one changes every plan, and analyzing a small table costs little."""
    if connection.vendor != "postgresql":
        return []
    tables = {model._meta.db_table: model for model, rows in rows_written.items() if rows}
    if not tables:
        return []
    with connection.cursor() as cursor:
        # reltuples is -1 (or 0 before PostgreSQL 14) for a table never analyzed.
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(tables)])
        measured = dict(cursor.fetchall())
    grown = [
        model for table, model in tables.items() if rows_written[model] >= GROWN_SHARE * max(measured.get(table, 0), 0)
    ]
    analyze(*grown)
    return grown


# Django's bulk_create and bulk_update prepare every value of every row through its field, and bulk_update
# writes a CASE WHEN per field and row: for a Step's few hundred topics that was most of making a plan or
# moving an exam date. These take rows of plain values, as the database driver takes them (dates, numbers,
# text, None), for the tables written in bulk whose new rows' ids no one reads back.


def insert_rows(model, fields, rows):
    """Insert rows of values for fields: COPY on PostgreSQL, else a few INSERTs of many rows. Returns the count."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(field.column) for field in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            text.seek(0)
            # CSV writes None and "" alike; a column that cannot be NULL reads it as "".
            not_null = ", ".join(quote(field.column) for field in columns if not field.null)
            options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH ({options})", text)
            return len(rows)
        one_row = f"({', '.join(['%s'] * len(fields))})"
        for chunk in _chunks(rows, columns):
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one_row] * len(chunk))}",
                [value for row in chunk for value in row],
            )
    return len(rows)


def update_rows(model, fields, rows):
    """Set fields on many rows, one statement a batch; each row is (primary key, *values of fields)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    names = [quote(field.column) for field in columns]
    # PostgreSQL takes parameters in VALUES as text unless told their types.
    if connection.vendor == "postgresql":
        one_row = f"({', '.join(f'%s::{field.cast_db_type(connection)}' for field in columns)})"
    else:
        one_row = f"({', '.join(['%s'] * len(columns))})"
    pk, values = names[0], ", ".join(f"{name} = v.{name}" for name in names[1:])
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, columns):
            cursor.execute(
                f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([one_row] * len(chunk))}) "
                f"UPDATE {table} SET {values} FROM v WHERE {table}.{pk} = v.{pk}",
                [value for row in chunk for value in row],
            )
    return len(rows)


def _chunks(rows, columns):
    size = max(1, min(ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(columns, rows)))
    return (rows[first : first + size] for first in range(0, len(rows), size))
