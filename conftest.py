"""The cast, the clock and the browser shared by every test; the factories are in tests/factories.py.

alice owns the data; bob must never see it.
"""

import os
from pathlib import Path

import pytest
import time_machine

from tests.factories import NOW, make_user

# For the modules that still import these from here; new code imports tests.factories.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def alice(db):
    return make_user("alice@example.com", name="Alice Adams", time_zone="America/New_York")


@pytest.fixture
def bob(db):
    return make_user("bob@example.com", name="Bob Brown")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def require(reason):
    """A missing browser or tool fails the test: a green suite means every test ran."""
    pytest.fail(reason, pytrace=False)


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        require(f"No Chromium at {executable}: apt-get install chromium, or set CHROMIUM_PATH to a Chromium or Chrome.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # while one is running unless told the test code is deliberately synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    # Reduced motion turns Bootstrap's menu animations off, so clicks never land mid-animation.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


def pytest_collection_modifyitems(config, items):
    # Tests of PostgreSQL's behaviour (concurrent writers, a server restart) run in the PostgreSQL
    # pass of .ci/run; on SQLite they are deselected, which the summary line shows.
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if not item.get_closest_marker("postgres")]
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The test set-up loads the catalog the way `make run` does.
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def catalog(db):
    """The USMLE catalog; reloaded where a transactional test emptied the database."""
    from django.core.management import call_command

    from planner.models import Step

    if not Step.objects.exists():
        call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {step.code: step for step in Step.objects.all()}


@pytest.fixture
def clock(request):
    """The suite's clock, stopped at the moment in the nearest @pytest.mark.clock(moment), else at NOW.

    Tests move it with clock.move_to(moment) or clock.shift(seconds or timedelta); threads that need time to
    pass between their steps mark it @pytest.mark.clock(moment, tick=True).
    """
    marker = request.node.get_closest_marker("clock")
    moment = marker.args[0] if marker and marker.args else NOW
    with time_machine.travel(moment, tick=marker.kwargs.get("tick", False) if marker else False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _start_the_clock_first(request):
    # A test, class or module marked @pytest.mark.clock(moment) gets the clock before its other fixtures,
    # so the clients sign in and the plans are made inside the same frozen time.
    if request.node.get_closest_marker("clock"):
        request.getfixturevalue("clock")


def pytest_configure(config):
    config.addinivalue_line("markers", "clock(moment, tick=False): the `clock` fixture's moment; starts it first")
