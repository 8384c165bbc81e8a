from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs on the server: database backups (by hand, or run_backups on a
    schedule) and restores, and copying the database from SQLite to PostgreSQL. Management
    commands only; no models, no URLs."""

    name = "operations"
