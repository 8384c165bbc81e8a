@m10
Feature: M10 Project complete
  The handoff: a guide for every reader, linked from the README, whose commands are the ones
  the project really has; join cards a facilitator can print; a snapshot of what is running.

  Scenario: Every guide exists and the README links it
    Then the README links each of these guides, and each has content:
      | guide                     |
      | docs/README.md            |
      | docs/facilitator-guide.md |
      | docs/participant-guide.md |
      | docs/key-management.md    |
      | docs/deployment.md        |
      | docs/operations.md        |
      | docs/troubleshooting.md   |
      | docs/configuration.md     |
    And every image the guides show is in docs/images

  Scenario: The operator session in the key-management guide runs as written
    When the operator-session example of docs/key-management.md runs line by line in backend/ on a fresh database
    Then every line succeeds
    And the database then holds the circle "Tuesday circle" with the keys the example issued

  Scenario: Every command the guides name is one the project has
    Then every "manage.py <command>" in the guides' code is a management command of the backend
    And every "make <target>" in the guides' and the README's code is a target of the Makefile

  Scenario: The configuration reference names every variable the backend reads
    Then every variable the backend's settings read appears in docs/configuration.md

  @destructive
  Scenario: A facilitator prints join cards for the keys just issued
    Given the facilitator has signed in
    When the facilitator issues 2 participant keys
    And the facilitator opens the join cards
    Then there are 2 join cards, each with the circle's name, a key, its join link and a QR code
    And the key on each card lets a participant in
    When the facilitator reloads the page
    Then no join card is shown, and the page says why

  Scenario: The snapshot reports the versions really in use
    When the operator runs make snapshot for the stack
    Then it reports this checkout's git commit
    And it reports the backend's version, Python, Django and database as the backend itself does
    And it reports the version of Caddy that `caddy version` prints
    And it reports the version of Node that `node --version` prints
