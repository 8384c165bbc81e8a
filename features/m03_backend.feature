@m3
Feature: M3 Backend API
  The Django backend runs, every endpoint of the runbook answers with its documented status,
  and the SQLite database is created where the configuration says.

  @smoke
  Scenario: The health check reports a working database
    When I ask for /api/health/
    Then the answer is 200 with JSON field "status" equal to "ok"
    And the JSON field "database" is "ok"

  @smoke
  Scenario Outline: The runbook's endpoints answer a visitor without a key
    When I ask for <path>
    Then the answer is <status> with JSON field "error" equal to "<error>"

    Examples:
      | path                             | status | error             |
      | /api/circles/                    | 401    | not_authenticated |
      | /api/messages/?circle=demo       | 401    | not_authenticated |
      | /api/jitsi/config/?circle=demo   | 401    | not_authenticated |
      | /api/auth/me/                    | 401    | not_authenticated |

  @smoke
  Scenario: A wrong key is refused with 401
    When I sign in with the key "AAAA-BBBB-CCCC-DDDD"
    Then the answer is 401 with JSON field "error" equal to "not_authenticated"

  @smoke
  Scenario: A participant's key opens its circle and its endpoints
    When I sign in with the participant key
    Then the answer is 200 with JSON field "role" equal to "participant"
    And with that session /api/circles/ answers 200
    And with that session the circle's messages answer 200
    And with that session the circle's Jitsi configuration answers 200

  @sqlite
  Scenario: The SQLite database file is created at the configured path
    Then the backend's database file exists at the configured path
    And it is a SQLite database holding the circles table
