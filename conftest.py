"""The cast and the factories shared by every test.

alice owns the data; bob must never see it.
"""

import os
from pathlib import Path

import pytest

from accounts.models import User

PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def make_user(email, name="Test Person", password=PASSWORD, **fields):
    return User.objects.create_user(email=email, password=password, name=name, **fields)


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


def _require_or_skip(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        _require_or_skip(f"no Chromium at {executable}; set CHROMIUM_PATH")
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
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
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
