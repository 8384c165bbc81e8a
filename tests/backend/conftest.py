"""Shared fixtures for backend tests: circles and keys made through the real actions, and an
API client that signs in with a key and sends the CSRF token the way the SPA does."""

import pytest
from django.test import Client

from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle


class ApiClient:
    """A browser-like client: CSRF checks on, JSON in and out, a session cookie once signed in."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def csrf_token(self):
        if "csrftoken" not in self.client.cookies:
            self.client.get("/api/auth/csrf/")
        return self.client.cookies["csrftoken"].value

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers=headers)

    def send(self, method, path, body=None, csrf=True, content_type="application/json", **extra):
        headers = {"X-CSRFToken": self.csrf_token()} if csrf else {}
        data = body if isinstance(body, (str, bytes)) or body is None else _json(body)
        return getattr(self.client, method)(
            path, data=data or "", content_type=content_type, headers=headers, **extra
        )

    def post(self, path, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("patch", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.send("delete", path, **kwargs)

    def sign_in(self, key):
        response = self.post("/api/auth/verify-key/", {"key": key})
        assert response.status_code == 200, response.content
        return response


def _json(body):
    import json

    return json.dumps(body)


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def make_api():
    return ApiClient


@pytest.fixture
def circle_a(db):
    return create_circle("Circle A", slug="circle-a", description="The first circle.")


@pytest.fixture
def circle_b(db):
    return create_circle("Circle B", slug="circle-b")


def _issue(circle, role, label):
    return issue_keys([circle], role, labels=[label])[0]


@pytest.fixture
def facilitator_a(circle_a):
    """An IssuedKey: .plaintext is the typed key, .record the AccessKey."""
    return _issue(circle_a, Role.FACILITATOR, "Fay A")


@pytest.fixture
def participant_a(circle_a):
    return _issue(circle_a, Role.PARTICIPANT, "Pat A")


@pytest.fixture
def facilitator_b(circle_b):
    return _issue(circle_b, Role.FACILITATOR, "Fay B")


@pytest.fixture
def signed_in(make_api):
    """signed_in(issued_key) -> an ApiClient with that key's session."""

    def sign_in(issued):
        client = make_api()
        client.sign_in(issued.plaintext)
        return client

    return sign_in
