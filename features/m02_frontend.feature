@m2 @e2e
Feature: M2 Frontend framework
  The Vue app routes on the client, survives a reload on any of its addresses, is styled by
  Tailwind, and loads the Jitsi API script cleanly.

  @smoke
  Scenario: Moving inside the app does not reload the page
    Given a visitor opens /no-such-page
    And the visitor sees the heading "Page not found"
    When the visitor follows the link "Go to the start"
    Then the visitor sees the heading "Welcome to your circle"
    And the page was not reloaded

  @smoke
  Scenario: A deep link still works after a reload
    Given the participant has signed in
    When the participant reloads the circle's page
    Then the participant sees the circle's name

  @smoke
  Scenario: Tailwind styles apply
    Given a visitor opens /
    Then the "Enter" button has a Tailwind background colour, not the browser's default

  Scenario: The Jitsi API script loads without console errors
    Given the participant has signed in
    When the participant joins the video
    Then the participant is in the call
    And the page logged no errors while the video loaded
