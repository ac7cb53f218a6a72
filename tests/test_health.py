from unittest import mock

from django.db import OperationalError
from django.urls import reverse


def test_it_answers_200_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_it_answers_503_when_the_database_does_not(client, db):
    # An outage is simulated at the cursor: really stopping the database would also cut the test's own connection.
    with mock.patch("usmleprep.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_it_needs_no_sign_in_and_takes_no_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405
