"""On a database of many people, every query of the busy pages reaches the big tables through an index.

A page that scans a whole table is fast for one person and slow for ten thousand; PostgreSQL's plan for
each query, on realistic statistics, says which it does. Before ANALYZE, PostgreSQL scanned the whole
plan-topic table for the dashboard; seed_demo now analyzes what it writes.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from planner.management.commands.seed_demo import DEMO_EMAIL
from planner.models import Plan

pytestmark = pytest.mark.postgres

PEOPLE = 200
# The tables that grow with every person. A table seed_demo leaves small (allocations, until it lays out
# the demo people's days) is not checked: scanning a small table is the right plan.
BIG_TABLES = ["planner_plantopic", "planner_studylog", "planner_practiceexam", "planner_allocation"]
BIG = 1000
# The pages read on every visit. Add "/today/" and "/plans/{plan}/calendar/" here as they settle.
PAGES = ["/dashboard/", "/plans/{plan}/"]


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def big_tables():
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in (t for t in BIG_TABLES if t in present):
            cursor.execute(f"SELECT count(*) FROM {table}")
            if cursor.fetchone()[0] >= BIG:
                yield table


def test_the_busy_pages_reach_the_big_tables_through_indexes(catalog, client):
    call_command("seed_demo", users=PEOPLE, stdout=io.StringIO(), stderr=io.StringIO())
    demo = User.objects.get(email=DEMO_EMAIL)
    client.force_login(demo)
    plan = Plan.objects.get(owner=demo)

    big = list(big_tables())
    seq_scan = re.compile(rf"Seq Scan on ({'|'.join(big)})\b")
    scans, reached = [], set()
    for page in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.format(plan=plan.pk)).status_code == 200
        # The captured SQL has its parameters filled in, as the driver sent it.
        for sql in (q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")):
            plan_text = explain(sql)
            reached.update(table for table in big if f" on {table}" in plan_text)
            if seq_scan.search(plan_text):
                scans.append(f"{page}: {sql}\n{plan_text}")

    assert scans == [], "\n\n".join(scans)
    assert {"planner_plantopic", "planner_studylog", "planner_practiceexam"} <= reached
