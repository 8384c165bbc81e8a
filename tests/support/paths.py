"""The repository's folders, for every test, benchmark and tool under tests/: computed here once."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
CADDY = REPO / "caddy"
COMPOSE = REPO / "compose"
FEATURES = REPO / "features"
FRONTEND = REPO / "frontend"
REPORTS = REPO / "reports"
TESTS = REPO / "tests"
