"""Binds every scenario in features/ to the steps in tests/acceptance/steps/."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).resolve().parents[2] / "features"))
