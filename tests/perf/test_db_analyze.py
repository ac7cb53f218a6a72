"""Fresh planner statistics after writes that change a table's size at once (usmleprep/lib/db.py)."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from planner import exports
from planner.models import PlanTopic
from tests.factories import make_plan, make_user
from usmleprep.lib.db import analyze, analyze_grown

pytestmark = pytest.mark.postgres


def measured_rows(model):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return int(cursor.fetchone()[0])


def a_plan(owner):
    today = timezone.localdate()
    return make_plan(owner, start_date=today, steps={"step1": today + timedelta(days=200)}, today=today)


def test_an_import_into_a_nearly_empty_database_leaves_fresh_statistics(alice, catalog):
    a_plan(alice)
    document = json.loads(json.dumps(exports.build_document(alice)))
    PlanTopic.objects.all().delete()
    analyze(PlanTopic)
    assert measured_rows(PlanTopic) == 0
    cleaned, errors = exports.check_document(document, timezone.localdate())
    assert errors == []

    exports.write_document(make_user("carol@example.com"), cleaned, timezone.localdate())

    assert measured_rows(PlanTopic) == PlanTopic.objects.count() > 200


def test_a_write_of_a_tenth_of_a_table_or_more_analyzes_it_and_a_smaller_one_does_not(alice, bob, catalog):
    a_plan(alice)
    a_plan(bob)
    analyze(PlanTopic)
    rows = measured_rows(PlanTopic)

    assert analyze_grown({PlanTopic: rows // 20}) == []
    assert analyze_grown({PlanTopic: rows // 10 + 1}) == [PlanTopic]
    assert analyze_grown({PlanTopic: 0}) == []
