@m1
Feature: M1 Structure ready
  The repository has the layout the runbook describes, and a server can be laid out with the
  runbook's folders, owned by the deploying user, with secrets kept private.

  Scenario: The repository has one folder per part of the system
    Then the repository has the folders backend, frontend, caddy, compose, features and tests
    And the repository has a README and a tox.ini

  Scenario: Provisioning lays out the server folders
    Given an empty folder standing in for a server's root
    When the provisioning command runs for that root
    Then these folders exist under it:
      | folder                               |
      | srv/inquirycircle/backend            |
      | srv/inquirycircle/frontend           |
      | srv/inquirycircle/caddy              |
      | srv/inquirycircle/compose            |
      | srv/inquirycircle/caddy/site/dist    |
      | var/lib/inquirycircle/backend/sqlite |
      | var/lib/inquirycircle/backups        |
      | etc/inquirycircle                    |
    And every one of them belongs to the deploying user
    And the secrets folder etc/inquirycircle is not readable by other users
    And the database folder var/lib/inquirycircle/backend/sqlite is not readable by other users

  Scenario: Provisioning twice changes nothing
    Given an empty folder standing in for a server's root
    When the provisioning command runs for that root
    And the provisioning command runs for that root
    Then the secrets folder etc/inquirycircle is not readable by other users
