@m4
Feature: M4 Container config
  The three containers are described by Dockerfiles and compose files that validate, share one
  internal network, and run without root, each locked down: a read-only root file system, memory
  and process limits, and secrets as files, never in the configuration. Caddy serves the app and
  proxies /api/ to the backend; the backend is the Django API; the frontend ships the built app
  and, run once, publishes it into the volume Caddy serves, then exits. Production adds a
  fourth, the scheduled backups.

  Scenario Outline: The compose files validate
    Then "docker compose config" accepts compose/<file>

    Examples:
      | file                    |
      | docker-compose.dev.yml  |
      | docker-compose.prod.yml |

  Scenario Outline: The Dockerfiles pass hadolint
    Then hadolint accepts <dockerfile>

    Examples:
      | dockerfile          |
      | backend/Dockerfile  |
      | frontend/Dockerfile |

  Scenario Outline: The services share one internal network, the backend by its service name
    Given the compose file compose/<file>
    Then it has exactly the services <services>
    And all of them are on the network inquirycircle_network, which cannot reach outside
    And Caddy reaches the backend as backend:8000
    And only Caddy publishes ports

    Examples:
      | file                    | services                              |
      | docker-compose.dev.yml  | caddy, frontend and backend           |
      | docker-compose.prod.yml | caddy, frontend, backend and backups  |

  Scenario Outline: Caddy serves the app the frontend container publishes, never a folder of the host
    Given the compose file compose/<file>
    Then the frontend service runs once, writing the app into the volume site
    And Caddy serves its SITE_ROOT from the volume site, read-only, and from no folder of the host
    And Caddy starts only once the frontend service has exited 0

    Examples:
      | file                    |
      | docker-compose.dev.yml  |
      | docker-compose.prod.yml |

  Scenario: Every variable the backend reads is documented in the example env file
    Then every variable the backend's settings read appears in backend/.env.example
    And every variable in compose/inquirycircle.env.example is one the backend reads

  Scenario Outline: The images run as an unprivileged user
    Then <dockerfile> switches to a non-root user before it starts the service

    Examples:
      | dockerfile          |
      | backend/Dockerfile  |
      | frontend/Dockerfile |

  # The scenarios below act on the running containers: they run in compose mode only
  # (pytest --stack=compose, tox -e acceptance-compose).

  @compose
  Scenario: Caddy and the backend are running and healthy, serving the app the frontend published
    Then the containers caddy and backend are running and healthy
    And the frontend container published the app into the volume Caddy serves, and exited 0
    And what Caddy serves at / is exactly the index.html inside the frontend image, and so is the first script it loads
    And the backend container runs as a user other than root
    And the page and the API answer through Caddy's published port

  @compose @destructive
  Scenario: A stopped backend gives a clear 502 at once
    When the backend container is stopped
    Then the API answers 502 with the error "backend_unavailable" within 2 seconds
    When the backend container is started again
    Then within 60 seconds the backend container is running and healthy again
    And the API answers 200 again

  @compose @destructive
  Scenario: A crashed backend comes back by itself, and live clients catch up
    Given the participant has signed in
    And the participant's feed is live
    When the backend container's main process is killed
    Then until the backend is healthy again every API request answers within 5 seconds, with 200 or 502 "backend_unavailable"
    And the backend container was restarted by its restart policy
    When the facilitator posts the announcement "Posted after the crash" through the API
    Then the participant sees "Posted after the crash" within 10 seconds
    And the participant's feed is live again
    And the participant's page was not reloaded

  @compose @destructive
  Scenario: Data survives taking the stack down and up again
    Given the facilitator posts the announcement "Kept in the volume" through the API
    When the stack is taken down and brought up again
    Then the participant can sign in through the API with their key
    And the circle's messages through the API include "Kept in the volume"

  @compose
  Scenario: The containers are locked down
    Then no container has a writable root file system, lacks memory or process limits, runs as root without need, or shows a secret in its configuration
    And the backend's user cannot write the backend's code
