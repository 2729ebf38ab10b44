"""A streaming-replication standby of the embedded cluster: a copy taken with ``pg_basebackup -R``
into a data directory of its own, served read-only on another port, replaying the primary's WAL
through a replication slot (so the primary keeps what it has not yet received, up to
``max_slot_wal_keep_size``)."""

from __future__ import annotations

import hashlib
import os
import shutil

from common.errors import OnemapError
from etl.db import connect_raw
from etl.server import SUPERUSER, EmbeddedServer, Status
from etl.settings import DatabaseSettings


class Standby:
    """The standby of ``primary`` in ``settings.standby_pgdata``; it runs as an embedded server of
    its own (same roles and passwords, being a copy), so start, stop and URLs work as the primary's."""

    def __init__(self, primary: EmbeddedServer) -> None:
        self.primary = primary
        settings: DatabaseSettings = primary.settings.model_copy(
            update={"pgdata": primary.settings.standby_pgdata, "pg_port": primary.settings.standby_port}
        )
        self.server = EmbeddedServer(settings)
        # one slot per standby directory: a standby made again in the same place takes its slot over
        digest = hashlib.sha256(str(self.server.pgdata).encode()).hexdigest()[:12]
        self.slot = f"onemap_standby_{digest}"

    def create(self) -> bool:
        """Copy the running primary into the standby's directory; False when it is there already."""
        if self.server.initialised():
            return False
        port = self.primary.running_port()
        if port is None:
            raise OnemapError("the primary is not running: run `onemap db up` first")
        pgdata = self.server.pgdata
        if pgdata.exists() and any(pgdata.iterdir()):
            raise OnemapError(f"{pgdata} is not empty but holds no standby: move it away first")
        self._drop_slot()
        pgdata.mkdir(parents=True, exist_ok=True)
        os.chmod(pgdata, 0o700)
        self.server._chown(pgdata)
        self.server._grant_traverse()
        creds = self.primary.credentials()
        self.primary._chown(self.primary.credentials_path)  # of a cluster made before that was so
        result = self.server._run(
            [
                str(self.server.bindir() / "pg_basebackup"),
                *("-D", str(pgdata), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER),
                # -R: standby.signal and the primary's address; -X stream: consistent at once
                *("-R", "-X", "stream", "-c", "fast", "--no-password"),
                *("--create-slot", f"--slot={self.slot}"),
            ],
            check=False,
            extra_env={"PGPASSWORD": creds.super_password},
        )
        if result.returncode != 0:
            # its last line says it cleaned up; the cause is the line that says "error"
            said = [line for line in result.stderr.splitlines() if "error" in line.lower()]
            raise OnemapError(f"pg_basebackup failed: {(said or [result.stderr.strip()])[0]}")
        log = pgdata / "server.log"  # the primary's log came along with the copy
        if log.exists():
            log.write_text("")
        return True

    def up(self) -> tuple[bool, int]:
        """Create the standby when missing and start it; (created, its port)."""
        created = self.create()
        return created, self.server.start()

    def down(self) -> bool:
        """Stop the standby; False when it was not running."""
        return self.server.stop()

    def drop(self) -> bool:
        """Stop the standby, delete its directory and free its slot on the primary; False when
        there was none."""
        existed = self.server.initialised()
        self.server.stop()
        if self.server.pgdata.exists():
            shutil.rmtree(self.server.pgdata)
        self._drop_slot()
        return existed

    def status(self) -> Status:
        """Whether the standby runs, on which port, from which directory."""
        return self.server.status()

    def behind(self) -> tuple[int | None, float | None]:
        """How far the running standby is behind: bytes of WAL the primary has and it has not
        replayed (None when the primary is not running), and seconds since the last commit it
        replayed (None before any)."""
        with connect_raw(self.server.url("super", "postgres"), autocommit=True) as conn:
            row = conn.execute(
                "select pg_last_wal_replay_lsn(), "
                "extract(epoch from now() - pg_last_xact_replay_timestamp())::float8"
            ).fetchone()
        replayed, age = row if row else (None, None)
        if self.primary.running_port() is None or replayed is None:
            return None, age
        with connect_raw(self.primary.url("super", "postgres"), autocommit=True) as conn:
            diff = conn.execute(
                "select greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn), 0)::bigint",
                (str(replayed),),
            ).fetchone()
        return (int(diff[0]) if diff else None), age

    def url(self, role: str) -> str:
        """The standby's URL for ``super``, ``owner`` or ``app`` (see :meth:`EmbeddedServer.url`)."""
        return self.server.url(role)

    def _drop_slot(self) -> None:
        """Free this standby's slot on the primary (a slot nobody reads keeps WAL up to the cap)."""
        if self.primary.running_port() is None:
            return
        with connect_raw(self.primary.url("super", "postgres"), autocommit=True) as conn:
            conn.execute(
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots "
                "where slot_name = %s and not active",
                (self.slot,),
            )
