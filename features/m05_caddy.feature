@m5
Feature: M5 Caddy ready
  Caddy fronts the app: both Caddyfiles are valid, the API is proxied, the single-page app
  falls back to index.html, and every answer carries the security headers.

  Scenario Outline: Both Caddyfiles validate
    Then "caddy validate" accepts caddy/<file>

    Examples:
      | file           |
      | Caddyfile      |
      | Caddyfile.prod |

  @smoke
  Scenario: The API is proxied to the backend
    When I ask for /api/health/
    Then the answer is 200 with JSON field "status" equal to "ok"

  @smoke
  Scenario: A deep link gets the single-page app
    When I ask for /circles/some-circle
    Then the answer is the app's index.html
    And it is not cached

  @smoke
  Scenario: A missing asset is a 404, not the app
    When I ask for /assets/does-not-exist-0000.js
    Then the answer has status 404
    And the answer is not the app's index.html

  @smoke
  Scenario Outline: Security headers are on every answer
    When I ask for <path>
    Then the answer carries the header "<header>" with "<value>" in it
    And the answer carries no "Server" header

    Examples:
      | path           | header                  | value                   |
      | /              | Content-Security-Policy | frame-ancestors 'none'  |
      | /circles/x     | X-Content-Type-Options  | nosniff                 |
      | /circles/x     | X-Frame-Options         | DENY                    |
      | /api/health/   | Referrer-Policy         | no-referrer             |
      | /api/health/   | Permissions-Policy      | camera=(self            |
