"""Operator commands: create_circle, issue_keys, list_keys, revoke_key and seed_demo."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from access.actions import issue_keys
from access.keys import normalize_key
from access.models import AccessKey, Role
from circles.models import Circle

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_json(*args):
    return json.loads(run(*args, "--json"))


def sign_in(make_api, key):
    return make_api().post("/api/auth/verify-key/", {"key": key})


# create_circle


def test_create_circle_creates_it_and_prints_json():
    data = run_json(
        "create_circle", "--name", "Tuesday Circle", "--slug", "tue", "--description", "Weekly."
    )

    assert data == {
        "slug": "tue",
        "name": "Tuesday Circle",
        "description": "Weekly.",
        "next_session": None,
        "active": True,
    }
    circle = Circle.objects.get(slug="tue")
    assert (circle.name, circle.description) == ("Tuesday Circle", "Weekly.")


def test_create_circle_makes_the_slug_from_the_name():
    assert run_json("create_circle", "--name", "Friday Readers")["slug"] == "friday-readers"
    assert run_json("create_circle", "--name", "Friday Readers")["slug"] == "friday-readers-2"


def test_create_circle_prints_text_without_json():
    out = run("create_circle", "--name", "Tuesday Circle", "--slug", "tue")

    assert out.strip() == "Created circle 'Tuesday Circle' (tue)."


def test_create_circle_takes_the_next_session_time():
    data = run_json("create_circle", "--name", "Tue", "--next-session", "2099-05-01T18:00:00Z")

    assert data["next_session"] == "2099-05-01T18:00:00+00:00"


def test_create_circle_refuses_a_taken_slug(circle_a):
    with pytest.raises(CommandError, match="A circle with slug 'circle-a' already exists"):
        run("create_circle", "--name", "Another", "--slug", "circle-a")
    assert Circle.objects.filter(slug="circle-a").get().name == "Circle A"


@pytest.mark.parametrize("name", ["", "   "])
def test_create_circle_refuses_a_blank_name(name):
    with pytest.raises(CommandError, match=r"name: .*blank"):
        run("create_circle", "--name", name)
    assert not Circle.objects.exists()


def test_create_circle_needs_a_name():
    with pytest.raises(CommandError, match="--name"):
        run("create_circle", "--slug", "x")


@pytest.mark.parametrize("slug", ["Bad Slug!", "a/b", "ünïcode"])
def test_create_circle_refuses_a_slug_urls_cannot_carry(slug):
    with pytest.raises(CommandError):
        run("create_circle", "--name", "Circle", "--slug", slug)
    assert not Circle.objects.exists()


def test_create_circle_refuses_a_name_over_120_characters():
    with pytest.raises(CommandError):
        run("create_circle", "--name", "x" * 121)
    assert not Circle.objects.exists()


# issue_keys


def test_issue_keys_prints_keys_that_sign_in(circle_a, make_api):
    data = run_json(
        "issue_keys",
        "--circle",
        "circle-a",
        "--role",
        "participant",
        "--count",
        "2",
        "--label",
        "Guest",
    )

    keys = data["keys"]
    assert len(keys) == 2
    for key in keys:
        assert key["prefix"] == key["key"][:4]
        assert key["role"] == "participant"
        assert key["label"] == "Guest"
        assert key["circle"] == "circle-a"
        assert key["expires"] is None
        response = sign_in(make_api, key["key"])
        assert response.status_code == 200
        assert response.json()["role"] == "participant"
        assert response.json()["display_name"] == "Guest"


def test_issue_keys_issues_a_facilitator_key(circle_a, make_api):
    key = run_json("issue_keys", "--circle", "circle-a", "--role", "facilitator")["keys"][0]

    assert key["role"] == "facilitator"
    assert sign_in(make_api, key["key"]).json()["role"] == "facilitator"


def test_issue_keys_prints_the_keys_as_text(circle_a):
    out = run("issue_keys", "--circle", "circle-a", "--role", "participant", "--label", "Ada")

    key = AccessKey.objects.get(label="Ada")
    assert "Participant keys for 'Circle A' (shown only now):" in out
    assert f"id={key.pk}" in out
    typed = out.splitlines()[1].split()[0]
    assert normalize_key(typed)[:4] == key.prefix


def test_issue_keys_sets_an_expiry(circle_a):
    key = run_json(
        "issue_keys", "--circle", "circle-a", "--role", "participant", "--expires", "2099-01-01"
    )["keys"][0]

    assert key["expires"] == "2099-01-01T00:00:00+00:00"
    assert AccessKey.objects.get(pk=key["id"]).expires_at.year == 2099


def test_issue_keys_refuses_an_unknown_circle(db):
    with pytest.raises(CommandError, match="There is no circle 'nope'"):
        run("issue_keys", "--circle", "nope", "--role", "participant")
    assert not AccessKey.objects.exists()


def test_issue_keys_refuses_an_unknown_role(circle_a):
    with pytest.raises(CommandError, match="--role"):
        run("issue_keys", "--circle", "circle-a", "--role", "admin")


@pytest.mark.parametrize("count", ["0", "101", "-3"])
def test_issue_keys_refuses_a_count_out_of_range(circle_a, count):
    with pytest.raises(CommandError, match="--count must be between 1 and 100"):
        run("issue_keys", "--circle", "circle-a", "--role", "participant", "--count", count)
    assert not AccessKey.objects.exists()


def test_issue_keys_refuses_an_expiry_in_the_past(circle_a):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()

    with pytest.raises(CommandError, match="--expires must be in the future"):
        run("issue_keys", "--circle", "circle-a", "--role", "participant", "--expires", past)
    assert not AccessKey.objects.exists()


@pytest.mark.parametrize("expires", ["tomorrow", "2099-13-45T00:00:00", "31/12/2099"])
def test_issue_keys_refuses_a_malformed_expiry(circle_a, expires):
    with pytest.raises(CommandError, match="--expires must be an ISO 8601 time"):
        run("issue_keys", "--circle", "circle-a", "--role", "participant", "--expires", expires)
    assert not AccessKey.objects.exists()


# list_keys


def test_list_keys_json_shows_no_secrets(circle_a, facilitator_a, participant_a):
    out = run("list_keys", "--circle", "circle-a", "--json")

    data = json.loads(out)
    assert data["circle"] == "circle-a"
    assert [k["id"] for k in data["keys"]] == [facilitator_a.record.pk, participant_a.record.pk]
    assert [k["prefix"] for k in data["keys"]] == [
        facilitator_a.plaintext[:4],
        participant_a.plaintext[:4],
    ]
    for issued in (facilitator_a, participant_a):
        assert issued.plaintext not in out.upper()
        assert normalize_key(issued.plaintext) not in out.upper()
        assert issued.record.key_hash not in out
    assert all("key" not in k and "key_hash" not in k for k in data["keys"])


def test_list_keys_text_names_each_key_by_prefix(circle_a, facilitator_a, participant_a):
    out = run("list_keys", "--circle", "circle-a")

    assert out.startswith("Keys of 'Circle A':")
    for issued, label in ((facilitator_a, "Fay A"), (participant_a, "Pat A")):
        line = next(line for line in out.splitlines() if f"id={issued.record.pk} " in line)
        assert f"{issued.plaintext[:4]}-…" in line
        assert label in line
        assert issued.plaintext not in out
        assert normalize_key(issued.plaintext)[4:] not in out


def test_list_keys_shows_revoked_keys_as_revoked(circle_a, participant_a):
    run("revoke_key", "--id", str(participant_a.record.pk))

    out = run("list_keys", "--circle", "circle-a")
    assert "revoked" in out


def test_list_keys_refuses_an_unknown_circle(db):
    with pytest.raises(CommandError, match="There is no circle 'nope'"):
        run("list_keys", "--circle", "nope")


# revoke_key


def revoked(issued):
    return AccessKey.objects.get(pk=issued.record.pk).revoked_at is not None


def test_revoke_key_by_prefix(participant_a, facilitator_a, make_api):
    data = run_json("revoke_key", "--prefix", participant_a.plaintext[:4])

    assert data["id"] == participant_a.record.pk
    assert data["prefix"] == participant_a.plaintext[:4]
    assert data["revoked_at"]
    assert revoked(participant_a)
    assert not revoked(facilitator_a)
    assert sign_in(make_api, participant_a.plaintext).json()["error"] == "not_authenticated"


def test_revoke_key_reads_a_lowercase_prefix(participant_a):
    run("revoke_key", "--prefix", participant_a.plaintext[:4].lower())

    assert revoked(participant_a)


@pytest.mark.parametrize(
    "pasted", [lambda k: k, lambda k: k.lower(), lambda k: k.replace("-", " ")]
)
def test_revoke_key_accepts_a_whole_pasted_key(participant_a, pasted):
    out = run("revoke_key", "--prefix", pasted(participant_a.plaintext))

    assert revoked(participant_a)
    assert out.strip() == (
        f"Revoked key {participant_a.plaintext[:4]}-… (id {participant_a.record.pk}, Pat A)."
    )


def test_revoke_key_by_id(participant_a, signed_in, facilitator_a):
    session = signed_in(facilitator_a)

    run("revoke_key", "--id", str(facilitator_a.record.pk))

    assert revoked(facilitator_a)
    assert not revoked(participant_a)
    assert session.get("/api/auth/me/").status_code == 401


def test_revoke_key_refuses_an_unknown_prefix(participant_a):
    unknown = "ZZZZ" if not participant_a.plaintext.startswith("ZZZZ") else "YYYY"

    with pytest.raises(CommandError, match=f"No key has prefix {unknown}"):
        run("revoke_key", "--prefix", unknown)
    assert not revoked(participant_a)


def test_revoke_key_refuses_an_unknown_id(db):
    with pytest.raises(CommandError, match="No key has id 424242"):
        run("revoke_key", "--id", "424242")


def test_revoke_key_refuses_an_ambiguous_prefix(circle_a):
    first, second = issue_keys([circle_a], Role.PARTICIPANT, count=2)
    AccessKey.objects.filter(pk=second.record.pk).update(prefix=first.record.prefix)

    with pytest.raises(CommandError, match="use --id") as refused:
        run("revoke_key", "--prefix", first.record.prefix)

    assert str(first.record.pk) in str(refused.value)
    assert str(second.record.pk) in str(refused.value)
    assert not AccessKey.objects.filter(revoked_at__isnull=False).exists()


def test_revoke_key_needs_a_prefix_or_an_id(db):
    with pytest.raises(CommandError):
        run("revoke_key")


def test_revoking_a_revoked_key_keeps_its_revocation_time(participant_a):
    first = run_json("revoke_key", "--id", str(participant_a.record.pk))["revoked_at"]

    assert run_json("revoke_key", "--id", str(participant_a.record.pk))["revoked_at"] == first


# seed_demo


def test_seed_demo_prints_keys_that_sign_in_with_their_roles(make_api):
    data = run_json("seed_demo")

    assert data["circle"] == "demo"
    assert len(data["participant_keys"]) == 3
    facilitator = sign_in(make_api, data["facilitator_key"]).json()
    assert facilitator["role"] == "facilitator"
    assert facilitator["circles"] == [{"slug": "demo", "name": "Demo circle"}]
    for n, key in enumerate(data["participant_keys"], start=1):
        body = sign_in(make_api, key).json()
        assert body["role"] == "participant"
        assert body["display_name"] == f"Demo participant {n}"
        assert body["circles"] == [{"slug": "demo", "name": "Demo circle"}]


def test_seed_demo_again_replaces_the_demo_keys(make_api):
    first = run_json("seed_demo")
    second = run_json("seed_demo")

    assert Circle.objects.filter(slug="demo").count() == 1
    for key in [second["facilitator_key"], *second["participant_keys"]]:
        assert sign_in(make_api, key).status_code == 200
    for key in [first["facilitator_key"], *first["participant_keys"]]:
        response = sign_in(make_api, key)
        assert response.json()["error"] == "not_authenticated"
    assert AccessKey.objects.usable().count() == 4
    assert AccessKey.objects.count() == 4  # the old demo keys are gone, not piled up


def test_seed_demo_leaves_other_keys_of_the_demo_circle_alone(make_api):
    run("seed_demo")
    circle = Circle.objects.get(slug="demo")
    guest = issue_keys([circle], Role.PARTICIPANT, labels=["Guest"])[0]

    run("seed_demo")

    assert sign_in(make_api, guest.plaintext).status_code == 200


def test_seed_demo_prints_text_with_every_key():
    out = run("seed_demo")

    assert out.startswith("Demo circle 'Demo circle' (demo)")
    assert out.count("facilitator key:") == 1
    assert out.count("participant key:") == 3
