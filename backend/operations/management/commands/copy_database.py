from django.core.management.base import CommandError
from django.db import DatabaseError

from ic_core.commands import OperatorCommand
from operations.dbcopy import CopyError, copy_database


class Command(OperatorCommand):
    help = (
        "Copy every row of the app's tables from another database (the SQLite file of a "
        "deployment moving to PostgreSQL) into the configured one, which must be migrated and "
        "hold no app data. Ids are kept and sequences moved past them; every row is then "
        "compared with the source, and if anything differs nothing is kept. Stop the backend "
        "that writes to the source first. Sessions are copied (people stay signed in); the "
        "cache is not."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            metavar="URL",
            help="The database to copy: sqlite:////var/lib/inquirycircle/.../inquirycircle.db "
            "(or a path to a SQLite file). It is only read.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the app data the configured database holds before copying.",
        )

    def handle(self, *args, **options):
        try:
            report = copy_database(options["source"], replace=options["replace"])
        except (CopyError, DatabaseError) as exc:
            raise CommandError(f"Nothing was copied: {exc}") from exc
        self.emit(options, as_data(report), as_text(report))
        if not report.matches:
            differing = [t.table for t in report.tables if not t.matches]
            raise CommandError(
                f"The copy differs from the source in {', '.join(differing)}: nothing was kept."
            )


def as_data(report):
    return {
        "source": report.source,
        "target": report.target,
        "matches": report.matches,
        "replaced": report.replaced,
        "rows": report.rows,
        "tables": [
            {
                "table": t.table,
                "model": t.model,
                "source_rows": t.source_rows,
                "target_rows": t.target_rows,
                "differing_rows": t.differing_rows,
                "first_difference": t.first_difference,
                "matches": t.matches,
            }
            for t in report.tables
        ],
        "skipped": report.skipped,
        "sequences_reset": report.sequences_reset,
    }


def state(table):
    if table.matches:
        return "ok"
    if table.differing_rows:
        return f"DIFFERS: {table.differing_rows} rows, first id {table.first_difference}"
    return "DIFFERS: row counts"


def as_text(report):
    width = max(len(t.table) for t in report.tables)
    lines = [
        f"Copied {report.source}",
        f"  into {report.target}" + (" (its app data deleted first)" if report.replaced else ""),
        "",
        f"  {'table':<{width}}  {'source':>8}  {'target':>8}",
    ]
    for t in report.tables:
        lines.append(f"  {t.table:<{width}}  {t.source_rows:>8}  {t.target_rows:>8}  {state(t)}")
    lines += ["", "Not copied:"]
    lines += [f"  {table}: {why}" for table, why in report.skipped.items()]
    lines.append(f"Sequences moved past the copied ids: {report.sequences_reset}")
    if report.matches:
        lines.append(f"Every one of the {report.rows} rows matches the source: copy kept.")
    else:
        lines.append("The copy does not match the source: it was rolled back, nothing was kept.")
    return "\n".join(lines)
