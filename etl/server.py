"""The embedded PostGIS cluster under ``data/pgdata``: initialise, start, stop, report."""

from __future__ import annotations

import json
import logging
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from common.errors import OnemapError
from etl.postmaster import clear_leftovers, serves_here, start_failure
from etl.settings import DatabaseSettings

LOGGER = logging.getLogger(__name__)

SUPERUSER = "onemap_super"
TEMPLATE_DB = "onemap_template"
CREDENTIALS_FILE = "onemap_credentials.json"
CONF_FILE = "onemap.conf"
POSTGIS_PACKAGE = "postgresql-15-postgis-3"
SERVER_PACKAGE = "postgresql-15"
PORT_SCAN = 200

# Sized for a shared 2-core machine that loads millions of rows; overridable in onemap.conf.
SERVER_CONF = """\
# written by onemap on every `onemap db up`; edit settings in postgresql.auto.conf instead
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = ''
shared_buffers = '512MB'
work_mem = '32MB'
maintenance_work_mem = '512MB'
max_wal_size = '4GB'
checkpoint_timeout = '15min'
# streaming replication (`onemap db standby up`): a standby holds its slot's WAL up to a cap, and
# tells the primary which rows its readers still need (so replay seldom cancels a page's query)
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
max_slot_wal_keep_size = '8GB'
hot_standby = on
hot_standby_feedback = on
logging_collector = off
timezone = 'Asia/Shanghai'
log_timezone = 'Asia/Shanghai'
"""


@dataclass(frozen=True)
class Credentials:
    """Generated passwords and the chosen port, kept 0600 inside the data directory."""

    super_password: str
    owner_password: str
    app_password: str
    port: int

    @staticmethod
    def generate(port: int) -> Credentials:
        """Return fresh random passwords for the three roles."""
        return Credentials(
            super_password=secrets.token_urlsafe(24),
            owner_password=secrets.token_urlsafe(24),
            app_password=secrets.token_urlsafe(24),
            port=port,
        )


@dataclass(frozen=True)
class Status:
    """What ``onemap db status`` reports."""

    running: bool
    port: int | None
    pgdata: Path
    initialised: bool


class EmbeddedServer:
    """A private PostgreSQL cluster listening on 127.0.0.1 only, run by a non-root OS user."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self.settings = settings
        self.pgdata = Path(settings.pgdata).resolve()

    # ----------------------------------------------------------------- discovery
    def bindir(self) -> Path:
        """Return the directory holding initdb and pg_ctl, or explain which package is missing."""
        candidates = [self.settings.pg_bindir] if self.settings.pg_bindir else []
        candidates.append(Path("/usr/lib/postgresql/15/bin"))
        for found in (shutil.which("pg_config"),):
            if found:
                out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
                if out.returncode == 0:
                    candidates.append(Path(out.stdout.strip()))
        for cand in candidates:
            if cand and (cand / "initdb").exists() and (cand / "pg_ctl").exists():
                return cand
        raise OnemapError(
            f"PostgreSQL server not found: install it with `apt-get install {SERVER_PACKAGE} "
            f"{POSTGIS_PACKAGE}`, or set DATABASE_URL to an existing PostGIS server"
        )

    def check_postgis(self) -> None:
        """Fail with the apt package's name when the PostGIS extension is not installed."""
        out = subprocess.run([str(self.bindir() / "pg_config"), "--sharedir"], capture_output=True, text=True)
        sharedir = Path(out.stdout.strip()) if out.returncode == 0 else Path("/usr/share/postgresql/15")
        if not (sharedir / "extension" / "postgis.control").exists():
            hint = "" if os.geteuid() == 0 else "sudo "
            raise OnemapError(
                f"PostGIS is not installed: run `{hint}apt-get install {POSTGIS_PACKAGE}` "
                "(or set DATABASE_URL to an existing PostGIS server)"
            )

    # ----------------------------------------------------------------- process
    def _os_user(self) -> str | None:
        """Return the OS user to run the server as when we are root, else None (ourselves)."""
        if os.geteuid() != 0:
            return None
        name = self.settings.pg_os_user
        try:
            pwd.getpwnam(name)
        except KeyError as exc:
            raise OnemapError(
                f"running as root, but the OS user {name!r} that should run PostgreSQL does not "
                f"exist: install {SERVER_PACKAGE} or set ONEMAP_PG_OS_USER"
            ) from exc
        return name

    def _run(
        self, args: list[str], check: bool = True, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a server binary as the server's OS user (with ``extra_env`` beside a clean environment)."""
        user = self._os_user()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        env.update(extra_env or {})
        if user:
            env["HOME"] = pwd.getpwnam(user).pw_dir
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            env=env,
            user=user,
            group=pwd.getpwnam(user).pw_gid if user else None,
            cwd="/",
        )
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise OnemapError(f"{Path(args[0]).name} failed: {detail[-1] if detail else result.returncode}")
        return result

    def _chown(self, path: Path) -> None:
        """Hand a path to the server's OS user when we are root."""
        user = self._os_user()
        if user:
            entry = pwd.getpwnam(user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _grant_traverse(self) -> None:
        """As root, let the server's OS user reach the data directory (o+x on its ancestors)."""
        user = self._os_user()
        if not user:
            return
        for parent in reversed(self.pgdata.parents):
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, mode | 0o001)
                LOGGER.warning("granted traverse (o+x) on %s so %s can reach %s", parent, user, self.pgdata)

    # ----------------------------------------------------------------- state
    @property
    def credentials_path(self) -> Path:
        """Path of the 0600 file holding passwords and the port."""
        return self.pgdata / CREDENTIALS_FILE

    def initialised(self) -> bool:
        """True when the data directory holds a cluster of ours."""
        return (self.pgdata / "PG_VERSION").exists() and self.credentials_path.exists()

    def credentials(self) -> Credentials:
        """Read the stored credentials, or say the cluster has not been set up."""
        if not self.credentials_path.exists():
            raise OnemapError(f"no embedded database in {self.pgdata}: run `onemap db up` first")
        return Credentials(**json.loads(self.credentials_path.read_text()))

    def _save_credentials(self, creds: Credentials) -> None:
        """Write the credentials file with mode 0600 (owner only)."""
        fd = os.open(self.credentials_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(creds.__dict__, fh, indent=2)
        os.chmod(self.credentials_path, 0o600)
        # the server's user owns every file of its data directory (pg_basebackup copies them all);
        # it holds these roles' passwords anyway
        self._chown(self.credentials_path)

    def running_port(self) -> int | None:
        """Return the port of our running server, or None when it is not running.

        A ``postmaster.pid`` left by a server that was killed (or by another machine, or whose
        process id now belongs to another program) does not count: the process it names must be a
        PostgreSQL server working in this data directory.
        """
        pidfile = self.pgdata / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
        except OSError:
            return None
        if not lines or not lines[0].strip().isdigit() or not serves_here(self.pgdata, int(lines[0])):
            return None
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None

    def status(self) -> Status:
        """Report whether the embedded server runs, on which port, from which directory."""
        initialised = self.initialised()
        port = self.running_port() if initialised else None
        return Status(running=port is not None, port=port, pgdata=self.pgdata, initialised=initialised)

    # ----------------------------------------------------------------- ports
    @staticmethod
    def port_free(port: int) -> bool:
        """True when nothing listens on 127.0.0.1:port."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
        return True

    def choose_port(self, previous: int | None) -> int:
        """Pick ONEMAP_PG_PORT (which must be free), else the previous port, else the first free."""
        if self.settings.pg_port is not None:
            if not self.port_free(self.settings.pg_port):
                raise OnemapError(
                    f"port {self.settings.pg_port} (ONEMAP_PG_PORT) on 127.0.0.1 is taken: "
                    "free it or choose another port"
                )
            return self.settings.pg_port
        if previous is not None and self.port_free(previous):
            return previous
        first = self.settings.pg_first_port
        for port in range(first, first + PORT_SCAN):
            if self.port_free(port):
                if previous is not None and port != previous:
                    LOGGER.warning("port %s is taken, moving to %s", previous, port)
                return port
        raise OnemapError(f"no free port on 127.0.0.1 between {first} and {first + PORT_SCAN - 1}")

    # ----------------------------------------------------------------- lifecycle
    def initdb(self) -> Credentials:
        """Create the cluster with scram-sha-256 authentication and fresh passwords."""
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise OnemapError(
                f"{self.pgdata} is not empty but holds no onemap cluster: move it away "
                "or point ONEMAP_PGDATA elsewhere"
            )
        creds = Credentials.generate(port=self.choose_port(None))
        self.pgdata.mkdir(parents=True, exist_ok=True)
        os.chmod(self.pgdata, 0o700)
        self._chown(self.pgdata)
        self._grant_traverse()
        with tempfile.NamedTemporaryFile("w", delete=False, prefix="onemap-pw-") as pw:
            pw.write(creds.super_password + "\n")
        pwfile = Path(pw.name)
        try:
            os.chmod(pwfile, 0o600)
            self._chown(pwfile)
            self._run(
                [
                    str(self.bindir() / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.pgdata / "postgresql.conf").open("a") as conf:
            conf.write(f"\ninclude_if_exists = '{CONF_FILE}'\n")
        self._save_credentials(creds)
        return creds

    def start(self) -> int:
        """Start the server (idempotent) and return its port."""
        port = self.running_port()
        if port is not None:
            return port
        creds = self.credentials()
        port = self.choose_port(creds.port)
        conf = self.pgdata / CONF_FILE
        conf.write_text(SERVER_CONF.format(port=port))
        self._chown(conf)
        if port != creds.port:
            creds = Credentials(**{**creds.__dict__, "port": port})
            self._save_credentials(creds)
        log = self.pgdata / "server.log"
        self._check_ownership()
        clear_leftovers(self.pgdata)
        offset = log.stat().st_size if log.exists() else 0
        result = self._run(
            [
                str(self.bindir() / "pg_ctl"),
                "start",
                "-D",
                str(self.pgdata),
                "-l",
                str(log),
                "-w",
                "-t",
                "120",
            ],
            check=False,
        )
        if result.returncode != 0:
            reason = start_failure(log, offset, (result.stderr or result.stdout).strip())
            raise OnemapError(f"PostgreSQL did not start on 127.0.0.1:{port}: {reason} (log: {log})")
        return port

    def _check_ownership(self) -> None:
        """Fail with one line when the server's OS user does not own the data directory."""
        user = self._os_user()
        owner_uid = self.pgdata.stat().st_uid
        want_uid = pwd.getpwnam(user).pw_uid if user else os.geteuid()
        if owner_uid != want_uid:
            try:
                owner = pwd.getpwuid(owner_uid).pw_name
            except KeyError:
                owner = str(owner_uid)
            wanted = user or pwd.getpwuid(want_uid).pw_name
            instead = "" if user else f" (or run onemap as {owner})"
            raise OnemapError(
                f"{self.pgdata} belongs to {owner}, but PostgreSQL runs as {wanted}: "
                f"run `chown -R {wanted} {self.pgdata}`{instead}"
            )

    def stop(self) -> bool:
        """Stop the server cleanly; return False when it was not running."""
        if self.running_port() is None:
            return False
        self._run(
            [str(self.bindir() / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "120"]
        )
        return True

    # ----------------------------------------------------------------- urls
    def url(self, role: str, database: str | None = None) -> str:
        """Return a SQLAlchemy URL (psycopg 3) for ``super``, ``owner`` or ``app``."""
        creds = self.credentials()
        port = self.running_port() or creds.port
        user, password = {
            "super": (SUPERUSER, creds.super_password),
            "owner": (self.settings.owner_role, creds.owner_password),
            "app": (self.settings.app_role, creds.app_password),
        }[role]
        db = database or self.settings.db_name
        return f"postgresql+psycopg://{user}:{quote(password, safe='')}@127.0.0.1:{port}/{db}"
