@m7 @e2e
Feature: M7 Integration working
  A facilitator and participants, each in their own browser, meet in a circle: keys let them
  in, the video joins the circle's own room with the right role, and messages arrive live.
  Guessing keys is slowed, but never for a browser that has signed in before (OWASP's device
  cookies). Revoked means out, the video call included. Signing out ends the session, a key
  that expires stops working by itself, messages are shown as the text they are, and one
  facilitator never reaches another's circle.

  Scenario: Participant and facilitator meet in the circle's video with their roles
    Given the participant has signed in
    When the participant joins the video
    Then the participant is in the call
    And the video service was given the circle's room and a participant's token
    And that room is the circle's own: the one stored with it, unlike a new circle's, unguessable
    When the facilitator has signed in
    And the facilitator joins the video
    Then the facilitator is in the call
    And the video service was given the circle's room and a moderator's token

  @smoke
  Scenario: A facilitator's message reaches the participant live
    Given the participant has signed in
    And the facilitator has signed in
    When the facilitator sends the announcement "Welcome, everyone. We start in a minute."
    Then the participant sees "Welcome, everyone. We start in a minute." within 2 seconds
    And the participant's page was not reloaded

  Scenario: A participant who arrives late sees the pinned prompt
    Given the facilitator has signed in
    And the facilitator sends the prompt "What surprised you this week?"
    # More than a page of messages since: the prompt is older than what the room loads first.
    And the facilitator posts 60 announcements through the API
    When a second participant signs in
    Then the second participant sees the pinned prompt "What surprised you this week?"

  @smoke
  Scenario: A wrong key gets a clear message
    Given a visitor opens /
    When the visitor enters the key "AAAA-BBBB-CCCC-DDDD"
    Then the visitor is told "That key is not valid"

  # Each visitor comes from an address of its own on loopback, as people behind different
  # routers would. In compose mode every client reaches Caddy from Docker's gateway, so one
  # stranger's guesses there would slow the whole suite: local and PostgreSQL modes only.
  @local
  Scenario: Guessing keys is slowed without locking out a browser that signed in before
    Given a browser that signed in with a participant's key from a shared address, and signed out
    When a stranger at that address tries 10 wrong keys
    Then the stranger's next try is refused with 429, a Retry-After and a sentence, even with a right key
    And the browser that signed in before still gets in with its key from that address
    And a visitor from another address gets in with that key

  @smoke
  Scenario: A participant cannot reach the facilitator's console
    Given the participant has signed in
    When the participant opens the circle's page by its address
    Then the participant sees no message composer and no key management
    And the API refuses the participant's attempt to issue keys

  @destructive
  Scenario: A revoked key is refused and its open session ends
    Given the third participant has signed in
    And the facilitator has signed in
    When the facilitator revokes the third participant's key
    Then the third participant is sent back to key entry
    When the third participant enters their key again
    Then the third participant is told "That key is not valid"

  Scenario: Signing out ends the session
    Given the second participant has signed in
    When the second participant signs out
    Then the second participant is sent back to key entry
    And the second participant's session is gone: the circle's page asks for a key again

  Scenario: A message is shown as the text it is, never as HTML
    Given the participant has signed in
    And the facilitator has signed in
    When the facilitator sends the announcement written as HTML <b>bold</b> <img src=x onerror="window.__icInjected=1"> & more
    Then the participant sees <b>bold</b> <img src=x onerror="window.__icInjected=1"> & more as it was typed, with no element made from it

  Scenario: A key that expires stops working by itself
    Given a new participant key that expires in 4 seconds
    When the holder of that key signs in
    Then once it expires they are sent back to key entry, and the key no longer opens the circle

  Scenario: A facilitator never reaches another facilitator's circle
    Given another circle with a facilitator of its own
    Then that facilitator cannot open, change, post to or issue keys for the first circle
    And in the browser that facilitator is told the first circle is not available

  @destructive
  Scenario: A revoked participant is taken out of the video call
    Given a new participant has signed in and joined the video
    And the facilitator has signed in
    And the facilitator is in the call with the new participant
    When the facilitator revokes the new participant's key in the room
    Then the facilitator's page removed the new participant from the call
    And the new participant's own page left the call
    And the video service gives the new participant no token

  @destructive
  Scenario: The facilitator moves the call to a new room and the participant follows
    Given the participant has signed in
    And the facilitator has signed in
    When the participant joins the video
    Then the participant is in the call
    When the facilitator moves the call to a new room
    Then the participant is in the call again, in the circle's new room
