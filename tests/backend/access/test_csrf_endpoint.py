"""GET /api/auth/csrf/: the token the SPA sends back in X-CSRFToken."""

URL = "/api/auth/csrf/"


def test_it_sets_a_readable_csrf_cookie_and_returns_the_token(api, db):
    response = api.get(URL)

    assert response.status_code == 200
    cookie = response.cookies["csrftoken"]
    assert cookie.value
    assert not cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert set(response.json()) == {"csrf_token"}
    assert len(response.json()["csrf_token"]) == 64


def test_the_returned_token_is_accepted_in_the_header(api, participant_a):
    token = api.get(URL).json()["csrf_token"]

    response = api.client.post(
        "/api/auth/verify-key/",
        {"key": participant_a.plaintext},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200


def test_it_needs_no_session(api, db):
    response = api.get(URL)

    assert "ic_session" not in response.cookies


def test_it_answers_a_signed_in_client_too(signed_in, participant_a):
    client = signed_in(participant_a)

    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["csrf_token"]
