"""What every operator command shares: a --json switch for scripts, and readable text otherwise."""

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class OperatorCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")
        return parser

    def emit(self, options, data, text):
        """Print data as JSON with --json, else the human-readable text."""
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, default=str))
        else:
            self.stdout.write(text)


def parse_when(value, option):
    """An ISO 8601 time from the command line; a time without zone is taken as UTC."""
    if value is None:
        return None
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        raise CommandError(f"{option} must be an ISO 8601 time like 2026-12-31T18:00:00Z.")
    if timezone.is_naive(when):
        when = when.replace(tzinfo=UTC)
    return when


def iso(value):
    return value.isoformat() if isinstance(value, datetime) else value
