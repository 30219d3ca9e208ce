"""A throw-away PostgreSQL + PostGIS server for tests and benchmarks (no pytest needed).

>>> with PgServer() as server:                      # doctest: +SKIP
...     url = server.url("postgres")                # postgresql://postgres:…@127.0.0.1:PORT/postgres

``initdb`` runs into a new temporary directory (owned by the ``postgres`` user when we are root, since initdb
refuses root), the server listens on 127.0.0.1 on a free port with its socket in that directory and
``fsync=off``; TCP logins need the password (scram-sha-256; the socket trusts), so tests can check that it never
shows. ``CREATE EXTENSION postgis`` goes into ``template1``, so every database created afterwards has it.
:meth:`PgServer.stop` stops the server and deletes the directory.

Binaries: ``$PG_BINDIR``, else the newest ``/usr/lib/postgresql/*/bin``, else ``initdb`` on ``PATH``.
``python tests/pg_server.py`` starts one, prints its URL and waits for Ctrl-C.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["PgServer", "PgServerError", "find_bindir", "shared", "unavailable"]

USER = "postgres"


class PgServerError(RuntimeError):
    """The server cannot be set up or started (the message says why and includes the server log's tail)."""


def find_bindir() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when they are not installed."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
                         key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0, reverse=True)
    if found := shutil.which("initdb"):
        candidates.append(str(Path(found).resolve().parent))
    for candidate in candidates:
        if candidate and all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One PostgreSQL server in a temporary directory, started by :meth:`start` (or ``with``)."""

    def __init__(self, *, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.password = secrets.token_urlsafe(12)
        self.port = 0
        self.root: Path | None = None

    # -- running as the unprivileged user ----------------------------------------------------------------------

    def _as_user(self) -> list[str]:
        return ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None
        cmd = [*self._as_user(), str(self.bindir / args[0]), *args[1:]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd="/", check=False)
        if check and done.returncode != 0:
            raise PgServerError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
                                f"{self._log_tail()}")
        return done

    def _log_tail(self) -> str:
        log = self.root / "server.log" if self.root else None
        if log and log.exists():
            return "\nserver log:\n" + log.read_text(errors="replace")[-2000:]
        return ""

    # -- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> PgServer:
        """initdb, start on a free port, create the postgis extension in template1; returns self."""
        if self.bindir is None:
            raise PgServerError("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; install them with "
                                "'apt-get install -y postgresql postgresql-postgis' or set PG_BINDIR")
        self.root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, USER, USER)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, USER, USER)
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", USER, "--auth-local=trust", "--auth-host=scram-sha-256",
                  f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        for _ in range(5):  # a free port can be taken between choosing and binding it: try another
            self.port = _free_port()
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
            done = self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-o", options, "-w",
                             "-t", "60", "start", check=False)
            if done.returncode == 0:
                break
        else:
            raise PgServerError(f"pg_ctl start failed: {done.stderr.strip()[-2000:]}{self._log_tail()}")
        for database in ("template1", "postgres"):
            self.psql(database, "CREATE EXTENSION IF NOT EXISTS postgis")
        return self

    def psql(self, database: str, sql: str) -> str:
        """Run ``sql`` through the socket as the superuser; its output (unaligned, tuples only)."""
        assert self.bindir is not None and self.root is not None
        done = subprocess.run([*self._as_user(), str(self.bindir / "psql"), "-h", str(self.root), "-p",
                               str(self.port), "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                              capture_output=True, text=True, timeout=120, cwd="/", check=False)
        if done.returncode != 0:
            raise PgServerError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL (TCP, with the password) for ``database``."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database (with postgis, from template1); its URL."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory."""
        if self.root is None:
            return
        if (self.root / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


_SHARED: list[PgServer] = []


def unavailable() -> str | None:
    """Why no server can be started here (no binaries, no psycopg), or None when one can."""
    if find_bindir() is None:
        return ("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found: install them with 'apt-get "
                "install -y postgresql postgresql-postgis' or set PG_BINDIR")
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed: pip install 'psycopg[binary]'"
    return None


def shared() -> PgServer:
    """One server for this process, started on first use and stopped (and deleted) when the process exits."""
    if not _SHARED:
        server = PgServer().start()
        atexit.register(server.stop)
        _SHARED.append(server)
    return _SHARED[0]


if __name__ == "__main__":
    with PgServer() as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def for_tests() -> PgServer:
    """The shared server for a test: skipped when none can be started, failed instead under CI (``CI`` set)."""
    import pytest

    reason = unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostGIS tests cannot run under CI: {reason}")
        pytest.skip(reason)
    return shared()
