"""Steps about the handoff: the guides in docs/ (present, linked, their commands real and
working), the join cards a facilitator prints, and `make snapshot`."""

import json
import re
import shlex
import subprocess
import sys

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from acceptance.stack import REPO_DIR
from acceptance.steps.container_steps import settings_variables
from acceptance.steps.operations_steps import run_make
from support.live_backend import BACKEND_DIR, Session, backend_env

DOCS = REPO_DIR / "docs"
CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.DOTALL)


def guides():
    return sorted(DOCS.glob("*.md"))


def code_in(path):
    """The text of a Markdown file's fenced blocks and inline code spans."""
    return "\n".join(block or span for block, span in CODE.findall(path.read_text()))


@then("the README links each of these guides, and each has content:")
def guides_linked(datatable):
    readme = (REPO_DIR / "README.md").read_text()
    for (guide,) in datatable[1:]:
        path = REPO_DIR / guide
        assert path.is_file(), f"{guide} is missing"
        assert len(path.read_text().split()) > 100, f"{guide} is nearly empty"
        assert f"]({guide})" in readme, f"the README does not link {guide}"


@then("every image the guides show is in docs/images")
def images_exist():
    for guide in guides():
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", guide.read_text()):
            assert (guide.parent / target).is_file(), f"{guide.name} shows a missing {target}"


@when(
    "the operator-session example of docs/key-management.md runs line by line in backend/ "
    "on a fresh database",
    target_fixture="session_run",
)
def run_operator_session(tmp_path):
    text = (DOCS / "key-management.md").read_text()
    found = re.search(r"<!-- example: operator-session -->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert found, "docs/key-management.md has no operator-session example"
    env = {"PATH": "/usr/bin:/bin", **backend_env(tmp_path / "guide.db")}
    results = []
    for line in filter(None, map(str.strip, found.group(1).splitlines())):
        words = shlex.split(line)
        assert words[:2] == ["python", "manage.py"], f"not an operator command: {line}"
        result = subprocess.run(
            [sys.executable, *words[1:]],
            cwd=BACKEND_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        results.append((line, result))
    return {"results": results, "env": env}


@then("every line succeeds")
def every_line_succeeds(session_run):
    failed = [(line, r.stderr[-500:]) for line, r in session_run["results"] if r.returncode]
    assert session_run["results"] and not failed, failed


@then(parsers.parse('the database then holds the circle "{name}" with the keys the example issued'))
def example_keys_exist(session_run, name):
    lines = [line for line, _ in session_run["results"]]
    issued = 0
    for line in lines:
        if " issue_keys " in f" {line} ":
            count = re.search(r"--count (\d+)", line)
            issued += int(count.group(1)) if count else 1
    result = subprocess.run(
        [sys.executable, "manage.py", "list_keys", "--circle", "tuesday-circle", "--json"],
        cwd=BACKEND_DIR,
        env=session_run["env"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    keys = json.loads(result.stdout)["keys"]
    assert len(keys) == issued, f"{len(keys)} keys, the example issued {issued}"
    revoked = sum(" revoke_key " in f" {line} " for line in lines)
    assert sum(key["revoked"] for key in keys) == revoked


@then('every "manage.py <command>" in the guides\' code is a management command of the backend')
def manage_commands_exist(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=BACKEND_DIR,
        env={"PATH": "/usr/bin:/bin", **backend_env(tmp_path / "help.db")},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    commands = set(result.stdout.split())
    named = {
        (guide.name, name)
        for guide in guides()
        for name in re.findall(r"manage\.py[ \t]+([a-z_]+)", code_in(guide))
    }
    assert named, "the guides name no manage.py command"
    unknown = sorted((guide, name) for guide, name in named if name not in commands)
    assert not unknown, f"not commands of the backend: {unknown}"


@then("every \"make <target>\" in the guides' and the README's code is a target of the Makefile")
def make_targets_exist():
    makefile = (REPO_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    named = {
        (path.name, name)
        for path in [*guides(), REPO_DIR / "README.md"]
        for name in re.findall(r"(?<![\w-])make[ \t]+([a-z][\w-]*)", code_in(path))
    }
    unknown = sorted((path, name) for path, name in named if name not in targets)
    assert not unknown, f"not Makefile targets: {unknown}"


@then("every variable the backend's settings read appears in docs/configuration.md")
def configuration_reference_complete():
    text = (DOCS / "configuration.md").read_text()
    missing = sorted(name for name in settings_variables() if not re.search(rf"\b{name}\b", text))
    assert not missing, f"docs/configuration.md does not mention {missing}"


# join cards


@when(parsers.parse("the facilitator issues {count:d} participant keys"), target_fixture="issued")
def facilitator_issues_keys(people, count):
    page = people("facilitator").page
    page.get_by_label("How many").fill(str(count))
    page.get_by_role("button", name="Issue keys").click()
    issued = page.get_by_test_id("issued-key")
    expect(issued).to_have_count(count)
    return [text.strip() for text in issued.all_inner_texts()]


@when("the facilitator opens the join cards")
def opens_join_cards(people):
    page = people("facilitator").page
    page.get_by_test_id("open-join-cards").click()
    expect(page.get_by_test_id("print-cards")).to_be_enabled()


@then(
    parsers.parse(
        "there are {count:d} join cards, each with the circle's name, a key, its join link "
        "and a QR code"
    )
)
def join_cards_shown(people, stack, issued, count):
    page = people("facilitator").page
    cards = page.get_by_test_id("join-card")
    expect(cards).to_have_count(count)
    circle_name = (
        page.get_by_test_id("join-cards-title").inner_text().removeprefix("Join cards for ")
    )
    for index in range(count):
        card = cards.nth(index)
        key = card.get_by_test_id("join-card-key").inner_text().strip()
        assert key in issued, f"{key} was not just issued"
        expect(card.get_by_test_id("join-card-circle")).to_have_text(circle_name)
        expect(card.get_by_test_id("join-card-link")).to_have_text(f"{stack.base_url}/#key={key}")
        qr = card.get_by_test_id("join-card-qr")
        assert qr.get_attribute("src").startswith("data:image/svg+xml"), qr.get_attribute("src")


@then("the key on each card lets a participant in")
def card_keys_work(stack, issued):
    for key in issued:
        session = Session(stack.base_url)
        try:
            session.sign_in(key)
        finally:
            session.close()


@when("the facilitator reloads the page")
def facilitator_reloads(people):
    people("facilitator").page.reload()


@then("no join card is shown, and the page says why")
def no_cards_after_reload(people):
    page = people("facilitator").page
    expect(page.get_by_test_id("join-cards-empty")).to_contain_text("right after issuing keys")
    expect(page.get_by_test_id("join-card")).to_have_count(0)


# make snapshot


@when("the operator runs make snapshot for the stack", target_fixture="snapshot")
def runs_snapshot(stack):
    args = ["--url", stack.base_url, "--json"]
    if stack.mode == "compose":
        args = [*stack.started("The snapshot").script_args(), *args]
    result = run_make("snapshot", "SNAPSHOT_ARGS", args)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def command_output(*command):
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout


@then("it reports this checkout's git commit")
def snapshot_commit(snapshot):
    head = command_output("git", "-C", str(REPO_DIR), "rev-parse", "HEAD").strip()
    assert snapshot["checkout"]["commit"] == head


@then("it reports the backend's version, Python, Django and database as the backend itself does")
def snapshot_backend(snapshot, stack):
    health = Session(stack.base_url).http.get("/api/health/").json()
    backend = snapshot["backend"]
    assert backend["version"] == health["version"]
    for field in ("commit", "build_time", "python", "django", "database"):
        assert backend[field] == health["build"][field], field
    assert backend["python"] and backend["django"] and backend["database"]


@then("it reports the version of Caddy that `caddy version` prints")
def snapshot_caddy(snapshot, stack):
    host = command_output("caddy", "version").split()[0].lstrip("v")
    assert snapshot["caddy"]["host"] == host
    if stack.mode == "compose":
        assert snapshot["caddy"]["container"], snapshot["caddy"]
        images = {image["service"]: image for image in snapshot["images"]}
        assert set(images) == {"backend", "caddy", "frontend"}, images
        assert all(image["id"] for image in images.values()), images


@then("it reports the version of Node that `node --version` prints")
def snapshot_node(snapshot):
    assert snapshot["node"] == command_output("node", "--version").strip().lstrip("v")
