"""Binds every scenario in features/ to the steps in tests/acceptance/steps/."""

from pytest_bdd import scenarios

from support import paths

scenarios(str(paths.FEATURES))
