"""alice's plan as the tracking tests use it, made inside the clock (conftest.py's `clock`, at NOW).

A module that needs another plan defines its own `plan`, which takes precedence.
"""

import pytest

from tests.factories import make_alices_plan


@pytest.fixture
def plan(alice, catalog, clock):
    return make_alices_plan(alice)


@pytest.fixture
def step1(plan):
    return plan.milestones.get(step__code="step1")


@pytest.fixture
def step2ck(plan):
    return plan.milestones.get(step__code="step2ck")
