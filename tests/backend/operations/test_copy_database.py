"""manage.py copy_database --from sqlite:///...: a SQLite database, filled through the real
actions, copied into a PostgreSQL database of the test's own, as an operator would run it."""

import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing

import httpx
import psycopg
import pytest

from support import postgres
from support.live_backend import BACKEND_DIR, Session, backend_env, running_backend

pytestmark = pytest.mark.postgresql

# The app's data, made by the actions the API and commands use: two circles (one deleted, so
# ids have gaps), keys of both roles (one revoked, one expiring, one used), messages with
# text beyond ASCII posted in a session, and a signed-in session; the circle's rhythm: a
# schedule with a skipped date, an ended and an open session, a run sheet, a paused timer and
# a calendar link.
FILL = """
import json
from datetime import date, time, timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from access.actions import issue_keys, record_use, revoke_key
from access.models import Role
from circles.actions import create_circle, delete_circle, update_circle
from facilitation.actions import post_message
from rhythm import actions as rhythm

gone = create_circle("Gone circle")
circle = create_circle("Morning circle", description="Weekly.\\nBring tea.")
update_circle(circle, next_session_at=timezone.now() + timedelta(days=2))
other = create_circle("Evening circle")
facilitator = issue_keys([circle, other], Role.FACILITATOR, labels=["Fay"])[0].record
participants = issue_keys(
    [circle], Role.PARTICIPANT, count=3, expires_at=timezone.now() + timedelta(days=30)
)
issue_keys([gone], Role.PARTICIPANT, labels=["Leaves with the circle"])
record_use(participants[0].record)
revoke_key(participants[2].record)
delete_circle(gone)
rhythm.set_schedule(circle, {
    "frequency": "weekly", "weekday": 1, "week_of_month": None, "time": time(19, 0),
    "timezone": "Europe/Berlin", "duration_minutes": 90, "starts_on": date(2026, 1, 6),
    "skipped_dates": ["2026-12-29"],
})
rhythm.start_session(circle, facilitator)
for n in range(7):
    post_message(circle, facilitator, "prompt", f"Prompt {n}: what did you notice? é ✓ 🌱")
rhythm.end_session(circle)
post_message(other, facilitator, "time_cue", "Five minutes left")
rhythm.start_session(circle, facilitator)
rhythm.add_item(circle, "timer", "Pairs ✓", 2)
rhythm.add_item(circle, "prompt", "Who are you today?", None)
rhythm.send_next_item(circle, facilitator)
rhythm.pause_timer(circle)
rhythm.new_calendar_link(participants[0].record, circle)
from facilitation import presence
from voice import actions as voice
ana = participants[0].record
presence.left_room(presence.entered_room(circle.pk, ana.pk, ana.display_name, ana.role))
from facilitation.models import Message
from voice.models import PromptResponse
PromptResponse.objects.create(
    circle=circle, prompt=Message.objects.filter(kind="prompt").last(), author=ana,
    author_name=ana.display_name, body="What I would say",
)
voice.raise_signal(circle, ana, "hand")
session = SessionStore()
session["key_id"] = participants[0].record.pk
session.create()
"""

# After the copy: one new row of each kind, printed with its id (and the message's number).
ADD = """
import json
from access.actions import issue_keys
from access.models import AccessKey, Role
from circles.actions import create_circle
from circles.models import Circle
from facilitation.actions import post_message

circle = Circle.objects.get(slug="morning-circle")
facilitator = AccessKey.objects.get(label="Fay")
message = post_message(circle, facilitator, "announcement", "After the move")
key = issue_keys([circle], Role.PARTICIPANT, labels=["New"])[0].record
print(json.dumps({
    "message": [message.pk, message.seq],
    "key": key.pk,
    "key_circle": key.circles.through.objects.get(accesskey=key).pk,
    "circle": create_circle("New circle").pk,
}))
"""

APPS = ["access", "circles", "facilitation", "rhythm", "voice", "sessions"]


def run(database_url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND_DIR,
        env=backend_env(None, DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(database_url, *args):
    result = run(database_url, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def refused(database_url, *args):
    """The one CommandError line an operator sees, with exit status 1 and no traceback."""
    result = run(database_url, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("CommandError: "), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def copy(target, source, *args):
    return ok(target, "copy_database", "--from", source, "--json", *args)


def everything(database_url):
    """Every row of the app's tables as Django serializes them, in id order."""
    return json.loads(ok(database_url, "dumpdata", *APPS))


def count(database_url, table):
    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def execute(database_url, sql):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The URL of a SQLite file holding the data FILL makes; copying only reads it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('source') / 'inquirycircle.db'}"
    ok(url, "migrate", "--noinput")
    ok(url, "shell", "--no-imports", "-c", FILL)
    return url


@pytest.fixture(scope="module")
def migrated(postgres_server):
    """A migrated PostgreSQL database holding no app data, the template of each target."""
    with postgres.scratch_database(postgres_server, prefix="ic_migrated") as url:
        ok(url, "migrate", "--noinput")
        yield url


@pytest.fixture
def target(postgres_server, migrated):
    """The URL of a migrated PostgreSQL database holding no app data, the test's own."""
    with postgres.scratch_database(postgres_server, template=migrated) as url:
        yield url


def test_it_copies_every_row_and_says_the_copy_matches(source, target):
    report = copy(target, source)

    assert report["matches"] is True
    rows = {t["table"]: (t["source_rows"], t["target_rows"]) for t in report["tables"]}
    assert rows == {
        "circles_circle": (2, 2),
        "access_accesskey": (5, 5),
        "access_accesskey_circles": (5, 5),
        "facilitation_message": (8, 8),
        "django_session": (1, 1),
        "rhythm_schedule": (1, 1),
        "rhythm_session": (2, 2),
        "rhythm_runsheetitem": (2, 2),
        "rhythm_timer": (1, 1),
        "rhythm_calendarlink": (1, 1),
        "facilitation_visit": (1, 1),
        "voice_promptresponse": (1, 1),
        "voice_signal": (1, 1),
    }
    assert all(t["differing_rows"] == 0 for t in report["tables"])
    assert set(report["skipped"]) == {
        "ic_cache",
        "django_content_type",
        "django_migrations",
        "live_change",
        "live_epoch",
        "access_attemptcounter",
    }


def test_the_copy_holds_exactly_the_sources_data(source, target):
    copy(target, source)

    copied, original = everything(target), everything(source)
    assert len(original) == 26  # the keys' circles are in the keys' rows
    assert copied == original


def test_the_text_report_lists_each_table(source, target):
    text = ok(target, "copy_database", "--from", source)

    assert re.search(r"\n  facilitation_message +8 +8  ok\n", text)
    assert "ic_cache: a cache" in text
    assert text.rstrip().endswith("Every one of the 31 rows matches the source: copy kept.")


def test_new_rows_after_the_copy_get_the_next_ids_and_numbers(source, target):
    copy(target, source)
    tables = ["circles_circle", "access_accesskey", "access_accesskey_circles"]
    tables.append("facilitation_message")
    with closing(sqlite3.connect(source.removeprefix("sqlite:///"))) as db:
        last = {t: db.execute(f"SELECT max(id) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608

    added = json.loads(ok(target, "shell", "--no-imports", "-c", ADD))

    # Without the sequences moved, each insert would take id 1 and collide.
    assert added["message"] == [last["facilitation_message"] + 1, 8]  # the circle's 8th
    assert added["key"] == last["access_accesskey"] + 1
    assert added["key_circle"] == last["access_accesskey_circles"] + 1
    assert added["circle"] == last["circles_circle"] + 1


def test_a_signed_in_person_stays_signed_in(tmp_path, target):
    source = tmp_path / "inquirycircle.db"
    ok(f"sqlite:///{source}", "migrate", "--noinput")
    demo = ok(f"sqlite:///{source}", "seed_demo", "--json")
    log = tmp_path / "gunicorn.log"
    with running_backend(source, log, workers=1, DATABASE_URL=f"sqlite:///{source}") as before:
        cookies = Session(before.url).sign_in(demo["participant_keys"][0]).http.cookies

    copy(target, f"sqlite:///{source}")

    with running_backend(source, log, workers=1, DATABASE_URL=target) as after:
        me = httpx.get(f"{after.url}/api/auth/me/", cookies=cookies)
        assert me.status_code == 200
        assert me.json()["role"] == "participant"


def test_it_refuses_a_target_that_holds_app_data(source, target):
    copy(target, source)

    error = refused(target, "copy_database", "--from", source)

    assert "already holds app data: " in error
    assert "circles_circle (2 rows)" in error
    assert "give --replace" in error


def test_replace_deletes_the_targets_app_data_first(source, target):
    ok(target, "shell", "-c", "from circles.actions import create_circle; create_circle('Old')")

    report = copy(target, source, "--replace")

    assert report["matches"] is True
    assert report["replaced"] is True
    assert everything(target) == everything(source)


def test_it_refuses_an_unmigrated_target(source, postgres_database):
    error = refused(postgres_database, "copy_database", "--from", source)

    assert "is not fully migrated: run `manage.py migrate` first" in error


def test_it_refuses_a_missing_source_file(tmp_path, target):
    missing = tmp_path / "nothing.db"

    error = refused(target, "copy_database", "--from", f"sqlite:///{missing}")

    assert f"there is no SQLite database at {missing}" in error
    assert not missing.exists()


def test_it_refuses_a_sqlite_file_that_is_not_migrated(tmp_path, target):
    empty = tmp_path / "empty.db"
    empty.touch()

    error = refused(target, "copy_database", "--from", f"sqlite:///{empty}")

    assert "is not an InquiryCircle database" in error


def test_a_copy_that_differs_from_the_source_is_not_kept(source, target):
    # A trigger changes each message on its way in: the comparison must notice.
    execute(
        target,
        """
        CREATE FUNCTION shout() RETURNS trigger AS $$
        BEGIN NEW.body := upper(NEW.body); RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER shout BEFORE INSERT ON facilitation_message
        FOR EACH ROW EXECUTE FUNCTION shout();
        """,
    )

    result = run(target, "copy_database", "--from", source)

    assert result.returncode == 1
    assert re.search(r"facilitation_message +8 +8  DIFFERS: 8 rows, first id 1\n", result.stdout)
    assert "nothing was kept" in result.stderr
    assert count(target, "facilitation_message") == count(target, "circles_circle") == 0


def test_a_row_postgresql_refuses_stops_the_copy_and_nothing_is_kept(source, target, tmp_path):
    # SQLite never checks a column's length; PostgreSQL does.
    own = tmp_path / "too-long.db"
    too_long = "UPDATE access_accesskey SET label = printf('%.100c', 'x') WHERE id = 2"
    with (
        closing(sqlite3.connect(source.removeprefix("sqlite:///"))) as db,
        closing(sqlite3.connect(own)) as changed,
    ):
        db.backup(changed)
        changed.execute(too_long)
        changed.commit()

    error = refused(target, "copy_database", "--from", f"sqlite:///{own}")

    assert "copying access_accesskey failed, nothing was kept" in error
    assert "value too long" in error
    assert count(target, "circles_circle") == 0
