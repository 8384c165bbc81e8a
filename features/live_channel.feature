@live
Feature: The live channel holds up
  The facilitator's messages are what keeps a circle going when the video fails. Whoever loses
  access is out of the live channel at once, on every backend worker, while everyone else goes
  on receiving; and a circle with a long history opens as quickly as a new one.

  @destructive
  Scenario: A revoked participant's open streams end within a second
    Given a new participant of the circle holds 6 open live streams
    When the facilitator revokes that participant's key
    Then every one of those streams ends within 1 second, saying "key_revoked"
    And the circle's other participants still receive the facilitator's messages
    And that participant's session cannot open the stream again

  @destructive
  Scenario: Signing out ends that browser's streams within a second
    Given a new participant of the circle holds 6 open live streams
    When that participant signs out
    Then every one of those streams ends within 1 second, saying "signed_out"

  @e2e @destructive
  Scenario: A circle with 10,000 messages opens as quickly as a new one
    Given a circle whose history holds 10000 messages
    When its participant signs in
    Then the participant sees its newest message within 3 seconds
    And the participant's feed shows 50 messages, newest first
    When the participant scrolls to the end of the feed
    Then the participant's feed shows 100 messages, newest first

  @e2e @destructive @sqlite
  Scenario: An open page notices a restore and misses nothing posted after it
    Given the participant has signed in
    And the facilitator posts the announcement "Kept by the backup" through the API
    And the operator backs up the database with backup_db
    And the facilitator posts the announcement "Undone by the restore" through the API
    And the participant sees "Undone by the restore" within 5 seconds
    When the operator restores that backup with restore_db
    # Backups hold no sessions, and a restore ends every session: everyone signs in again.
    Then the participant is sent back to key entry
    When the participant enters their key again
    And the facilitator posts the announcement "Posted after the restore" through the API
    Then the participant sees "Posted after the restore" within 5 seconds
    And the participant no longer sees "Undone by the restore"
