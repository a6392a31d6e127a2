"""The health check endpoint (also the benchmark's trivial view)."""

import pytest
from django.db import DatabaseError
from django.urls import reverse


@pytest.mark.django_db
def test_health_answers_ok_after_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert reverse("health") == "/healthz"


@pytest.mark.django_db
def test_health_reports_an_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_health_only_answers_get(client):
    assert client.post(reverse("health")).status_code == 405
