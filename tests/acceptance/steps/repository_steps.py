"""Steps about files: the repository, a provisioned server root, the build, the Caddyfiles."""

import os
import re
import stat
import subprocess

import pytest
from pytest_bdd import given, parsers, then, when

from acceptance.stack import REPO_DIR, SITE_ROOT
from support.live_caddy import run_caddy_command


@then(parsers.parse("the repository has the folders {names}"))
def repository_has_folders(names):
    for name in names.replace(" and ", ", ").split(", "):
        assert (REPO_DIR / name.strip()).is_dir(), f"{name} is missing from the repository"


@then("the repository has a README and a tox.ini")
def repository_has_readme_and_tox():
    assert (REPO_DIR / "README.md").is_file()
    assert (REPO_DIR / "tox.ini").is_file()


@given("an empty folder standing in for a server's root", target_fixture="server_root")
def server_root(tmp_path):
    root = tmp_path / "server"
    root.mkdir()
    return root


@when("the provisioning command runs for that root")
def run_provisioning(server_root):
    result = subprocess.run(
        ["make", "--no-print-directory", "provision", f"ROOT={server_root}"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@then("these folders exist under it:", target_fixture="provisioned")
def folders_exist(server_root, datatable):
    folders = [server_root / row[0] for row in datatable[1:]]
    for folder in folders:
        assert folder.is_dir(), f"{folder.relative_to(server_root)} was not created"
    return folders


@then("every one of them belongs to the deploying user")
def folders_belong_to_user(provisioned):
    for folder in provisioned:
        assert folder.stat().st_uid == os.getuid(), f"{folder} is owned by someone else"


@then(parsers.parse("the {what} folder {path} is not readable by other users"))
def folder_private(server_root, what, path):
    mode = (server_root / path).stat().st_mode
    assert not mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IXOTH), f"{path} is {oct(mode)}"


@then("caddy/site/dist holds index.html and hashed JavaScript under assets/")
def build_in_place():
    index = (SITE_ROOT / "index.html").read_text()
    assets = sorted(path.name for path in (SITE_ROOT / "assets").iterdir())
    # Vite names each bundle <name>-<8 characters of its content's hash>.<ext>: a new build
    # of changed code has new names, so a year's immutable cache can never serve stale code.
    hashed = [re.fullmatch(r"(.+)-([A-Za-z0-9_-]{8})\.(\w+)", name) for name in assets]
    assert assets and all(hashed), f"bundles without a content hash: {assets}"
    hashes = [match[2] for match in hashed]
    assert len(set(hashes)) == len(hashes), f"two bundles with one hash: {assets}"
    assert not any(match[2].lower() in match[1].lower() for match in hashed), assets
    loaded = re.findall(r'(?:src|href)="/assets/([^"]+)"', index)
    assert any(name.endswith(".js") for name in loaded), f"index.html loads no script: {index}"
    assert set(loaded) <= set(assets), f"index.html loads bundles that are not there: {loaded}"


@then(parsers.parse('"caddy validate" accepts caddy/{name}'))
def caddy_validates(tmp_path, name):
    result = run_caddy_command(
        tmp_path, "validate", "--config", str(REPO_DIR / "caddy" / name), "--adapter", "caddyfile"
    )
    assert result.returncode == 0, result.stderr[-2000:]


@then("the backend's database file exists at the configured path")
def database_file_exists(stack):
    assert stack.database_exists(), "no database file at the backend's DATABASE_URL"


@then("it is a SQLite database holding the circles table")
def database_is_sqlite(stack):
    tables = stack.database_tables()
    if "circles_circle" not in tables:
        pytest.fail(f"no circles table in the backend's database: {sorted(tables)}")
