"""A PostgreSQL server of a test's own, which the test may stop, kill and start again.

The shared test server (support.postgres) must stay up for every other test; fault tests need
one they can take away. This makes a throwaway cluster with Debian's server binaries
(/usr/lib/postgresql/<version>/bin) on a free loopback port, with trust authentication on
loopback only, and removes it at the end. As root (CI) the server runs as the postgres user,
as PostgreSQL insists.

    with PrivatePostgres() as server:
        server.url          # postgres://inquirycircle@127.0.0.1:<port>/inquirycircle
        server.stop(); server.start(); server.restart()
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import port_for

ROLE = "inquirycircle"
DATABASE = "inquirycircle"


def server_binaries():
    """The newest installed server's bin folder, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def unavailable():
    """Why no private server can be made here, or None."""
    if server_binaries() is None:
        return "PostgreSQL's server is not installed (Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, but there is no postgres user to run the server as"
    return None


class PrivatePostgres:
    def __init__(self):
        self.bin = server_binaries()
        self.port = port_for.select_random()
        self.url = f"postgres://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"
        self.folder = Path(tempfile.mkdtemp(prefix="ic-private-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, tool, *args, check=True):
        return subprocess.run(
            [*self._as, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def __enter__(self):
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "-A", "trust", "--no-sync")
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, "-O", ROLE, DATABASE
        )
        return self

    def __exit__(self, *exc):
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode="fast"):
        """fast: clients are disconnected; immediate: as if the server crashed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode="fast"):
        self.stop(mode)
        self.start()
