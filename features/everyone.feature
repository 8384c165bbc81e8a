@everyone @e2e
Feature: For everyone who joins: languages, screen readers, the keyboard alone, phones
  People in a circle may not share English, may use a screen reader or only a keyboard, and
  often join from a phone. The interface speaks English, Spanish, German and Arabic (right to
  left), chosen from the browser's languages or by the person, and the server's sentences and
  the video call follow it. Every screen, in every state a person reaches, passes axe-core's
  WCAG 2.1 A and AA rules; everything a circle needs works from the keyboard; every screen
  works on a 360 × 640 phone. Each scenario has a circle of its own.

  Background:
    Given a circle of its own with a facilitator and two participants

  Scenario Outline: Every screen passes axe-core's WCAG 2.1 A and AA rules, in <language>
    Given everyone's browser asks for <language>
    When each screen is visited in each of its states, with axe-core reading it
    Then axe-core finds no violation on any of them

    Examples:
      | language |
      | English  |
      | Arabic   |

  Scenario Outline: Every screen fits a 360 × 640 phone, in <language>
    Given everyone's browser is a 360 × 640 phone asking for <language>
    When each screen is visited in each of its states, measured
    Then no screen scrolls sideways and every control is at least 44 × 44 px
    And in the participant's room the video and the newest messages share the phone's screen

    Examples:
      | language |
      | English  |
      | German   |
      | Arabic   |

  Scenario: Everything a circle needs works from the keyboard alone
    When the participant signs in with the keyboard alone
    And the participant joins the video with the keyboard alone
    And the facilitator signs in and sends the message "Welcome, everyone" with the keyboard alone
    Then the participant reaches the message "Welcome, everyone" with the keyboard alone
    When the facilitator issues a key for "Kim" and revokes it with the keyboard alone
    Then Kim's key no longer signs in

  Scenario: A Spanish browser gets Spanish, the call included, and a chosen language stays
    Given the participant's browser asks for Spanish
    When the participant opens the key page and enters a key that is not valid
    Then the page is in Spanish, and so is the server's sentence about the key
    When the participant signs in and joins the video
    Then the video service was asked for its interface in Spanish
    When the participant chooses Deutsch in the language menu and reloads the page
    Then the page is in German, the room's own words included

  Scenario: Arabic lays the page out from right to left
    Given the participant's browser asks for Arabic
    When the participant signs in and joins the video
    Then the page is in Arabic, the room's own words included
    And the page is marked right to left, and its header starts at the right
    And the video service was asked for its interface in Arabic

  Scenario: A screen reader hears each new message once, in order, and none of the history
    Given the circle's feed already holds 3 messages
    And the participant is in the circle's room, with what is announced recorded
    When the facilitator posts "First news" and then "Second news"
    Then the participant's screen reader was told "First news" and then "Second news", each once, and none of the history
