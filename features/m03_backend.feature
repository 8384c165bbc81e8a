@m3
Feature: M3 Backend API
  The Django backend runs, every endpoint of the runbook answers with its documented status,
  and the SQLite database is created where the configuration says. When the database is away
  the health check and the API say so, and both recover by themselves.

  @smoke
  Scenario: The health check reports a working database
    When I ask for /api/health/
    Then the answer is 200 with JSON field "status" equal to "ok"
    And the JSON field "database" is "ok"

  @destructive @local
  Scenario: The health check fails while the database is away, and recovers by itself
    When the stack's database goes away
    Then /api/health/ answers 503 with JSON field "database" equal to "error"
    And signing in answers 503 "database_unavailable" with a sentence to retry
    When the stack's database comes back
    Then within 5 seconds /api/health/ answers 200 with JSON field "database" equal to "ok"

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
