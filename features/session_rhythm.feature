@rhythm
Feature: The facilitator's session rhythm
  A facilitator runs the same circle week after week from one screen: a schedule everyone sees
  in their own time zone and can subscribe to in a calendar app, sessions that start and end
  (ending one clears its prompt), a countdown everyone sees alike, and a run sheet that sends
  the next prompt or timer with one click. Each scenario has a circle of its own: a facilitator
  and two participants, each in a browser of their own.

  Background:
    Given a circle of its own with a facilitator and two participants

  Scenario: The next session is shown in each viewer's own time zone
    Given the facilitator's browser is in the time zone Europe/Berlin
    And the participant's browser is in the time zone America/New_York
    When the facilitator schedules the circle weekly on Tuesdays at 19:00 Europe/Berlin for 90 minutes
    Then the facilitator's room shows the next session at 19:00 Berlin time, on a Tuesday
    And the participant's room shows the same session at 13:00 New York time, or 14:00 in the weeks the two zones change clocks apart
    And the join cards the facilitator prints show that session at 19:00

  Scenario: A calendar app reads the circle's schedule from a personal subscribe link
    Given the circle meets weekly on Tuesdays at 19:00 Europe/Berlin for 90 minutes
    When the participant makes a calendar subscribe link in the room
    Then the link works without signing in, and an iCalendar parser reads one weekly event at 19:00 Europe/Berlin lasting 90 minutes
    And the link carries no access key
    When the participant's key is revoked
    Then the subscribe link answers 404

  Scenario: Everyone sees the same countdown, a late joiner and a reload included
    Given the participant is in the circle's room
    When the facilitator starts a session and a 5-minute timer
    Then the participant's countdown shows the same time as the facilitator's, within a second
    When the second participant joins the room late
    Then the second participant's countdown shows the same time as the facilitator's, within a second
    When the participant reloads the page
    Then the participant's countdown shows the same time as the facilitator's, within a second
    And every backend worker reports the same timer end

  Scenario: At zero a time cue is posted by itself, once
    Given the participant is in the circle's room
    When the facilitator starts a session and a timer of 10 seconds labelled "Pairs"
    Then within 20 seconds both pages show "Time is up" and the feed has the time cue "Time is up: Pairs" once

  Scenario: The run sheet sends the next item with one click
    Given the circle's run sheet holds the prompt "What did you notice?" and a 2-minute timer
    And the participant is in the circle's room
    When the facilitator starts a session and sends the next item of the run sheet
    Then the participant sees the pinned prompt "What did you notice?"
    And the facilitator's run sheet shows 1 of 2 sent
    When the facilitator sends the next item of the run sheet
    Then the participant's countdown is running
    And the facilitator's run sheet shows 2 of 2 sent

  Scenario: Ending a session clears its pinned prompt
    Given the participant is in the circle's room
    And the facilitator has started a session and sent the prompt "Who are you today?"
    Then the participant sees the pinned prompt "Who are you today?"
    When the facilitator ends the session
    Then the participant's page shows no pinned prompt
    And the participant's feed shows the prompt under that session's heading

  Scenario: A participant is refused every facilitator action, in the API and on the page
    Given the participant is in the circle's room
    Then the participant's room has no session, timer, run sheet or settings controls
    And the participant's browser is refused the circle's settings page
    And the participant's session is refused, with 403, starting and ending sessions, the timer, the run sheet and the schedule
