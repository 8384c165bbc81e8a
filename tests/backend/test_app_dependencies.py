"""The apps build on one another one way, and their modules import one another without a
cycle.

live (the change log) builds on nothing of ours; access holds the keys and the sessions they
start; circles, facilitation and jitsi_integration build on it (a circle's keys are managed in
circles.key_views, its key commands are circles' too); rhythm (schedule, sessions, timer, run
sheet, calendars) builds on all of those: it posts through facilitation, finds circles through
circles.lookup. voice (responses, signals, attendance) builds on rhythm and facilitation's
presence records; nothing of the API imports it (the backup scheduler runs its pruning).
Nothing below imports rhythm, except the two modules of circles that make a
circle's API page (views, serializers), which show its schedule as they show facilitation's
current prompt. An import the other way would tie the apps in a knot again (issue 14).
"""

import ast
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[2] / "backend"

# app -> the apps it must not import: those that build on it.
MUST_NOT_IMPORT = {
    "live": {"access", "circles", "facilitation", "jitsi_integration", "rhythm", "voice"},
    "access": {"circles", "facilitation", "jitsi_integration", "rhythm", "voice"},
    "circles": {"voice"},
    "facilitation": {"rhythm", "voice"},
    "jitsi_integration": {"rhythm", "voice"},
    "rhythm": {"voice"},
}
# (app, app it builds under) -> the only files of app that may import it.
ONLY_FROM = {
    ("circles", "rhythm"): {"circles/views.py", "circles/serializers.py"},
}
# The apps behind the API. (operations' backup modules import each other lazily, by design.)
API_APPS = (
    "ic_core",
    "live",
    "access",
    "circles",
    "facilitation",
    "jitsi_integration",
    "rhythm",
    "voice",
)


def imported_apps(source):
    """The top-level package of every absolute import in the source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def sources(app):
    return sorted(path for path in (BACKEND / app).rglob("*.py") if "migrations" not in path.parts)


def files_importing(app, names):
    return {
        (str(path.relative_to(BACKEND)), name)
        for path in sources(app)
        for name in set(imported_apps(path.read_text()))
        if name in names
    }


def offending_imports(app):
    return sorted(
        f"{path} imports {name}" for path, name in files_importing(app, MUST_NOT_IMPORT[app])
    )


def module_name(path):
    parts = list(path.relative_to(BACKEND).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, known):
    """The modules among `known` that the file imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (target for target in targets if target in known and target != name)


def import_cycles(graph):
    cycles, state, stack = [], {}, []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                cycles.append(" -> ".join([*stack[stack.index(other) :], other]))
            elif other not in state:
                visit(other)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_it_sees_an_import_of_circles():
    source = "import circles\nfrom circles.models import Circle\nfrom .models import Role\n"

    assert list(imported_apps(source)) == ["circles", "circles"]


def test_it_sees_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a -> b -> c -> a"]


@pytest.mark.parametrize("app", sorted(MUST_NOT_IMPORT))
def test_an_app_does_not_import_the_apps_built_on_it(app):
    assert (BACKEND / app / "apps.py").exists()

    assert offending_imports(app) == []


@pytest.mark.parametrize(("app", "built_on_it"), sorted(ONLY_FROM))
def test_an_app_reaches_an_app_built_on_it_only_from_its_api_page(app, built_on_it):
    importing = {path for path, _ in files_importing(app, {built_on_it})}

    assert importing <= ONLY_FROM[(app, built_on_it)]
    assert importing, f"nothing of {app} imports {built_on_it} any more: drop the exception"


def test_rhythm_builds_on_the_apps_below_it():
    names = {name for _, name in files_importing("rhythm", set(API_APPS))}

    assert {"access", "circles", "facilitation", "live"} <= names


def test_the_api_apps_modules_import_one_another_without_a_cycle():
    files = [path for app in API_APPS for path in sources(app)]
    known = {module_name(path) for path in files}
    graph = {module_name(path): set(imported_modules(path, known)) for path in files}

    assert len(graph) > 50
    assert import_cycles(graph) == []
