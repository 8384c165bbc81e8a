import pytest


@pytest.fixture
def facilitator(signed_in, facilitator_a):
    """Circle A's facilitator, signed in."""
    return signed_in(facilitator_a)


@pytest.fixture
def participant(signed_in, participant_a):
    """A participant of circle A, signed in."""
    return signed_in(participant_a)
