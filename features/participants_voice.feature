@voice
Feature: Participants' voice and attendance
  The circle's own channel goes both ways: a participant answers the pinned prompt and raises a
  hand, says "I'm here" or "I need a moment", and the facilitator sees it live, with who is in
  the room and in the call. A response stays between its author and the facilitator until the
  facilitator shares it. Each session has a register taken from what the server saw, in the
  app and as a CSV file. None of it needs the video: it all works when the call fails. Each
  scenario has a circle of its own: a facilitator and two participants, in browsers of their
  own.

  Background:
    Given a circle of its own with a facilitator and two participants

  Scenario: A response reaches only the facilitator until it is shared, with the video failed
    Given the video service cannot be reached from the participants' browsers
    And the participant is in the circle's room
    And the second participant is in the circle's room
    And the facilitator has started a session and sent the prompt "What surprised you?"
    When the participant responds "How quiet it was"
    Then the facilitator sees the response "How quiet it was" from Pat under the prompt "What surprised you?"
    And the participant sees "How quiet it was" among their own responses
    And the second participant sees nothing of "How quiet it was", on the page or through the API

  Scenario: A shared response reaches everyone, named or anonymous as the facilitator chose
    Given the participant is in the circle's room
    And the second participant is in the circle's room
    And the facilitator has started a session and sent the prompt "What surprised you?"
    When the participant responds "How quiet it was"
    And the facilitator shares the response "How quiet it was" anonymously
    Then both participants' feeds show the response "How quiet it was" from "A participant"
    And no feed names Pat as its author
    When the second participant responds "The rain"
    And the facilitator shares the response "The rain" with its author's name
    Then both participants' feeds show the response "The rain" from "Sam"

  Scenario: Hands are seen in the order they were raised, and the facilitator lowers them
    Given the participant is in the circle's room
    And the second participant is in the circle's room
    And the facilitator is in the circle's room
    When the second participant raises a hand
    And the participant raises a hand
    And the participant says "I'm here"
    Then the facilitator sees the hands of Sam, then Pat
    And the facilitator sees "Pat: I'm here"
    When the facilitator lowers Sam's hand
    Then the facilitator sees the hands of Pat
    And the second participant's own page shows their hand down

  Scenario: The register of a session with someone who left early matches what happened
    Given the participant is in the circle's room
    And the second participant is in the circle's room
    And the facilitator is in the circle's room
    And the facilitator starts a session
    When the participant joins the circle's video call
    Then the facilitator sees Pat and Sam in the room, and Pat in the call
    When the second participant leaves the room early
    Then the facilitator sees Pat in the room, and Pat in the call
    When the facilitator ends the session
    Then the session's attendance in the app shows Sam leaving when they left and Pat staying to the end
    And the attendance CSV, read with a CSV parser, holds the same rows

  Scenario: A participant cannot read the attendance or others' responses, in the API or on the page
    Given the participant is in the circle's room
    Then the participant's room has no responses, hands, presence or attendance panels
    And the participant's session is refused, with 403, the circle's voice, sharing a response and the attendance in JSON and CSV
    And a flood of responses from the participant is refused with 429 and a sentence, while the second participant's response goes through
