@m9
Feature: M9 Production ready
  In production Caddy enforces HTTPS with HSTS for the public names, Django trusts it as the TLS
  end and sends only secure cookies, operators can see the stack's health and make backups that
  restore with nothing lost, and PostgreSQL can take over from SQLite.

  # Caddyfile.prod runs for real with its production names; only the certificate issuer (Caddy's
  # own CA instead of Let's Encrypt) and the ports (free loopback ports for 80 and 443) differ.
  # Clients map the names to 127.0.0.1 themselves; the machine's DNS is never touched.

  Scenario: Plain HTTP is redirected to HTTPS on every production name
    Given Caddy serves caddy/Caddyfile.prod for its production names
    Then http://catbench.com/circles/demo?x=1 is redirected with 308 to https://catbench.com/circles/demo?x=1
    And http://icircle.catbench.com/ is redirected with 308 to https://icircle.catbench.com/
    And the redirect carries the security headers and no Server header

  Scenario: HTTPS answers with a valid certificate, HSTS and the security headers
    Given Caddy serves caddy/Caddyfile.prod for its production names
    Then the certificates of catbench.com and icircle.catbench.com are valid for those names
    And https://icircle.catbench.com/ answers 200 with the app's index.html
    And that answer carries Strict-Transport-Security "max-age=31536000; includeSubDomains"
    And that answer carries Content-Security-Policy, X-Content-Type-Options, X-Frame-Options, Referrer-Policy and Permissions-Policy and no Server header
    And https://www.catbench.com/any/path is redirected with 301 to https://catbench.com/any/path

  Scenario: Behind Caddy the backend knows the request was HTTPS and sends only secure cookies
    Given Caddy serves caddy/Caddyfile.prod for its production names
    When a participant signs in with their key at https://icircle.catbench.com
    Then the sign-in succeeds without a redirect
    And every cookie the backend set is Secure, and the session cookie is also HttpOnly
    And a key sent with the Origin https://evil.example is refused with 403
    And an API answer to the Origin https://evil.example allows no cross-origin access

  Scenario: Django's deployment checks pass with the production settings
    When "manage.py check --deploy --fail-level WARNING" runs with the production settings
    Then it succeeds and reports no issues

  @smoke
  Scenario: The health endpoint reports the database, the version, the build and the uptime
    When I ask for /api/health/
    Then the answer is 200 with JSON field "database" equal to "ok"
    And the health answer names the version, the uptime and the Python, Django and database in use

  @destructive @sqlite
  Scenario: A backup of the live database restores with nothing lost
    Given the facilitator posts the announcement "Before the backup" through the API
    When the operator backs up the database with backup_db
    And the facilitator posts the announcement "After the backup" through the API
    And the operator restores that backup with restore_db
    Then the participant can sign in through the API with their key
    And the circle's messages through the API include "Before the backup"
    And the circle's messages through the API do not include "After the backup"
    And list_backups lists that backup and the safety copy restore_db made first

  @compose
  Scenario: make status shows the containers, the health endpoint, the disk and the last backup
    Given the operator backs up the database with backup_db
    When the operator runs make status for the stack
    Then it exits 0
    And it reports the containers caddy and backend running and healthy, and frontend exited 0 once it published the app
    And it reports the health endpoint ok, inside the backend and through Caddy
    And it reports the disk left for the database and for the backups
    And it reports the last backup, made less than an hour ago

  @compose
  Scenario: Caddy and the backend write JSON logs that leak nothing
    When I ask for /api/health/ with a marker in the query and a CSRF token header
    Then the backend container's log is JSON, one object per line
    And the backend logged that request once, without its query string, with the client's address rather than Caddy's
    And Caddy's access log has a JSON line for that request, without its query string or the CSRF token

  # PostgreSQL, for deployments that outgrow one machine: the whole suite also runs on it
  # (tox -e backend-postgres,acceptance-postgres); this is the move from SQLite.
  @postgresql
  Scenario: copy_database moves a SQLite database into PostgreSQL with every row intact
    Given a SQLite database with the demo circle, its keys and 3 messages
    When copy_database copies it into a fresh, migrated PostgreSQL database
    Then it reports every table's rows copied and matching
    And a message posted afterwards on PostgreSQL gets the next number

  Scenario: The production compose file's PostgreSQL option runs backend replicas behind Caddy
    Given compose/docker-compose.prod.yml with the override compose/docker-compose.postgres.yml
    Then the backend runs 3 replicas on the postgres service's database, once migrate has succeeded
    And Caddy reaches the backend as backend:8000
    And the postgres service is on inquirycircle_network only and publishes no port
    And the database password reaches postgres and every backend as the secret postgres_password, in none of their environments

  # The production compose file with its PostgreSQL option, started for real beside the suite's
  # stack: Debian's PostgreSQL in its own container (ic-postgres, made by make images-offline),
  # migrations applied once, backend replicas behind Caddy's load balancer, Caddyfile.prod on its
  # public names. Only what a test machine cannot have is swapped
  # (tests/acceptance/docker-compose.prod-test.yml): certificates from Caddy's own CA, loopback
  # ports for 80 and 443, the backend's data in a volume of the test project.
  @compose
  Scenario: On PostgreSQL, backend replicas behind Caddy's load balancer share the live messages and sign-outs
    Given the production stack runs with its PostgreSQL option and 3 backend replicas
    Then migrate ran once and exited 0, and the 3 backend replicas are running and healthy
    And the frontend published the app and exited 0, and Caddy serves its index.html byte for byte
    And plain HTTP to icircle.catbench.com is redirected with 308 to HTTPS, with HSTS on the HTTPS answer
    And the health endpoint through Caddy reports the database "postgresql"
    And the postgres service's database has the locale en_US.utf8, as the official image's has
    When 6 participants listen to the circle's live stream through Caddy
    Then Caddy spread the 6 streams evenly over the 3 replicas
    And a message the facilitator posts through Caddy reaches all 6 listeners
    When that participant signs out through Caddy
    Then all 6 streams end within 1 second, on every replica, saying "signed_out"
    When one backend replica is killed
    # Debian's Caddy 2.6.2 does not leave a failed dynamic upstream out (its passive health
    # check skips them), so a request may spend its retries on the dead replica's address.
    Then over the next 8 s every request through Caddy answers within 2 s, at most 1 in 10 with 502
    And every request from 6 s after the kill on succeeds
