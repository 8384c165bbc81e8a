"""The compose stack mode: the three containers built and started by testcontainers' DockerCompose
from compose/docker-compose.dev.yml plus the offline override (no registry), on a project name of
their own, so a test stack never touches a developer's stack.

The Jitsi stand-in stays on the host: the backend signs tokens for it and the browser, also on the
host, reaches it at localhost:<port>. Restarts, crashes and database checks go through compose.

ProductionComposeRuntime starts the production file instead (with its PostgreSQL option), over
HTTPS on its public names; tests/acceptance/docker-compose.prod-test.yml says what it swaps.

Every run has fresh secrets, as files mounted as compose secrets (never environment variables),
an app network of its own (IC_NETWORK_PREFIX) and a Caddy log folder of its own. Once a stack is
up, start() checks that its containers are locked down (locked_down_problems()).
"""

import io
import ipaddress
import json
import os
import secrets
import signal
import ssl
import subprocess
import tarfile
import time
from pathlib import Path

import httpx
import port_for
from testcontainers.compose import DockerCompose

from support import modes
from support.production_caddy import PinnedTransport, production_config

COMPOSE_DIR = Path(__file__).resolve().parents[2] / "compose"
# Written by make images-offline: the build args its images were built with.
BUILD_INFO = COMPOSE_DIR.parent / ".local" / "build-info.env"
COMPOSE_FILES = ["docker-compose.dev.yml", "docker-compose.offline.yml"]
POSTGRES_IMAGE = "ic-postgres:bookworm"  # Debian's PostgreSQL, made by make images-offline
# The production file with the PostgreSQL option, and the suite's override of what a test
# machine cannot have (Let's Encrypt, ports 80/443, /var/lib/inquirycircle).
PRODUCTION_FILES = [
    "docker-compose.prod.yml",
    "docker-compose.offline.yml",
    "docker-compose.postgres.yml",
    str(Path(__file__).with_name("docker-compose.prod-test.yml")),
]
PUBLIC_URL = "https://icircle.catbench.com"
# Caddy's own CA, under XDG_DATA_HOME (/data) in its container.
CADDY_ROOT_CERTIFICATE = "/data/caddy/pki/authorities/local/root.crt"
SERVICES = ("caddy", "frontend", "backend")
# The ones that keep running; frontend publishes the app into the volume `site` and exits.
RUNNING = ("caddy", "backend")
BUILT_APP = "/app/dist"  # the app in the frontend image (frontend/Dockerfile)
# The containers that must not run as root (the postgres image starts as root, then drops to
# its own user, as the official one does).
UNPRIVILEGED = ("caddy", "frontend", "backend", "backups", "migrate")
CODE_DIR = "/app"  # the backend's code in its image, owned by root
# The backup scheduler of the production file; left out while its command does not exist.
RUN_BACKUPS = COMPOSE_DIR.parent / "backend/operations/management/commands/run_backups.py"
DATABASE = "/data/inquirycircle.db"  # DATABASE_URL in backend/Dockerfile
BACKUP_DIR = "/data/backups"  # IC_BACKUP_DIR in backend/Dockerfile
OFFLINE_BASES = ("ic-python:bookworm", "ic-caddy:bookworm", POSTGRES_IMAGE)


class EngineUnavailable(Exception):
    """No Docker engine or compose plugin here; the message says what is missing."""


def _run(*command, timeout=30):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def check_engine():
    """Everything the compose mode needs, or EngineUnavailable naming the first thing missing.
    Whether there is an engine at all is support.modes' answer, as for `make test`."""
    why = modes.engine_unavailable()
    if why:
        raise EngineUnavailable(why)
    if _run("docker", "compose", "version").returncode != 0:
        raise EngineUnavailable(
            "no Docker Compose v2 plugin: put the compose v2 binary at "
            "~/.docker/cli-plugins/docker-compose (`docker compose version` must answer)"
        )
    missing = [
        name for name in OFFLINE_BASES if _run("docker", "image", "inspect", name).returncode
    ]
    if missing:
        raise EngineUnavailable(
            f"the offline base images {', '.join(missing)} are missing: run `make images-offline`"
        )
    return modes.engine_version()


class ComposeRuntime:
    """One compose project, started with `up --build --wait` and always taken down with its
    volumes. Secrets are made fresh for each run and live only in files of its folder, mounted
    as compose secrets (IC_SECRETS_DIR). files are the compose files, compose_values more of the
    variables they read; saved logs are named <log_prefix>-<service>.log."""

    def __init__(
        self,
        folder: Path,
        jitsi_domain,
        jitsi_app_id,
        jitsi_secret,
        files=COMPOSE_FILES,
        log_prefix="compose",
        **compose_values,
    ):
        self.folder = folder
        self.files = files
        self.log_prefix = log_prefix
        self.backup_dir = BACKUP_DIR
        self.project = f"ic-acceptance-{secrets.token_hex(4)}"
        taken = [value for name, value in compose_values.items() if name.endswith("_PORT")]
        self.port = port_for.select_random(exclude_ports=taken)
        self.base_url = f"http://127.0.0.1:{self.port}"
        # The values no container's configuration may show (locked_down_problems()).
        self.secrets = {
            "secret_key": secrets.token_urlsafe(50),
            "key_pepper": secrets.token_urlsafe(32),
            **self.more_secrets(),
        }
        files = [*files, *self.secret_overrides(folder, jitsi_domain, jitsi_secret)]
        self.files = files
        secrets_dir = self.write_secrets(folder / "secrets")
        # Written by Caddy's own user: a folder anyone may write, of this run only.
        self.caddy_log_dir = folder / "caddy-logs"
        self.caddy_log_dir.mkdir()
        self.caddy_log_dir.chmod(0o777)
        self.caddy_access_log = self.caddy_log_dir / "access.log"
        backend_env = folder / "backend.env"
        backend_env.write_text(
            _env_lines(**{**_jitsi_env(jitsi_domain, jitsi_app_id), **self.backend_values()})
        )
        self.compose_env = compose_env = folder / "compose.env"
        compose_env.write_text(
            _env_lines(
                COMPOSE_PROJECT_NAME=self.project,
                IC_ENV_FILE=backend_env,
                IC_SECRETS_DIR=secrets_dir,
                IC_NETWORK_PREFIX=free_network_prefix(),
                IC_CADDY_LOG_DIR=self.caddy_log_dir,
                IC_HTTP_PORT=self.port,
                JITSI_DOMAIN=jitsi_domain or "meet.jit.si",
                **compose_values,
            )
            + (BUILD_INFO.read_text() if BUILD_INFO.exists() else "")
        )
        self.compose = DockerCompose(
            COMPOSE_DIR,
            compose_file_name=files,
            env_file=str(compose_env),
            build=True,
            wait=True,
        )

    def backend_values(self):
        """The backend's env file (IC_ENV_FILE): no secrets; the dev compose file adds what
        plain HTTP on localhost needs."""
        return {"IC_WORKERS": 2, "IC_STREAM_HEARTBEAT": 1}

    def more_secrets(self):
        """Secrets beyond the backend's two, by their file name in IC_SECRETS_DIR."""
        return {}

    def write_secrets(self, folder):
        """Each secret a file of folder (mode 0700): readable by the containers' users, whoever
        runs the suite (mode 0644, as a file bind-mounted keeps its owner)."""
        folder.mkdir(mode=0o700)
        for name, value in self.secrets.items():
            (folder / name).write_text(value)
            (folder / name).chmod(0o644)
        return folder

    def secret_overrides(self, folder, jitsi_domain, jitsi_secret):
        """Compose files of this run: the Jitsi secret as a compose secret (as an operator's
        override for token mode would do)."""
        if not jitsi_domain:
            return []
        self.secrets["jitsi_app_secret"] = jitsi_secret
        override = folder / "compose.jitsi-secret.yml"
        override.write_text(
            "services:\n"
            "  backend:\n"
            "    secrets: [jitsi_app_secret]\n"
            "    environment:\n"
            "      JITSI_APP_SECRET_FILE: /run/secrets/jitsi_app_secret\n"
            "secrets:\n"
            "  jitsi_app_secret:\n"
            "    file: ${IC_SECRETS_DIR}/jitsi_app_secret\n"
        )
        return [str(override)]

    def transport(self):
        """The httpx transport a client of this stack needs (None: httpx's own)."""
        return None

    def http_client(self, **options):
        """An httpx client for the stack through Caddy."""
        return httpx.Client(base_url=self.base_url, transport=self.transport(), **options)

    def script_args(self):
        """How scripts/status.py and snapshot.py name this project (-f, --env-file)."""
        files = [arg for name in self.files for arg in ("-f", str(COMPOSE_DIR / name))]
        return [*files, "--env-file", str(self.compose_env)]

    def command(self, *args, timeout=180, check=True):
        """A `docker compose` command on this project."""
        result = subprocess.run(
            [*self.compose.compose_command_property, *args],
            cwd=COMPOSE_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"docker compose {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
        return result

    def start(self):
        """`up --build --wait`: builds from the offline override, waits for every health check,
        then checks that every container is locked down."""
        try:
            self.compose.start()
        except subprocess.CalledProcessError as error:
            raise RuntimeError(
                f"docker compose up failed ({error.returncode}):\n{error.stderr.decode()[-3000:]}"
            ) from None
        problems = self.locked_down_problems()
        if problems:
            raise RuntimeError("the containers are not locked down:\n  " + "\n  ".join(problems))

    def locked_down_problems(self):
        """container_problems() and code_write_problems(): [] when all is well."""
        return self.container_problems() + self.code_write_problems()

    def container_problems(self):
        """What `docker inspect` shows wrong in any container of the project, as sentences: a
        writable root file system, no memory or process limit, root as the user of a service that
        needs none, a secret's value in the configuration (environment, command, labels)."""
        problems = []
        for row in self.containers():
            name, service = row["Name"], row["Service"]
            info = json.loads(_run("docker", "inspect", name).stdout)[0]
            host = info["HostConfig"]
            if not host.get("ReadonlyRootfs"):
                problems.append(f"{name}: the root file system is writable")
            if not host.get("Memory"):
                problems.append(f"{name}: no memory limit")
            if not (host.get("PidsLimit") or 0) > 0:
                problems.append(f"{name}: no process limit")
            if service in UNPRIVILEGED and info["Config"].get("User", "") in ("", "0", "root"):
                problems.append(f"{name}: runs as root")
            shown = json.dumps([info["Config"], host.get("Binds"), info.get("Args")])
            for secret_name, value in self.secrets.items():
                if value in shown:
                    problems.append(f"{name}: the value of {secret_name} is in its configuration")
        return problems

    def code_write_problems(self):
        """The backend's code is root's: nothing under /app may be owned, or writable, by the
        user the backend runs as (the read-only root file system aside)."""
        script = (
            "import os, sys; uid = os.getuid(); "
            "bad = [p for d, ds, fs in os.walk(sys.argv[1]) for p in [d, *(os.path.join(d, f) "
            "for f in fs)] if os.lstat(p).st_uid == uid or os.lstat(p).st_mode & 0o002]; "
            "print(uid, len(bad), *bad[:5])"
        )
        result = self.command("exec", "-T", "backend", "python3", "-c", script, CODE_DIR)
        uid, count, *examples = result.stdout.split()
        if uid == "0":
            return ["backend: runs as root, so it could write its code"]
        if count != "0":
            return [f"backend: uid {uid} can write {count} paths of {CODE_DIR}: {examples}"]
        return []

    def stop(self):
        """`down --volumes`: containers, network and this run's volumes go."""
        self.compose.stop()

    def containers(self):
        """`ps --all` as rows: every container of the project (each replica), running or not."""
        result = self.command("ps", "--all", "--format", "json")
        return [
            row
            for line in result.stdout.splitlines()
            for row in (json.loads(line) if line.startswith("[") else [json.loads(line)])
        ]

    def take_database_away(self):
        """The SQLite file unreadable to the backend's user, as after a wrong chmod."""
        self.command("exec", "-T", "backend", "chmod", "000", DATABASE)

    def bring_database_back(self):
        self.command("exec", "-T", "backend", "chmod", "644", DATABASE)

    def container_address(self, service):
        """The service's (first container's) address on the app network."""
        (row,) = [r for r in self.containers() if r["Service"] == service][:1]
        info = json.loads(_run("docker", "inspect", row["Name"]).stdout)[0]
        networks = info["NetworkSettings"]["Networks"]
        (app,) = [n for name, n in networks.items() if name.endswith("_network")]
        return app["IPAddress"]

    def states(self):
        """{service: (state, health)} of every container of the project, running or not."""
        return {row["Service"]: (row["State"], row.get("Health", "")) for row in self.containers()}

    def replicas(self, service):
        """{container name: (state, health, exit code)} of each container of one service."""
        return {
            row["Name"]: (row["State"], row.get("Health", ""), row.get("ExitCode"))
            for row in self.containers()
            if row["Service"] == service
        }

    def addresses(self, service):
        """{container name: IP address} of each running container of one service."""
        template = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
        return {
            name: _inspect(name, template)
            for name, (state, _, _) in self.replicas(service).items()
            if state == "running"
        }

    def container_name(self, service):
        """The name of the service's (first) container, running or not."""
        return next(row["Name"] for row in self.containers() if row["Service"] == service)

    def inspect(self, service):
        """`docker inspect` of the service's (first) container: Config.Env, Mounts (each with
        Type, Name of a volume, Source, Destination, RW), ..."""
        return json.loads(_run("docker", "inspect", self.container_name(service)).stdout)[0]

    def built_file(self, path):
        """The bytes of one file of the app as built into the frontend image (docker cp from
        the frontend container, which has exited: nothing it published is read here)."""
        source = f"{self.container_name('frontend')}:{BUILT_APP}/{path}"
        result = subprocess.run(
            ["docker", "cp", source, "-"], capture_output=True, timeout=30, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"docker cp {source} failed: {result.stderr.decode()[-300:]}")
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
            (member,) = archive.getmembers()
            return archive.extractfile(member).read()

    def caddy_admin(self, path):
        """A GET on Caddy's admin API, which listens inside its container only."""
        url = f"http://localhost:2019{path}"
        result = self.command("exec", "-T", "caddy", "busybox", "wget", "-q", "-O", "-", url)
        return json.loads(result.stdout)

    def logs_by_container(self, service):
        """{container name: [log lines]} of each container of one service."""
        logs = self.command("logs", "--no-color", service)
        by_container = {}
        for line in logs.stdout.splitlines():
            name, bar, text = line.partition(" | ")
            if bar:
                by_container.setdefault(name.strip(), []).append(text)
        return by_container

    def wait_healthy(self, services=RUNNING, timeout=90):
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if all(states.get(name) == ("running", "healthy") for name in services):
                return states
            if time.monotonic() > deadline:
                raise AssertionError(f"not healthy after {timeout} s: {states}")
            time.sleep(0.5)

    def manage(self, *args):
        result = self.command("exec", "-T", "backend", "python3", "manage.py", *args)
        return json.loads(result.stdout) if "--json" in args else result.stdout

    def restart_backend(self):
        self.command("restart", "backend")
        self.wait_healthy(["backend"])

    def backend_container(self, field):
        """A field of the backend container's `docker inspect` (a Go template, e.g. .State.Pid)."""
        container = self.command("ps", "--all", "--quiet", "backend").stdout.strip()
        return _inspect(container, f"{{{{{field}}}}}")

    def kill_backend(self):
        """SIGKILL to the backend's main process from outside, as a crash would: unlike
        `docker kill`, this leaves the restart policy in charge. Returns the restart count
        before the crash."""
        restarts = int(self.backend_container(".RestartCount"))
        os.kill(int(self.backend_container(".State.Pid")), signal.SIGKILL)
        return restarts

    def kill_container(self, name):
        """`docker kill` (SIGKILL) of one container (one replica) by name, as a crash would."""
        result = _run("docker", "kill", name, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"docker kill {name} failed: {result.stderr.strip()}")

    def stop_backend(self):
        self.command("stop", "backend")

    def start_backend(self):
        self.command("start", "backend")

    def down_and_up(self):
        """`down` without --volumes, then `up` again: containers and network are new, the
        named volumes are the same."""
        self.command("down")
        self.command("up", "--wait", timeout=300)

    def database_exists(self):
        test = self.command("exec", "-T", "backend", "test", "-f", DATABASE, check=False)
        return test.returncode == 0

    def database_tables(self):
        script = (
            "import json, sqlite3, sys; "
            "db = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True); "
            "print(json.dumps([row[0] for row in db.execute('SELECT name FROM sqlite_master')]))"
        )
        result = self.command("exec", "-T", "backend", "python3", "-c", script, DATABASE)
        return set(json.loads(result.stdout))

    def save_logs(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        try:
            services = sorted({*SERVICES, *self.states()})
        except RuntimeError:  # compose itself failing may be what these logs are for
            services = SERVICES
        for service in services:
            logs = self.command("logs", "--no-color", "--timestamps", service, check=False)
            path = folder / f"{self.log_prefix}-{service}.log"
            path.write_text(logs.stdout + logs.stderr)
            saved.append(path)
        return saved


class ProductionComposeRuntime(ComposeRuntime):
    """compose/docker-compose.prod.yml with its PostgreSQL option, started for real: Caddy
    serves Caddyfile.prod on its public names over HTTPS (certificates from Caddy's own CA,
    clients map the names to 127.0.0.1 themselves), the backend reads the env file an operator
    makes from compose/inquirycircle.env.example, and `replicas` backends share the postgres
    service's database. Video in public mode: nothing here is about video."""

    def __init__(self, folder: Path, replicas):
        self.https_port = port_for.select_random()
        self.caddy_config = folder / "caddy-config"
        self.caddy_config.mkdir()
        self.root_certificate = folder / "caddy-root.crt"
        files = PRODUCTION_FILES
        if not RUN_BACKUPS.exists():
            files = [*files, str(self.without_backups(folder))]
        super().__init__(
            folder,
            None,
            None,
            None,
            files=files,
            log_prefix="compose-production",
            IC_HTTPS_PORT=self.https_port,
            IC_TEST_CADDY_CONFIG=self.caddy_config,
            IC_POSTGRES_IMAGE=POSTGRES_IMAGE,
            IC_BACKEND_REPLICAS=replicas,
        )
        self.base_url = f"{PUBLIC_URL}:{self.https_port}"
        self.http_url = f"http://icircle.catbench.com:{self.port}"

    def backend_values(self):
        """compose/inquirycircle.env.example as the operator copies it (it holds no secrets)."""
        return dict(
            line.split("=", 1)
            for line in (COMPOSE_DIR / "inquirycircle.env.example").read_text().splitlines()
            if line and not line.startswith("#")
        )

    def more_secrets(self):
        """The PostgreSQL password: hex, as compose/README.md makes it."""
        return {"postgres_password": secrets.token_hex(24)}

    @staticmethod
    def without_backups(folder):
        """An override that leaves the backup scheduler out (a profile nobody starts)."""
        override = folder / "compose.no-backups.yml"
        override.write_text("services:\n  backups:\n    profiles: [not-yet-written]\n")
        return override

    def start(self):
        self.write_caddy_config()
        super().start()
        self.root_certificate.write_text(self.caddy_root_certificate())

    def write_caddy_config(self):
        """Caddyfile.prod adapted with the environment compose gives the caddy service, with
        certificates from Caddy's own CA (docker-compose.prod-test.yml runs it)."""
        config = json.loads(self.command("config", "--format", "json").stdout)
        environment = config["services"]["caddy"]["environment"]
        adapt_folder = self.folder / "caddy-adapt"
        adapt_folder.mkdir(exist_ok=True)
        adapted = production_config(adapt_folder, **environment)
        (self.caddy_config / "caddy.json").write_text(json.dumps(adapted))

    def caddy_root_certificate(self, timeout=30):
        """The root of Caddy's CA, made as Caddy starts to issue the site certificates."""
        deadline = time.monotonic() + timeout
        while True:
            cat = ("exec", "-T", "caddy", "busybox", "cat", CADDY_ROOT_CERTIFICATE)
            result = self.command(*cat, check=False)
            if result.returncode == 0:
                return result.stdout
            if time.monotonic() > deadline:
                raise RuntimeError(f"Caddy made no root certificate in {timeout} s")
            time.sleep(0.5)

    def transport(self):
        """Every public name to 127.0.0.1, certificates checked against Caddy's root."""
        context = ssl.create_default_context(cafile=str(self.root_certificate))
        return PinnedTransport(verify=context)


def _inspect(container, template):
    """`docker inspect --format <template>` of one container (name or id)."""
    return _run("docker", "inspect", "--format", template, container).stdout.strip()


def _jitsi_env(domain, app_id):
    """The backend's Jitsi settings; the secret is a file (secret_overrides())."""
    if not domain:
        return {"JITSI_MODE": "public", "JITSI_DOMAIN": "meet.jit.si"}
    return {"JITSI_MODE": "token", "JITSI_DOMAIN": domain, "JITSI_APP_ID": app_id}


# Taken by this process's stacks, which may not be up yet when the next one picks.
_prefixes_taken = set()


def free_network_prefix():
    """The first three numbers of a /24 (10.X.Y) for the app network of a new project: none of
    the engine's networks overlaps it, nor the compose files' default (a developer's stack)."""
    listed = _run("docker", "network", "ls", "--quiet").stdout.split()
    template = "{{range .IPAM.Config}}{{.Subnet}} {{end}}"
    subnets = _run("docker", "network", "inspect", "--format", template, *listed).stdout.split()
    used = [ipaddress.ip_network(subnet, strict=False) for subnet in subnets if "." in subnet]
    used.append(ipaddress.ip_network("10.203.0.0/24"))
    while True:
        prefix = f"10.{204 + secrets.randbelow(47)}.{secrets.randbelow(256)}"
        network = ipaddress.ip_network(f"{prefix}.0/24")
        if prefix not in _prefixes_taken and not any(network.overlaps(u) for u in used):
            _prefixes_taken.add(prefix)
            return prefix


def _env_lines(**values):
    return "".join(f"{name}={value}\n" for name, value in values.items())
