"""POST /api/auth/verify-key/: signing in with a typed key."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from access.actions import issue_keys, revoke_key
from access.models import AccessKey, AttemptCounter, Role
from access.throttling import DEVICE_COOKIE

URL = "/api/auth/verify-key/"
REFUSED = {
    "error": "not_authenticated",
    "detail": "This key is not valid. Check it and try again, or ask your facilitator.",
}


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def verify(api, key, **kwargs):
    return api.post(URL, {"key": key}, **kwargs)


def refused(response):
    return response.status_code == 401 and response.json() == REFUSED


def detail(response):
    return response.json()["detail"]


def unknown_key():
    return "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


def test_it_signs_in_and_returns_the_identity(api, participant_a):
    response = verify(api, participant_a.plaintext)

    assert response.status_code == 200
    assert response.json() == {
        "role": "participant",
        "display_name": "Pat A",
        "circles": [{"slug": "circle-a", "name": "Circle A"}],
    }


def test_a_facilitator_key_signs_in_as_facilitator(api, facilitator_a):
    response = verify(api, facilitator_a.plaintext)

    assert response.status_code == 200
    assert response.json()["role"] == "facilitator"
    assert response.json()["display_name"] == "Fay A"


def test_a_key_without_label_is_named_by_its_role(api, circle_a):
    issued = issue_keys([circle_a], Role.PARTICIPANT)[0]

    assert verify(api, issued.plaintext).json()["display_name"] == "Participant"


def test_it_sets_an_httponly_lax_session_cookie(api, participant_a):
    response = verify(api, participant_a.plaintext)

    cookie = response.cookies["ic_session"]
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_then_opens_me(api, participant_a):
    verify(api, participant_a.plaintext)

    response = api.get("/api/auth/me/")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Pat A"


def test_signing_in_again_starts_a_new_session(api, participant_a, facilitator_a):
    verify(api, participant_a.plaintext)
    first = api.client.cookies["ic_session"].value

    verify(api, facilitator_a.plaintext)

    assert api.client.cookies["ic_session"].value != first
    assert api.get("/api/auth/me/").json()["role"] == "facilitator"


def test_it_records_the_use(api, participant_a):
    before = timezone.now()
    verify(api, participant_a.plaintext)
    verify(api, participant_a.plaintext)

    key = AccessKey.objects.get(pk=participant_a.record.pk)
    assert key.use_count == 2
    assert before <= key.last_used_at <= timezone.now()


def test_a_refused_key_records_no_use(api, participant_a):
    revoke_key(participant_a.record)
    verify(api, participant_a.plaintext)

    key = AccessKey.objects.get(pk=participant_a.record.pk)
    assert key.use_count == 0
    assert key.last_used_at is None


@pytest.mark.parametrize(
    "typed",
    [
        lambda k: k.lower(),
        lambda k: k.replace("-", " "),
        lambda k: k.replace("-", ""),
        lambda k: f"  {k.lower().replace('-', '')}  ",
    ],
    ids=["lowercase", "spaces", "no-dashes", "padded"],
)
def test_it_accepts_the_forms_people_type(api, participant_a, typed):
    response = verify(api, typed(participant_a.plaintext))

    assert response.status_code == 200
    assert response.json()["display_name"] == "Pat A"


def test_it_refuses_a_missing_key_with_400(api, participant_a):
    response = api.post(URL, {})

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["detail"].startswith("key: ")


@pytest.mark.parametrize("value", [1234, ["ABCD"], None, {"key": "ABCD"}, True, ""])
def test_it_refuses_a_key_that_is_not_a_nonempty_string_with_400(api, participant_a, value):
    response = verify(api, value)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert "key" in body["detail"]
    assert "ic_session" not in response.cookies


def test_it_refuses_a_body_that_is_not_an_object_with_400(api, participant_a):
    response = api.post(URL, [participant_a.plaintext])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_it_refuses_a_key_over_64_characters_with_400(api, participant_a):
    response = verify(api, participant_a.plaintext + "-" * 50)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "64" in response.json()["detail"]


def test_it_refuses_a_body_that_is_not_json(api):
    response = api.post(URL, "{key:", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


def test_it_refuses_an_unknown_key_with_401(api, participant_a):
    response = verify(api, unknown_key())

    assert response.status_code == 401
    assert response.json() == REFUSED
    assert response["WWW-Authenticate"] == 'Session realm="InquiryCircle"'
    assert "ic_session" not in response.cookies


def test_it_refuses_a_revoked_key_with_401(api, participant_a):
    revoke_key(participant_a.record)

    response = verify(api, participant_a.plaintext)
    assert response.status_code == 401
    assert response.json() == REFUSED


def test_it_refuses_an_expired_key_with_401(api, circle_a):
    issued = issue_keys([circle_a], Role.PARTICIPANT, expires_at=timezone.now() + timedelta(days=1))
    AccessKey.objects.filter(pk=issued[0].record.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = verify(api, issued[0].plaintext)
    assert response.status_code == 401
    assert response.json() == REFUSED


def test_it_accepts_a_key_that_expires_later(api, circle_a):
    later = timezone.now() + timedelta(hours=1)
    issued = issue_keys([circle_a], Role.PARTICIPANT, expires_at=later)[0]

    assert verify(api, issued.plaintext).status_code == 200


@pytest.mark.parametrize("typed", ["abc", "K7QF-M2ZD-9XHC-R4TU", "K7QF-M2ZD-9XHC-R4T", "?" * 16])
def test_it_refuses_a_malformed_string_key_with_401(api, participant_a, typed):
    response = verify(api, typed)

    assert response.status_code == 401
    assert response.json() == REFUSED


def test_a_key_differing_only_after_the_prefix_is_refused(api, participant_a):
    canonical = participant_a.plaintext.replace("-", "")
    last = "0" if canonical[-1] != "0" else "1"

    assert refused(verify(api, canonical[:-1] + last))


def test_unknown_revoked_expired_and_malformed_keys_get_identical_answers(make_api, circle_a):
    revoked, expired = issue_keys([circle_a], Role.PARTICIPANT, count=2)
    revoke_key(revoked.record)
    AccessKey.objects.filter(pk=expired.record.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    bodies = {
        typed: verify(make_api(), typed).content
        for typed in [unknown_key(), revoked.plaintext, expired.plaintext, "nonsense"]
    }

    assert len(set(bodies.values())) == 1


def test_it_refuses_a_post_without_the_csrf_header(api, participant_a):
    api.csrf_token()  # the cookie is there, the header is not

    response = verify(api, participant_a.plaintext, csrf=False)

    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert "ic_session" not in response.cookies


def test_it_refuses_a_wrong_csrf_header(api, participant_a):
    api.csrf_token()

    response = api.client.post(
        URL,
        {"key": participant_a.plaintext},
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )

    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def test_the_default_limit_is_ten_failures_in_ten_minutes():
    assert settings.KEY_FAILURE_LIMIT == 10
    assert settings.KEY_FAILURE_WINDOW == 600


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_after_the_limit_even_the_right_key_gets_429(api, participant_a):
    for _ in range(3):
        assert refused(verify(api, unknown_key()))

    response = verify(api, participant_a.plaintext)

    assert response.status_code == 429
    assert response.json()["error"] == "too_many_attempts"
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 600
    seconds = int(
        re.fullmatch(r"Too many attempts\. Try again in (\d+) seconds\.", detail(response))[1]
    )
    assert retry_after <= seconds <= retry_after + 1
    assert "ic_session" not in response.cookies


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_the_limit_counts_failures_not_requests(make_api, participant_a):
    stranger = make_api()
    for _ in range(2):
        assert refused(verify(stranger, unknown_key()))
    for _ in range(5):
        assert verify(make_api(), participant_a.plaintext).status_code == 200
    for _ in range(5):
        assert stranger.post(URL, {"key": 12}).status_code == 400
    assert stranger.post(URL, {}).status_code == 400
    assert stranger.post(URL, "{not json").status_code == 400
    assert verify(stranger, "x" * 65).status_code == 400

    assert refused(verify(stranger, unknown_key()))
    assert verify(stranger, participant_a.plaintext).status_code == 429


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_csrf_refusals_do_not_count(api, participant_a):
    api.csrf_token()
    for _ in range(5):
        assert verify(api, unknown_key(), csrf=False).status_code == 403

    assert verify(api, participant_a.plaintext).status_code == 200


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_each_client_address_is_counted_separately(make_api, participant_a):
    attacker = make_api()
    for _ in range(3):
        assert refused(verify(attacker, unknown_key()))
    assert verify(attacker, participant_a.plaintext).status_code == 429

    other = make_api()
    other.client.defaults["REMOTE_ADDR"] = "10.0.0.2"
    assert verify(other, participant_a.plaintext).status_code == 200
    for _ in range(3):
        assert refused(verify(other, unknown_key()))
    assert verify(other, participant_a.plaintext).status_code == 429


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_the_count_is_shared_by_clients_from_one_address(make_api, participant_a):
    for _ in range(3):
        assert refused(verify(make_api(), unknown_key()))

    assert verify(make_api(), participant_a.plaintext).status_code == 429


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_the_count_lives_in_the_database(api, participant_a):
    for _ in range(3):
        verify(api, unknown_key())
    assert AttemptCounter.objects.get().count == 3
    AttemptCounter.objects.all().delete()

    assert verify(api, participant_a.plaintext).status_code == 200


# Device cookies (OWASP): a browser that signed in before keeps its own budget.


def signed_in_before(make_api, key):
    browser = make_api()
    assert verify(browser, key).status_code == 200
    assert DEVICE_COOKIE in browser.client.cookies
    return browser


def test_signing_in_gives_the_browser_a_signed_httponly_device_cookie(api, participant_a):
    response = verify(api, participant_a.plaintext)

    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/api/auth/"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert participant_a.plaintext.replace("-", "") not in cookie.value
    assert "ic_device" not in verify(api, unknown_key()).cookies  # only a sign-in gives one


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_a_member_gets_in_while_strangers_at_the_same_address_are_slowed(
    make_api, participant_a, facilitator_a
):
    member = signed_in_before(make_api, participant_a.plaintext)
    for _ in range(3):
        assert refused(verify(make_api(), unknown_key()))  # strangers' typos, one address

    assert verify(make_api(), facilitator_a.plaintext).status_code == 429  # a stranger
    assert verify(member, participant_a.plaintext).status_code == 200  # the member


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_a_known_browser_has_a_budget_of_its_own(make_api, participant_a):
    member = signed_in_before(make_api, participant_a.plaintext)
    for _ in range(3):
        assert refused(verify(member, unknown_key()))

    assert verify(member, participant_a.plaintext).status_code == 429
    assert verify(make_api(), participant_a.plaintext).status_code == 200  # the address is not


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_a_forged_device_cookie_counts_as_a_stranger(make_api, participant_a):
    for _ in range(3):
        assert refused(verify(make_api(), unknown_key()))
    forger = make_api()
    forger.client.cookies[DEVICE_COOKIE] = "made-up:value"

    assert verify(forger, participant_a.plaintext).status_code == 429


@override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600)
def test_a_device_cookie_cannot_be_moved_to_another_budget_by_editing_it(make_api, participant_a):
    member = signed_in_before(make_api, participant_a.plaintext)
    value = member.client.cookies[DEVICE_COOKIE].value
    for _ in range(3):
        assert refused(verify(member, unknown_key()))
    tampered = make_api()
    tampered.client.cookies[DEVICE_COOKIE] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")

    assert verify(tampered, unknown_key()).status_code == 401  # a stranger's budget, not 429
    assert verify(member, participant_a.plaintext).status_code == 429


def test_failures_older_than_the_window_are_forgotten(api, participant_a):
    with override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600):
        for _ in range(3):
            verify(api, unknown_key())
        assert verify(api, participant_a.plaintext).status_code == 429
    # The same history seen through a 0-second window holds nothing recent.
    with override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=0):
        assert verify(api, participant_a.plaintext).status_code == 200


def test_a_lowered_limit_still_answers_with_retry_after(api, participant_a):
    with override_settings(KEY_FAILURE_LIMIT=10, KEY_FAILURE_WINDOW=600):
        for _ in range(5):
            assert refused(verify(api, unknown_key()))
    # An operator lowers IC_KEY_FAILURE_LIMIT and restarts; this address is over the new limit.
    with override_settings(KEY_FAILURE_LIMIT=3, KEY_FAILURE_WINDOW=600):
        response = verify(api, participant_a.plaintext)

    assert response.status_code == 429
    assert "None" not in detail(response)
    assert response.has_header("Retry-After")
    assert 0 < int(response["Retry-After"]) <= 600
