"""Keeping the database's query planner informed after writes that change a table's size at once."""

from django.db import connection

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
