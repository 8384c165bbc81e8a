"""Copying every row of the app's tables from one database into the configured one: moving a
deployment from SQLite to PostgreSQL (manage.py copy_database).

Django does the work on both sides. The source is opened as a second database alias (a SQLite
file read-only), the models are copied in dependency order with bulk_create, keeping their ids,
all in one transaction on the target; then the target's id sequences are moved past the copied
ids, so new rows never collide. Before that transaction commits, every row is compared with the
source, value by value: if anything differs, nothing is kept.

What is not copied, and why, is in SKIPPED. Sessions are copied: their rows name the access
key by id, and the ids are kept, so everyone stays signed in across the move.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import environ
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

SOURCE = "copy_source"
BATCH = 1000
# Installed models that are not copied.
SKIPPED_MODELS = {
    "contenttypes.contenttype": "the target's migrate made its own, and nothing here refers to "
    "them",
    "access.attemptcounter": "counters of recent key attempts: they start empty, as after a "
    "quiet ten minutes",
    "live.change": "the live channel's change log: what running workers have already heard",
    "live.epoch": "the live channel's epoch: the target makes a new one, so open pages reload",
}


class CopyError(Exception):
    """Why the copy cannot start or did not finish; nothing was kept on the target."""


@dataclass
class TableReport:
    table: str
    model: str
    source_rows: int
    target_rows: int = 0
    # Source rows missing from the target or with other values there.
    differing_rows: int = 0
    first_difference: object = None

    @property
    def matches(self):
        return self.source_rows == self.target_rows and self.differing_rows == 0


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    sequences_reset: int = 0
    replaced: bool = False

    @property
    def matches(self):
        return all(table.matches for table in self.tables)

    @property
    def rows(self):
        return sum(table.source_rows for table in self.tables)


def copy_database(source_url, replace=False, target=DEFAULT_DB_ALIAS, batch=BATCH):
    """Copies every app row from source_url into target; returns the CopyReport.

    The report's matches is False when the comparison found a difference; the target was then
    rolled back. Raises CopyError when the copy cannot start (see check_can_copy).
    """
    config = source_config(source_url)
    _open(SOURCE, config)
    try:
        models = copy_order(copied_models())
        check_can_copy(SOURCE, target, models, replace)
        report = CopyReport(
            source=describe(connections[SOURCE]),
            target=describe(connections[target]),
            skipped=skipped_tables(),
            replaced=replace,
        )
        try:
            with transaction.atomic(using=target), transaction.atomic(using=SOURCE):
                if replace:
                    empty(target, models)
                for model in models:
                    try:
                        report.tables.append(copy_rows(model, SOURCE, target, batch))
                    except DatabaseError as exc:
                        raise CopyError(
                            f"copying {model._meta.db_table} failed, nothing was kept: {exc}"
                        ) from exc
                report.sequences_reset = reset_sequences(target, models)
                for table, model in zip(report.tables, models, strict=True):
                    compare_rows(model, SOURCE, target, table, batch)
                if not report.matches:
                    raise _Differs
        except _Differs:
            pass  # rolled back; the report says what differed
        except DatabaseError as exc:
            raise CopyError(f"the copy failed, nothing was kept: {exc}") from exc
        return report
    finally:
        _close(SOURCE)


class _Differs(Exception):
    pass


def source_config(url):
    """DATABASES settings for the source; a SQLite file must exist and is opened read-only."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several kinds for a bad URL
        raise CopyError(f"--from {url!r} is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        if not path.is_file():
            raise CopyError(f"there is no SQLite database at {path}")
        # Read-only: the copy can never change the database it copies.
        config["NAME"] = f"{path.resolve().as_uri()}?mode=ro"
    return config


def _open(alias, config):
    """Adds alias to the configured databases, with Django's defaults filled in."""
    filled = connections.configure_settings({DEFAULT_DB_ALIAS: config})
    connections.settings[alias] = filled[DEFAULT_DB_ALIAS]


def _close(alias):
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def copied_models():
    skipped = set(SKIPPED_MODELS)
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in skipped
    ]


def copy_order(models):
    """models, each after the models its foreign keys point to."""
    pending = {model: _dependencies(model, models) for model in models}
    ordered = []
    while pending:
        ready = [model for model, needs in pending.items() if not needs - set(ordered)]
        if not ready:
            names = ", ".join(sorted(model._meta.label for model in pending))
            raise CopyError(f"these models refer to each other in a cycle: {names}")
        for model in sorted(ready, key=lambda m: m._meta.label):
            ordered.append(model)
            del pending[model]
    return ordered


def _dependencies(model, models):
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in models and f.related_model is not model
    }


def check_can_copy(source, target, models, replace):
    """Raises CopyError unless both databases are at the same migrations and the target holds
    no app data (or replace is given)."""
    if describe(connections[source]) == describe(connections[target]):
        raise CopyError("the source is the configured database itself")
    executor = MigrationExecutor(connections[target])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        target_name = describe(connections[target])
        raise CopyError(f"{target_name} is not fully migrated: run `manage.py migrate` first")
    try:
        applied = set(MigrationRecorder(connections[source]).applied_migrations())
    except DatabaseError as exc:
        raise CopyError(f"cannot read the source's migrations: {exc}") from exc
    if not applied:
        raise CopyError(f"{describe(connections[source])} is not an InquiryCircle database")
    wanted = set(MigrationRecorder(connections[target]).applied_migrations())
    if applied != wanted:
        missing = ", ".join(f"{app}.{name}" for app, name in sorted(wanted - applied))
        extra = ", ".join(f"{app}.{name}" for app, name in sorted(applied - wanted))
        raise CopyError(
            "the two databases are at different migrations"
            + (f"; the source lacks {missing} (migrate a copy of it first)" if missing else "")
            + (f"; the source has {extra}, unknown to this code" if extra else "")
        )
    if replace:
        return
    filled = [
        f"{model._meta.db_table} ({count} row{'s' if count > 1 else ''})"
        for model in models
        if (count := model._base_manager.using(target).count())
    ]
    if filled:
        raise CopyError(
            f"{describe(connections[target])} already holds app data: {', '.join(filled)}. "
            "Copy into an empty, migrated database, or give --replace to delete that data first."
        )


def empty(target, models):
    connection = connections[target]
    tables = [model._meta.db_table for model in models]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    )


def copy_rows(model, source, target, batch):
    """Every row of model, ids kept, in batches; the report of its table."""
    rows = model._base_manager.using(source).order_by("pk")
    table = TableReport(model._meta.db_table, model._meta.label, source_rows=0)
    chunk = []
    for row in rows.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) == batch:
            table.source_rows += _insert(model, target, chunk)
            chunk = []
    table.source_rows += _insert(model, target, chunk)
    return table


def _insert(model, target, rows):
    if rows:
        model._base_manager.using(target).bulk_create(rows)
    return len(rows)


def reset_sequences(target, models):
    """Moves each id sequence of the target past the copied ids (PostgreSQL; SQLite needs
    nothing). Returns how many were moved."""
    connection = connections[target]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return len(statements)


def compare_rows(model, source, target, table, batch):
    """Fills in table's target count and differences: each source row is looked up by id on
    the target and compared field by field. With equal counts and no difference, the target
    holds exactly the source's rows."""
    fields = [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    table.target_rows = model._base_manager.using(target).count()
    rows = model._base_manager.using(source).order_by("pk").values_list(*fields)
    chunk = []
    for row in rows.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) == batch:
            _compare_chunk(model, target, fields, pk, chunk, table)
            chunk = []
    _compare_chunk(model, target, fields, pk, chunk, table)


def _compare_chunk(model, target, fields, pk, chunk, table):
    if not chunk:
        return
    at = fields.index(pk)
    ids = [row[at] for row in chunk]
    copied = {
        row[at]: row
        for row in model._base_manager.using(target).filter(pk__in=ids).values_list(*fields)
    }
    for row in chunk:
        if copied.get(row[at]) != row:
            table.differing_rows += 1
            if table.first_difference is None:
                table.first_difference = row[at]


def skipped_tables():
    """Tables of the target that are not copied, with the reason."""
    skipped = {apps.get_model(label)._meta.db_table: why for label, why in SKIPPED_MODELS.items()}
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            skipped[cache["LOCATION"]] = (
                "a cache (failed key attempts): it starts empty, as after a restart"
            )
    skipped[MigrationRecorder.Migration._meta.db_table] = "the target's own, from its migrate"
    return skipped


def describe(connection):
    """What an operator recognises a database by, without its password."""
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        path = unquote(str(data["NAME"]).removeprefix("file://").split("?")[0])
        return f"SQLite {Path(path).resolve()}"
    where = f"{data['HOST'] or 'localhost'}:{data['PORT'] or 5432}"
    return f"{connection.display_name} {data['NAME']} on {where}"
