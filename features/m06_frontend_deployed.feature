@m6
Feature: M6 Frontend deployed
  The single-page app is built, copied to caddy/site/dist, and its assets are served by Caddy
  with the right cache headers.

  Scenario: The build is in place where Caddy serves it
    Then caddy/site/dist holds index.html and hashed JavaScript under assets/

  @smoke
  Scenario: The app's hashed assets are served with a year's immutable cache
    When I ask for the first script the app's index.html loads
    Then the answer has status 200
    And it is cached for a year as immutable

  @smoke
  Scenario Outline: index.html is never cached
    When I ask for <path>
    Then the answer is the app's index.html
    And it is not cached

    Examples:
      | path        |
      | /           |
      | /index.html |
