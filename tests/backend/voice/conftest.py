import pytest

from access.actions import issue_keys
from access.models import Role
from facilitation.actions import post_message
from rhythm.actions import start_session


@pytest.fixture
def facilitator(signed_in, facilitator_a):
    """Circle A's facilitator, signed in."""
    return signed_in(facilitator_a)


@pytest.fixture
def participant(signed_in, participant_a):
    """A participant of circle A (Pat A), signed in."""
    return signed_in(participant_a)


@pytest.fixture
def second_participant_key(circle_a):
    return issue_keys([circle_a], Role.PARTICIPANT, labels=["Quinn A"])[0]


@pytest.fixture
def second_participant(signed_in, second_participant_key):
    return signed_in(second_participant_key)


@pytest.fixture
def prompt(circle_a, facilitator_a):
    """A session with a pinned prompt."""
    start_session(circle_a, facilitator_a.record)
    return post_message(circle_a, facilitator_a.record, "prompt", "What surprised you?")
