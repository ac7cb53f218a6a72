"""What Today, the calendar and the dashboard compute for a plan, cached until the plan or the catalog changes.

Nothing is ever deleted from the cache: the key holds the plan's figures_version, which every write to the
plan or anything in it raises (bump, in the write's transaction), and the catalog's version, which
load_catalog replaces. A write therefore moves every later request to a new key, on every server that
shares the cache, and what was stored under the old keys simply expires.

Why the order of things is safe: a page reads the plan (and its version) before it reads anything else,
and a write raises the version in the same transaction as its other changes. A page that saw the new
version therefore sees every change of that write; a page that saw the old one may store new figures
under the old key, which no later request reads.
"""

import uuid

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from planner.models import Plan

# Long enough to serve a morning's visits from one computation; the key moves with the day anyway.
FIGURES_SECONDS = 60 * 60
# The catalog's version lives in the cache, not the database, so a page costs no query more for it:
# load_catalog (run once per release) replaces it. Should the cache lose it, a new one is made, which
# only means every page is computed afresh once.
CATALOG_KEY = "figures:catalog"


def bump(plan_id):
    """Make every cached figure of the plan stale. Call it in the transaction of the write, before its
    other changes where it can: it locks the plan's row, so two writes to one plan queue up in the same
    order instead of deadlocking.

    plan_id may be a one-row subquery giving it, where the write knows only a row inside the plan.

    The update time moves too, and is part of the key: a plan saved whole from a copy loaded before
    another request's bump writes back the old figures_version, and the version alone would then
    repeat a key already holding figures from before this write."""
    Plan.objects.filter(pk=plan_id).update(figures_version=F("figures_version") + 1, updated_at=timezone.now())


def lock(plan_id):
    """Take the plan's row lock as bump does, without changing anything: for a write that may yet be refused."""
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))


def catalog_changed():
    cache.set(CATALOG_KEY, uuid.uuid4().hex, timeout=None)


def catalog_version():
    return cache.get_or_set(CATALOG_KEY, lambda: uuid.uuid4().hex, timeout=None)


def key(plan, page, day):
    # The update time as well as the version (see bump): it also keeps a plan whose id and version
    # repeat an older one's (after a database restore) from reading that plan's figures.
    return ":".join(
        [
            "figures",
            page,
            str(plan.pk),
            str(plan.figures_version),
            str(int(plan.updated_at.timestamp() * 1_000_000)),
            catalog_version(),
            day.isoformat(),
            # Completion days and review dates are read in the person's time zone.
            timezone.get_current_timezone_name(),
        ]
    )


def cached(plan, page, day, compute):
    """compute(), or what it gave for this plan, page and day since the plan and the catalog last changed.

    What compute returns must pickle and hold nothing of one request (no forms, tokens or messages):
    it is shared by every later request for the page, on every server."""
    name = key(plan, page, day)
    figures = cache.get(name)
    if figures is None:
        figures = compute()
        cache.set(name, figures, FIGURES_SECONDS)
    return figures
