"""On a database of many people, every query of the busy pages reaches the big tables through an index.

A page that scans a whole table is fast for one person and slow for ten thousand; PostgreSQL's plan for
each query, on realistic statistics, says which it does. Before ANALYZE, PostgreSQL scanned the whole
plan-topic table for the dashboard; seed_demo now analyzes what it writes.

Two checks per query. On the statistics as they are, no big table is scanned whole. With sequential
scans priced out (enable_seqscan off), no table of people's data is scanned whole either: PostgreSQL
still scans a table when no index can serve the query, so this finds a missing index however small the
table is here, such as a lookup that lost its single-column index to a composite one (migration 0008).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from planner.management.commands.seed_demo import DEMO_EMAIL
from planner.models import Plan

pytestmark = pytest.mark.postgres

# Enough that PostgreSQL's costs favour indexes where a large database needs them: with 200 people it
# rightly read all 26,000 review items in one scan rather than look up a person's 359 topics one by one.
PEOPLE = 1000
# The tables that grow with every person, and the number of rows from which one counts as big here.
PEOPLE_TABLES = [
    "planner_plan",
    "planner_milestone",
    "planner_plantopic",
    "planner_reviewitem",
    "planner_studylog",
    "planner_practiceexam",
    "planner_examresult",
    "planner_planresource",
    "planner_studyblock",
    "planner_allocation",
    "planner_practiceexamslot",
    "planner_taskprogress",
    "planner_dayexception",
]
BIG = 1000
# The pages read on every visit, and the tables each must reach (through an index).
PAGES = {
    "/dashboard/": {"planner_plantopic", "planner_studylog", "planner_practiceexam"},
    "/today/": {"planner_plantopic", "planner_allocation", "planner_taskprogress", "planner_reviewitem"},
    "/plans/{plan}/": {"planner_plantopic", "planner_studyblock"},
    "/plans/{plan}/calendar/": {"planner_allocation", "planner_taskprogress", "planner_planresource"},
}
# Lookups whose single-column index migration 0008 removed: the composite index that starts with the
# same column serves them.
COMPOSITES = {"plan_owner_created", "studylog_plan_date", "practiceexam_plan_date"}
PLAN_TOPIC_BY_MILESTONE = {"plantopic_milestone_position", "plantopic_milestone_due", "unique_topic_per_milestone"}
INDEX_USED = re.compile(r"(?:Index Scan|Index Only Scan) using (\w+)|Bitmap Index Scan on (\w+)")


def explain(sql, seqscan=True):
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL enable_seqscan = {'on' if seqscan else 'off'}")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
        return plan


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in PEOPLE_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        return counts


def scanned(tables):
    return re.compile(rf"Seq Scan on ({'|'.join(tables)})\b")


def test_the_busy_pages_reach_the_big_tables_through_indexes(catalog, client):
    call_command("seed_demo", users=PEOPLE, stdout=io.StringIO(), stderr=io.StringIO())
    demo = User.objects.get(email=DEMO_EMAIL)
    client.force_login(demo)
    plan = Plan.objects.get(owner=demo)
    counts = row_counts()
    big = [table for table, count in counts.items() if count >= BIG]
    assert {"planner_plantopic", "planner_allocation", "planner_taskprogress", "planner_reviewitem"} <= set(big)

    scans, unindexed, used = [], [], set()
    for page, wanted in PAGES.items():
        # The first visit computes every figure (none is cached yet for a plan just made), so it runs
        # every query the page has.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.format(plan=plan.pk)).status_code == 200
        reached = set()
        # The captured SQL has its parameters filled in, as the driver sent it.
        for sql in (q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "("))):
            as_is, indexed = explain(sql), explain(sql, seqscan=False)
            reached.update(table for table in PEOPLE_TABLES if re.search(rf" on {table}\b", indexed))
            used.update(name for pair in INDEX_USED.findall(as_is + indexed) for name in pair if name)
            if scanned(big).search(as_is):
                scans.append(f"{page}: {sql}\n{as_is}")
            if scanned(PEOPLE_TABLES).search(indexed):
                unindexed.append(f"{page}: {sql}\n{indexed}")
        assert wanted <= reached, f"{page} never reached {wanted - reached}"

    assert scans == [], "\n\n".join(scans)
    assert unindexed == [], "\n\n".join(unindexed)
    assert used >= COMPOSITES
    assert used & PLAN_TOPIC_BY_MILESTONE
    # The test's transaction is rolled back without first checking the seed's million foreign keys, which
    # takes longer than the EXPLAINs: test_seed_demo checks them on a seed of its own.
    transaction.set_rollback(True)
