import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from tests.security.test_ownership_matrix import MATRIX, NOW, alice_objects, snapshot

ROOT = Path(__file__).resolve().parents[2]

POST_URLS = [(name, kind) for name, (kind, methods, _) in MATRIX.items() if "POST" in methods]
OTHER_POST_URLS = ["planner:plan_create", "accounts:logout", "accounts:profile", "accounts:delete"]


@pytest.mark.parametrize(("url_name", "kind"), POST_URLS)
def test_a_post_without_the_csrf_token_is_refused(alice, catalog, url_name, kind):
    with time_machine.travel(NOW, tick=False):
        objects = alice_objects(alice)
        before = snapshot(alice)
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)

        response = client.post(reverse(url_name, args=[objects[kind].pk]), MATRIX[url_name][2](objects))

        assert response.status_code == 403
        assert snapshot(alice) == before


@pytest.mark.parametrize("url_name", OTHER_POST_URLS)
def test_account_and_plan_forms_need_the_csrf_token_too(alice, catalog, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(reverse(url_name), {"password": PASSWORD}).status_code == 403


def test_get_never_changes_data(client, alice, catalog):
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)
        objects = alice_objects(alice)
        before = snapshot(alice)

        for url_name, (kind, _methods, _) in MATRIX.items():
            response = client.get(reverse(url_name, args=[objects[kind].pk]))
            assert response.status_code in (200, 405), url_name
        for url_name in ["planner:dashboard", "planner:plan_list", "planner:plan_create", "accounts:delete"]:
            assert client.get(reverse(url_name)).status_code == 200

        assert snapshot(alice) == before


def test_sign_in_changes_the_session_and_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert client.cookies["csrftoken"].value != token


def test_after_sign_out_the_old_session_cookie_no_longer_works(alice):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "alice@example.com", "password": PASSWORD})
    old_session = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))

    replay = Client()
    replay.cookies["sessionid"] = old_session

    assert replay.get(reverse("planner:dashboard")).status_code == 302


@pytest.mark.parametrize(
    "url_name", ["planner:landing", "accounts:login", "accounts:signup", "planner:dashboard", "planner:plan_create"]
)
def test_every_html_page_sends_the_security_headers(alice, catalog, url_name):
    client = Client()
    if url_name.startswith("planner:") and url_name != "planner:landing":
        client.force_login(alice)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def production_env():
    # The browser tests allow Django's ORM under Playwright's event loop; a real server must not.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return inherited | {
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "x7Q!" * 20,
        "ALLOWED_HOSTS": "plan.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=production_env() | {"DJANGO_SETTINGS_MODULE": "usmleprep.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["31536000", "True", "True", "True"]


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
