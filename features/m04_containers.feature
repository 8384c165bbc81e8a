@m4
Feature: M4 Container config
  The three containers (Caddy, frontend, backend) are described by Dockerfiles and compose
  files that validate, share one internal network, and run without root.

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

  Scenario Outline: Three services on one internal network, the backend by its service name
    Given the compose file compose/<file>
    Then it has exactly the services caddy, frontend and backend
    And all three are on the network inquirycircle_network, which cannot reach outside
    And Caddy reaches the backend as backend:8000
    And only Caddy publishes ports

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
