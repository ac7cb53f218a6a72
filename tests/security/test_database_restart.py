"""A restart of PostgreSQL while the app serves: gunicorn keeps running and the next request works.

Persistent connections (CONN_MAX_AGE) would otherwise hand the first request after a restart a dead
connection; CONN_HEALTH_CHECKS makes Django test it and reconnect.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture
def gunicorn(alice, tmp_path):
    db = connection.settings_dict
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "STATIC_ROOT": str(tmp_path / "static"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    # With DEBUG off, pages need the collected, hashed static files, as in production.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "usmleprep.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while get(f"{base}/healthz") != 200:
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def restart_postgres():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


def test_after_a_database_restart_the_app_answers_again_by_itself(gunicorn, alice):
    client = Client()
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert get(f"{gunicorn}/dashboard/", cookie) == 200

    restart_postgres()
    connection.close()  # the test's own connection died with the server too

    statuses = [get(f"{gunicorn}/healthz") for _ in range(5)] + [get(f"{gunicorn}/dashboard/", cookie)]

    assert statuses == [200] * 6
