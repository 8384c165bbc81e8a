"""Every error leaves the API as JSON {"error": "<code>", "detail": "<sentence>"}.

Validation errors ("invalid") may add "fields"; nothing else adds keys.
"""

import pytest

from facilitation.models import Message

MESSAGES = "/api/messages/"


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    allowed = {"error", "detail", "fields"} if code == "invalid" else {"error", "detail"}
    assert {"error", "detail"} <= set(body) <= allowed
    assert body["error"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def fay(signed_in, facilitator_a):
    return signed_in(facilitator_a)


def test_malformed_json_is_400_with_a_readable_detail(fay):
    response = fay.post(MESSAGES, '{"circle": "circle-a", "kind": ')

    body = assert_error(response, 400, "malformed_json")
    assert body["detail"].startswith("The request body is not valid JSON (")
    assert "JSON parse error" not in body["detail"]
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["[" * 5000, '{"a":' * 3000])
def test_json_nested_too_deeply_is_400_not_a_server_error(api, db, body):
    response = api.post("/api/auth/verify-key/", body)  # before anyone signs in

    detail = assert_error(response, 400, "malformed_json")["detail"]
    assert detail == "The request body is not valid JSON (it is nested too deeply)."


def test_a_number_too_long_for_python_is_400(fay):
    response = fay.post(
        MESSAGES, '{"circle": "circle-a", "kind": "prompt", "body": ' + "9" * 5000 + "}"
    )

    assert_error(response, 400, "malformed_json")
    assert not Message.objects.exists()


def test_a_body_over_16_kb_is_413_and_nothing_is_created(fay):
    body = {"circle": "circle-a", "kind": "prompt", "body": "x" * (16 * 1024)}

    response = fay.post(MESSAGES, body)

    error = assert_error(response, 413, "request_too_large")
    assert error["detail"] == "The request body is larger than the 16 KB allowed."
    assert not Message.objects.exists()


def test_a_body_just_under_the_limit_gets_through_to_validation(fay):
    response = fay.post(MESSAGES, {"circle": "circle-a", "kind": "prompt", "body": "x" * 16000})

    body = assert_error(response, 400, "invalid")
    assert body["detail"].startswith("body: ")


def test_a_non_numeric_content_length_is_400(fay):
    response = fay.post(MESSAGES, "{}", CONTENT_LENGTH="lots")

    assert_error(response, 400, "bad_request")


def test_a_json_array_body_is_400(fay):
    response = fay.post(MESSAGES, [{"circle": "circle-a", "kind": "prompt", "body": "hi"}])

    assert_error(response, 400, "invalid")
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ['"just a string"', "42", "null"])
def test_a_json_scalar_body_is_400(fay, body):
    response = fay.post(MESSAGES, body)

    assert_error(response, 400, "invalid")


def test_an_empty_body_is_a_validation_error(fay):
    body = assert_error(fay.post(MESSAGES, ""), 400, "invalid")

    assert set(body["fields"]) == {"circle", "kind", "body"}


def test_validation_errors_name_each_field(fay):
    response = fay.post(MESSAGES, {"circle": "circle-a", "kind": "shout", "body": ""})

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"kind", "body"}
    assert "kind: " in body["detail"] and "body: " in body["detail"]


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/circles/a/b/c/", "/api/"])
def test_an_unknown_api_path_is_a_json_404(api, db, path):
    body = assert_error(api.get(path), 404, "not_found")

    assert body == {"error": "not_found", "detail": "There is nothing at this address."}


def test_a_wrong_method_is_a_json_405(fay):
    response = fay.send("put", MESSAGES, {"circle": "circle-a"})

    body = assert_error(response, 405, "method_not_allowed")
    assert "PUT" in body["detail"]


def test_a_form_encoded_post_is_415(fay):
    response = fay.post(
        MESSAGES,
        "circle=circle-a&kind=prompt&body=hi",
        content_type="application/x-www-form-urlencoded",
    )

    assert_error(response, 415, "unsupported_media_type")
    assert not Message.objects.exists()


def test_a_post_without_the_csrf_token_is_403(fay):
    response = fay.post(
        MESSAGES, {"circle": "circle-a", "kind": "prompt", "body": "hi"}, csrf=False
    )

    assert_error(response, 403, "csrf_failed")
    assert not Message.objects.exists()


def test_an_anonymous_request_is_a_json_401(api, circle_a):
    assert_error(api.get(MESSAGES, {"circle": "circle-a"}), 401, "not_authenticated")


def test_a_forbidden_request_is_a_json_403(signed_in, participant_a):
    response = signed_in(participant_a).post(
        MESSAGES, {"circle": "circle-a", "kind": "prompt", "body": "hi"}
    )

    assert_error(response, 403, "forbidden")


def test_a_conflict_is_a_json_409(fay):
    response = fay.post("/api/circles/", {"name": "Dup", "slug": "circle-a"})

    assert_error(response, 409, "conflict")


def test_a_bad_host_header_is_a_json_400(api, db):
    response = api.client.get("/api/health/", HTTP_HOST="evil.example.com")

    assert_error(response, 400, "bad_request")
