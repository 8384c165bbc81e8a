"""`make mutants`: breaks the product on purpose, one realistic bug at a time, and checks that the
scenario expected to notice does.

Each breakage in breakages.toml names a file, a text that occurs in it exactly once, what replaces
it, and the scenario (its title, as in features/) expected to catch it. For each: the file is
changed, the SPA rebuilt when the breakage is in frontend/, the scenario run against a local stack
(pytest tests/acceptance -k <its test name>), and the file put back, whatever happens. A breakage
is caught when its scenario fails, survived when it passes; a breakage whose text is not in the
file once, or whose scenario does not exist, is an error of the list.

    python tests/mutants/run.py [--only NAME_PART] [--milestone NAME] [--list]

Prints one line per breakage and a summary; exits 1 unless every breakage was caught.
"""

import argparse
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pytest_bdd.scenario import make_python_name

# Run as a script (tox -e mutants): tests/ on the path, as pytest's pythonpath has it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support import paths

REPO = paths.REPO
LIST = Path(__file__).with_name("breakages.toml")
NO_TESTS = 5  # pytest's exit status when -k selected nothing


@dataclass(frozen=True)
class Breakage:
    name: str
    file: str
    find: str
    replace: str
    scenario: str
    milestone: str

    @property
    def test_name(self):
        # pytest-bdd names a scenario's test after its title, with its own function.
        return "test_" + make_python_name(self.scenario)

    @property
    def in_frontend(self):
        return self.file.startswith("frontend/")


def load():
    return [Breakage(**entry) for entry in tomllib.loads(LIST.read_text())["breakage"]]


def build_site():
    subprocess.run(
        ["npm", "run", "--prefix", "frontend", "build:site"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def run_scenario(breakage):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/acceptance",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            breakage.test_name,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode


def apply(breakage):
    path = REPO / breakage.file
    original = path.read_text()
    count = original.count(breakage.find)
    if count != 1:
        raise ValueError(f"the text to break occurs {count} times in {breakage.file}, not once")
    path.write_text(original.replace(breakage.find, breakage.replace))
    return path, original


def try_one(breakage):
    """'caught', 'survived', or 'error: <why>'."""
    try:
        path, original = apply(breakage)
    except (OSError, ValueError) as error:
        return f"error: {error}"
    try:
        if breakage.in_frontend:
            build_site()
        status = run_scenario(breakage)
    except subprocess.CalledProcessError:
        status = 1  # the build itself refused the breakage: caught before any scenario ran
    finally:
        path.write_text(original)
        if breakage.in_frontend:
            build_site()
    if status == NO_TESTS:
        return f"error: no scenario is called {breakage.scenario!r}"
    return "caught" if status != 0 else "survived"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the breakages whose name contains this")
    parser.add_argument("--milestone", help="run the breakages of this milestone (m7, rhythm, ...)")
    parser.add_argument("--list", action="store_true", help="list the breakages, run nothing")
    args = parser.parse_args(argv)
    breakages = [
        b
        for b in load()
        if (not args.only or args.only in b.name)
        and (not args.milestone or args.milestone == b.milestone)
    ]
    if args.list:
        for b in breakages:
            print(f"{b.milestone:5} {b.name} ({b.file}) -> {b.scenario}")
        return 0
    build_site()
    results = {}
    started = time.monotonic()
    for n, breakage in enumerate(breakages, 1):
        outcome = try_one(breakage)
        results[breakage] = outcome
        print(
            f"[{n}/{len(breakages)}] {outcome.upper() if outcome != 'caught' else 'caught'}: "
            f"{breakage.milestone} {breakage.name} ({breakage.file}) "
            f"-> {breakage.scenario}",
            flush=True,
        )
    caught = sum(outcome == "caught" for outcome in results.values())
    milestones = sorted({b.milestone for b in breakages})
    print(
        f"\nmutants: {caught} of {len(breakages)} caught, "
        f"{sum(o == 'survived' for o in results.values())} survived, "
        f"{sum(o.startswith('error') for o in results.values())} errors, "
        f"milestones {', '.join(milestones)}, in {time.monotonic() - started:.0f} s"
    )
    for breakage, outcome in results.items():
        if outcome != "caught":
            print(f"  {outcome}: {breakage.name}")
    return 0 if caught == len(breakages) else 1


if __name__ == "__main__":
    sys.exit(main())
