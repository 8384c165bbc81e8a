"""The acceptance suite: features/ run as pytest-bdd scenarios against one stack per session.

Modes:
- local (default): starts the backend and Caddy on free loopback ports, with a fresh database
  and the demo keys, and stops them at the end (also when a test fails or the run is stopped).
- --base-url URL: an already-deployed stack. Only @smoke scenarios run, unless
  --allow-destructive is given; URLs matching --sensitive-url (the production domains by
  default) refuse destructive scenarios outright. Smoke keys come from IC_SMOKE_CIRCLE,
  IC_SMOKE_FACILITATOR_KEY and IC_SMOKE_PARTICIPANT_KEY.
- (--stack compose comes with the containers issue.)

Shared steps live in tests/acceptance/steps/ and are imported here, never from a test module.
"""

import re
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import pytest

from acceptance.report import write_html
from acceptance.stack import StackUnavailable, remote_stack, start_local_stack
from acceptance.steps.browser_steps import *  # noqa: F403
from acceptance.steps.container_steps import *  # noqa: F403
from acceptance.steps.http_steps import *  # noqa: F403
from acceptance.steps.repository_steps import *  # noqa: F403
from support.jitsi_standin import JitsiStandIn

DEFAULT_SENSITIVE = r"(^|[/.])catbench\.com"
MILESTONE = re.compile(r"m(\d+)")


def pytest_addoption(parser):
    group = parser.getgroup("acceptance")
    group.addoption(
        "--stack",
        choices=["local"],
        default="local",
        help="Which stack to start when no --base-url is given (default: local).",
    )
    group.addoption(
        "--allow-destructive",
        action="store_true",
        help="With --base-url: also run scenarios that are not @smoke.",
    )
    group.addoption(
        "--sensitive-url",
        default=DEFAULT_SENSITIVE,
        help="Regex of URLs that never get destructive scenarios (default: production domains).",
    )


def _is_sensitive(config):
    base_url = config.getoption("base_url")
    return bool(base_url and re.search(config.getoption("sensitive_url"), base_url))


def pytest_collection_modifyitems(config, items):
    base_url = config.getoption("base_url")
    if not base_url:
        return
    sensitive = _is_sensitive(config)
    if sensitive and config.getoption("allow_destructive"):
        raise pytest.UsageError(
            f"{base_url} matches the sensitive pattern {config.getoption('sensitive_url')!r}: "
            "destructive scenarios are never run against it."
        )
    keep, drop = [], []
    for item in items:
        smoke = item.get_closest_marker("smoke") is not None
        destructive = item.get_closest_marker("destructive") is not None
        runnable = smoke or config.getoption("allow_destructive")
        (keep if runnable and not (destructive and sensitive) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def stack(request, jitsi_standin_domain):
    base_url = request.config.getoption("base_url")
    if base_url:
        yield remote_stack(base_url)
        return
    with ExitStack() as exit_stack:
        started = time.monotonic()
        try:
            stack = start_local_stack(exit_stack, jitsi_domain=jitsi_standin_domain)
        except StackUnavailable as error:
            pytest.fail(str(error), pytrace=False)
        request.config.stash[STACK_START] = time.monotonic() - started
        yield stack


@pytest.fixture(scope="session")
def jitsi_standin(request, tmp_path_factory):
    """The stand-in for the Jitsi service (which cannot be reached from tests), local mode.

    Served over HTTPS by Caddy's `tls internal` at localhost:<port>; the backend is configured
    with that domain in token mode, and the app's code runs unchanged against it.
    """
    if request.config.getoption("base_url"):
        yield None
        return
    with JitsiStandIn(tmp_path_factory.mktemp("jitsi")) as standin:
        yield standin


@pytest.fixture(scope="session")
def jitsi_standin_domain(jitsi_standin):
    """The Jitsi domain the local stack is configured with."""
    return jitsi_standin.domain if jitsi_standin else None


# Milestone summary: every run ends with M1 ✓ ... and counts.

RESULTS = pytest.StashKey[dict]()
STACK_START = pytest.StashKey[float]()


def pytest_configure(config):
    json_path = getattr(config.option, "cucumber_json_path", None)
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    config.stash[RESULTS] = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets fixtures see how the test went
    if report.when == "call" or (report.when == "setup" and not report.passed):
        milestones = [
            int(m.group(1)) for mark in item.iter_markers() if (m := MILESTONE.fullmatch(mark.name))
        ]
        outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
        for milestone in set(milestones):
            item.config.stash[RESULTS][milestone][outcome] += 1
    return report


def pytest_terminal_summary(terminalreporter, config):
    results = config.stash.get(RESULTS, {})
    if not results:
        return
    terminalreporter.section("milestones")
    for milestone in sorted(results):
        counts = results[milestone]
        mark = "✓" if counts["failed"] == 0 and counts["passed"] else "✗"
        terminalreporter.write_line(
            f"M{milestone} {mark}  {counts['passed']} passed, {counts['failed']} failed"
            + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
        )
    if STACK_START in config.stash:
        terminalreporter.write_line(f"(local stack started in {config.stash[STACK_START]:.1f} s)")


def pytest_unconfigure(config):
    json_path = getattr(config.option, "cucumber_json_path", None)
    if json_path and Path(json_path).exists():
        html_path = write_html(Path(json_path), Path(json_path).parent / "acceptance.html")
        print(f"\nacceptance report: {html_path}")
