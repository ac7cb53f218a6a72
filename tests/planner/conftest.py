"""Fixtures the tracking tests share: a frozen clock and alice's plan made inside it.

A module opts in with `pytestmark = pytest.mark.usefixtures("clock")`, so the clock starts before
the clients sign in and their sessions live in the same frozen time. Modules that need another
moment or another plan define their own `clock` or `plan`, which take precedence.
"""

import pytest
import time_machine

from tests.planner.tracking import NOW, make_alices_plan


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plan(alice, catalog, clock):
    return make_alices_plan(alice)


@pytest.fixture
def step1(plan):
    return plan.milestones.get(step__code="step1")


@pytest.fixture
def step2ck(plan):
    return plan.milestones.get(step__code="step2ck")
