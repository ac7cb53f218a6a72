import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import NOW, PASSWORD
from tests.security.test_ownership_matrix import MATRIX, alice_objects, snapshot

ROOT = Path(__file__).resolve().parents[2]

POST_URLS = [(name, kind) for name, (kind, methods, _) in MATRIX.items() if "POST" in methods]
OTHER_POST_URLS = [
    "planner:plan_create",
    "accounts:logout",
    "accounts:profile",
    "accounts:delete",
    "accounts:sign_out_session",
    "accounts:sign_out_other_sessions",
    "accounts:resend_verification",
]


@pytest.mark.parametrize(("url_name", "kind"), POST_URLS)
@pytest.mark.clock(NOW)
def test_a_post_without_the_csrf_token_is_refused(alice, catalog, url_name, kind):
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


@pytest.mark.clock(NOW)
def test_get_never_changes_data(client, alice, catalog):
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
    assert "camera=(), " in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "url_name", ["planner:dashboard", "planner:plan_create", "planner:landing", "accounts:profile", "accounts:delete"]
)
def test_signed_in_pages_are_kept_out_of_caches(alice_client, catalog, url_name):
    response = alice_client.get(reverse(url_name), follow=True)

    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) >= {"private", "no-store"}


def test_a_successful_sign_in_answer_is_kept_out_of_caches_too(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice@example.com", "password": PASSWORD})

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url_name", ["planner:landing", "accounts:signup"])
def test_signed_out_public_pages_may_be_cached(client, db, url_name):
    assert "no-store" not in client.get(reverse(url_name)).get("Cache-Control", "")


def test_static_files_are_not_marked_private(alice_client):
    response = alice_client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


def test_the_landing_page_answers_with_a_nul_byte_in_the_session_cookie(db):
    # PostgreSQL's driver refuses NUL in a query; the session key used to reach it and answer 500.
    client = Client()
    client.cookies["sessionid"] = "\x00" + "a" * 31

    assert client.get(reverse("planner:landing")).status_code == 200


def test_every_page_names_a_favicon_and_describes_the_site(client, db):
    response = client.get(reverse("planner:landing"))

    assert '<link rel="icon" href="/static/favicon.svg"' in response.text
    assert '<meta name="description" content="Plan your USMLE Steps' in response.text
    assert client.get("/static/favicon.svg").status_code == 200


def production_env():
    # The browser tests allow Django's ORM under Playwright's event loop; a real server must not.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "usmleprep.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "x7Q!" * 20,
        "ALLOWED_HOSTS": "plan.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }


def settings_in_production(env, *names):
    """The values of these settings, as a fresh process started with this environment prints them."""
    code = f"from django.conf import settings as s; print({', '.join(f's.{name}' for name in names)})"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_production_settings_turn_on_hsts_and_secure_cookies_with_host_only_names():
    shown = settings_in_production(
        production_env() | {"DJANGO_SETTINGS_MODULE": "usmleprep.settings"},
        *("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"),
        *("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"),
        *("SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH"),
    )

    assert shown == [
        "31536000",
        "True",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "None",
        "None",
        "/",
        "/",
    ]


def test_without_secure_cookies_the_cookie_names_stay_plain():
    # __Host- cookies need Secure; a plain-HTTP deployment (the benchmark, the restart test) keeps the usual names.
    shown = settings_in_production(
        production_env() | {"SECURE_COOKIES": "0"}, "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME"
    )

    assert shown == ["sessionid", "csrftoken"]


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


def test_with_debug_unset_the_app_is_in_production_mode_and_refuses_to_start_without_a_secret_key():
    # A deployment that forgets DEBUG must not show Django's debug pages with the URL list.
    env = production_env()
    del env["DEBUG"]
    assert settings_in_production(env, "DEBUG") == ["False"]

    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
