"""Rows written in bulk as plain values (usmleprep/lib/db.py), on SQLite and on PostgreSQL alike."""

from datetime import UTC, date, datetime, timedelta

import pytest

from planner.models import PlanTopic, Source
from tests.factories import make_alices_plan
from usmleprep.lib.db import insert_rows, update_rows


@pytest.fixture
def small_statements(monkeypatch):
    # Two rows a statement, so that a handful of rows takes several.
    monkeypatch.setattr("usmleprep.lib.db.ROWS_PER_STATEMENT", 2)


def test_inserted_rows_read_back_as_written(db, small_statements):
    rows = [
        (f"page-{n}", f"https://example.org/{n}", f"Page “{n}”, it's", "official", date(2026, 1, n))
        for n in (1, 2, 3, 4, 5)
    ]

    assert insert_rows(Source, ["key", "url", "title", "strength", "date"], rows) == 5

    saved = Source.objects.filter(key__startswith="page-").order_by("key")
    assert [(s.key, s.url, s.title, s.strength, s.date) for s in saved] == rows


def test_updated_rows_change_only_the_fields_and_rows_named(alice, catalog, small_statements):
    plan = make_alices_plan(alice)
    topics = list(PlanTopic.objects.filter(milestone__plan=plan).order_by("pk"))
    moved, kept = topics[:5], topics[5:]
    done = datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
    rows = [(t.pk, t.starts_on + timedelta(days=1), t.due_on + timedelta(days=2), done) for t in moved]

    assert update_rows(PlanTopic, ["starts_on", "due_on", "completed_at"], rows) == 5
    after = {t.pk: t for t in PlanTopic.objects.filter(milestone__plan=plan)}
    for topic, (_, starts_on, due_on, completed_at) in zip(moved, rows, strict=True):
        assert (after[topic.pk].starts_on, after[topic.pk].due_on, after[topic.pk].completed_at) == (
            starts_on,
            due_on,
            completed_at,
        )
        assert after[topic.pk].planned_minutes == topic.planned_minutes
    for topic in kept:
        assert (after[topic.pk].starts_on, after[topic.pk].due_on, after[topic.pk].completed_at) == (
            topic.starts_on,
            topic.due_on,
            None,
        )

    update_rows(PlanTopic, ["completed_at"], [(t.pk, None) for t in moved])
    assert not PlanTopic.objects.filter(milestone__plan=plan, completed_at__isnull=False).exists()
