"""Everything a person owns, out and in: one JSON document with a versioned schema, or CSV files in a zip.

`build_document(user)` makes the document; `document_tables(document)` flattens it into the CSV files;
`check_document(document, today)` validates all of it and resolves the catalog's natural keys, returning
(cleaned, errors) with errors like "plans[0].milestones[1].target_date: not a date";
`write_document(user, cleaned, today)` writes it into that person's account in one transaction.

The catalog is referenced by natural keys, never by id, so a file moves between servers: a Step by its
code, a system or discipline by (Step, kind, name), a topic by its area and name, a resource or a
self-assessment by its key. Ids in a file are ignored: what is imported is always new and belongs to
whoever imports it. The document holds what the person entered and did; the day-by-day layout
(allocations, block spans, practice-exam days) is computed again on import.
"""

from planner.exports.checks import MAX_IMPORT_BYTES, MAX_IMPORT_PLANS, check_document, validate_document
from planner.exports.document import CSV_HEADERS, SCHEMA, VERSION, build_document, csv_zip, document_tables
from planner.exports.writing import write_document

__all__ = [
    "CSV_HEADERS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_PLANS",
    "SCHEMA",
    "VERSION",
    "build_document",
    "check_document",
    "csv_zip",
    "document_tables",
    "validate_document",
    "write_document",
]
