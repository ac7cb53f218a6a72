"""A restart of PostgreSQL while the app serves: gunicorn keeps running and the next request works.

Persistent connections (CONN_MAX_AGE) would otherwise hand the first request after a restart a dead
connection; CONN_HEALTH_CHECKS makes Django test it and reconnect.
"""

import os
import subprocess

import pytest
from django.db import connection
from django.test import Client

from tests.servers import collect_static, get, gunicorn, production_env

pytestmark = [pytest.mark.postgres, pytest.mark.restarts_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(alice, tmp_path):
    env = production_env(tmp_path / "static")
    collect_static(env)
    with gunicorn(env) as base:
        yield base


def restart_postgres():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


def test_after_a_database_restart_the_app_answers_again_by_itself(server, alice):
    client = Client()
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert get(f"{server}/dashboard/", cookie) == 200

    restart_postgres()
    connection.close()  # the test's own connection died with the server too

    statuses = [get(f"{server}/healthz") for _ in range(5)] + [get(f"{server}/dashboard/", cookie)]

    assert statuses == [200] * 6
