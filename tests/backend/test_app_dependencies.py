"""The apps build on one another one way: circles on access, never access on circles.

access holds the keys and the sessions they start; circles, facilitation and jitsi_integration
build on it (a circle's keys are managed in circles.key_views, its key commands are circles'
too). An import the other way would tie the two apps in a knot again (issue 14).
"""

import ast
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[2] / "backend"

# app -> the apps it must not import: those that build on it.
MUST_NOT_IMPORT = {
    "access": {"circles", "facilitation", "jitsi_integration"},
}


def imported_apps(source):
    """The top-level package of every absolute import in the source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def offending_imports(app):
    forbidden = MUST_NOT_IMPORT[app]
    return sorted(
        f"{path.relative_to(BACKEND)} imports {name}"
        for path in (BACKEND / app).rglob("*.py")
        for name in set(imported_apps(path.read_text()))
        if name in forbidden
    )


def test_it_sees_an_import_of_circles():
    source = "import circles\nfrom circles.models import Circle\nfrom .models import Role\n"

    assert list(imported_apps(source)) == ["circles", "circles"]


@pytest.mark.parametrize("app", sorted(MUST_NOT_IMPORT))
def test_an_app_does_not_import_the_apps_built_on_it(app):
    assert (BACKEND / app / "models.py").exists()

    assert offending_imports(app) == []
