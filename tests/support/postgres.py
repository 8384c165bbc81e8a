"""The PostgreSQL server the tests may use, and scratch databases on it.

Which server: IC_TEST_POSTGRES_URL, else DATABASE_URL when it is a postgres:// URL (the tox env
backend-postgres sets both), else the role and database .ci/run makes on this machine. Its
database is only used to connect; every test that writes gets a database of its own, made
here and dropped afterwards.
"""

import os
import secrets
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

# The same default as tox.ini's [postgres] url; .ci/run creates this role and database.
DEFAULT_URL = "postgres://inquirycircle:inquirycircle@127.0.0.1:5432/inquirycircle"
SCHEMES = ("postgres://", "postgresql://")


def is_postgres(url):
    return bool(url) and url.startswith(SCHEMES)


def server_url():
    if os.environ.get("IC_TEST_POSTGRES_URL"):
        return os.environ["IC_TEST_POSTGRES_URL"]
    database_url = os.environ.get("DATABASE_URL", "")
    return database_url if is_postgres(database_url) else DEFAULT_URL


def with_database(url, name):
    """url with its database replaced by name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def describe(url):
    """host:port/database, without the credentials, for messages."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def unreachable(url):
    """Why the server at url cannot be used (connect and log in), or None if it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (backend/requirements.txt)"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        reason = (str(error).strip() or type(error).__name__).splitlines()[0]
        return f"no usable PostgreSQL server at {describe(url)}: {reason}"
    return None


def _admin(url):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def create_database(url, prefix="ic_test", template=None):
    """A new database on url's server, empty or a copy of the database template names (a URL
    no one is connected to); returns its URL."""
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(5)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        template_name = urlsplit(template).path.lstrip("/")
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template_name))
    with _admin(url) as admin:
        admin.execute(create)
    return with_database(url, name)


def drop_database(database_url):
    """Drops the database database_url names, closing whatever is still connected to it."""
    import psycopg
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    with _admin(with_database(database_url, "postgres")) as admin:
        try:
            admin.execute(drop + sql.SQL(" WITH (FORCE)"))
        except psycopg.errors.InsufficientPrivilege:
            # An autovacuum worker on the database (a test just filled it) belongs to no role,
            # and FORCE may not end it for a role that is not a superuser. A plain DROP cancels
            # autovacuum itself and waits up to 5 s for the other sessions, which we end.
            end_sessions(admin, name)
            admin.execute(drop)


def end_sessions(admin, name):
    """Ends this role's sessions on the database name (others' are not ours to end)."""
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
        " AND usename = current_user AND pid <> pg_backend_pid()",
        [name],
    )


@contextmanager
def scratch_database(url, prefix="ic_test", template=None):
    database_url = create_database(url, prefix, template)
    try:
        yield database_url
    finally:
        drop_database(database_url)


def refuse_connections(url, refuse):
    """Makes url's database refuse new connections and ends the open ones (refuse=True), as a
    stopped server would for the app; refuse=False lets connections in again."""
    name = url.rsplit("/", 1)[1]
    with _admin(with_database(url, "postgres")) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(not refuse).lower()}')
        if refuse:
            end_sessions(admin, name)
