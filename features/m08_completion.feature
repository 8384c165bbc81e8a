@m8 @destructive
Feature: M8 Stage 2 completion
  The prototype keeps its data in SQLite across restarts, and live clients catch up on what
  they missed while the backend was away.

  Scenario: Circles, keys and messages survive a backend restart
    Given the facilitator has signed in
    And the facilitator sends the prompt "Before the restart"
    When the backend restarts
    Then the participant can still sign in with their key
    And the participant sees the pinned prompt "Before the restart"

  Scenario: A client connected during a restart gets the messages it missed
    Given the participant has signed in
    And the participant's feed is live
    When the backend restarts
    And the facilitator posts the announcement "Posted right after the restart" through the API
    Then the participant sees "Posted right after the restart" within 10 seconds
    And the participant's feed is live again
    And the participant's page was not reloaded

  Scenario: A stream resumed with Last-Event-ID gets exactly what it missed
    Given the facilitator posts the announcement "Resume: one" through the API
    And the facilitator posts the announcement "Resume: two" through the API
    And the facilitator posts the announcement "Resume: three" through the API
    When a stream of the circle resumes with Last-Event-ID after "Resume: one"
    Then it gets exactly "Resume: two" and "Resume: three", then only what is new
