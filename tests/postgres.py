"""A throwaway PostgreSQL server on loopback, for the lake and Dagster-on-PostgreSQL tests: Debian's package
(tests/install-debian.sh installs it), a new cluster in a temporary folder, trust authentication on 127.0.0.1
only, stopped and removed at the end. PostgreSQL refuses to run as root: as root, the cluster belongs to the
package's `postgres` user."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

USER = "regind"


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise RuntimeError(
            f"{name} not found: the lake tests need Debian's PostgreSQL (tests/install-debian.sh, "
            "which `make test` runs)"
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self) -> None:
        # not under pytest's tmp folders: they are private to root, and the server runs as postgres
        self.root = Path(tempfile.mkdtemp(prefix="regind-pg-"))
        self.port = _free_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.root, "postgres")
        self._run(
            _binary("initdb"), "-D", str(self.root / "data"), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"
        )
        self._run(
            _binary("pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-k {self.root} -h 127.0.0.1 -p {self.port} -c fsync=off -c max_connections=200",
            "start",
        )

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self._as, *command], capture_output=True, text=True)
        if result.returncode:
            log = self.root / "server.log"
            raise RuntimeError(
                f"{' '.join(command)} failed: {result.stderr or result.stdout}{log.read_text() if log.exists() else ''}"
            )

    def conninfo(self, database: str, user: str = USER, password: str | None = None) -> str:
        """A libpq connection string, as REGIND_LAKE_CATALOG takes it."""
        return f"dbname={database} host=127.0.0.1 port={self.port} user={user}" + (
            f" password={password}" if password else ""
        )

    def _superuser(self, *statements: tuple[str, tuple]) -> None:
        import psycopg2

        con = psycopg2.connect(self.conninfo("postgres"))
        con.autocommit = True
        with con.cursor() as cursor:
            for sql, values in statements:
                cursor.execute(sql, values)
        con.close()

    def create_database(self, prefix: str = "lake", owner: str = USER) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self._superuser((f'create database "{name}" owner "{owner}"', ()))
        return name

    def add_role(self, name: str, password: str) -> None:
        """A login role that must give its password over TCP (scram-sha-256), as on a shared server; the other
        roles keep trust authentication."""
        self._superuser((f'create role "{name}" login password %s', (password,)))
        hba = self.root / "data" / "pg_hba.conf"
        hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())  # the first match counts
        self._run(_binary("pg_ctl"), "-D", str(self.root / "data"), "reload")
        deadline = time.monotonic() + 10  # the reload is asynchronous: wait until the role is asked for its password
        while not self._asks_password(name) and time.monotonic() < deadline:
            time.sleep(0.1)

    def _asks_password(self, user: str) -> bool:
        import psycopg2

        try:
            psycopg2.connect(self.conninfo("postgres", user), connect_timeout=5).close()
        except psycopg2.OperationalError as error:
            return "password" in str(error)
        return False

    def stop(self) -> None:
        subprocess.run(
            [*self._as, _binary("pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
