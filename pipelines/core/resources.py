"""The warehouse resource: where raw files are read from, the build database and the published file."""

import fcntl
import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines.core.ledger import audited, ensure_audit
from pipelines.core.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT

RUN_LOCK_WAIT_S = 6 * 3600
DUCKDB_MEMORY_LIMIT = os.environ.get("REGIND_DUCKDB_MEMORY", "640MB")  # beside ~700 MB of Python: a 1.5 GB process
MACROS_SQL = PROJECT_ROOT / "sql" / "macros.sql"  # scalar macros the SQL files and validation frames share


# joins as written: see Warehouse.connect
DISABLED_OPTIMIZERS = "build_side_probe_side"
SESSION_SETTINGS = f"set enable_progress_bar = false; set memory_limit = '{DUCKDB_MEMORY_LIMIT}'"


def threads_setting() -> str:
    """`set threads = N` when REGIND_DUCKDB_THREADS asks for N (read on every connect), else nothing: DuckDB's own
    default, a thread per core. For several refreshes side by side on a small machine, such as make test's workers:
    a thread each wastes less CPU than every process's threads contending for the same two cores."""
    value = os.environ.get("REGIND_DUCKDB_THREADS", "").strip()
    if not value:
        return ""
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"REGIND_DUCKDB_THREADS={value!r}: give a whole number of threads, 1 or more, or unset it")
    return f"set threads = {int(value)}"


class Warehouse(dg.ConfigurableResource):
    """Only the pipeline writes, and only to `build.duckdb`; analysts read `warehouse.duckdb`,
    which the publish step replaces atomically. One run at a time holds the build (a run lock)."""

    raw_dir: str = str(DEFAULT_RAW_DIR)
    directory: str = str(DEFAULT_WAREHOUSE_DIR)
    data_docs: bool = True  # regenerate Great Expectations Data Docs in <directory>/docs after each check

    @property
    def build_path(self) -> Path:
        return Path(self.directory).resolve() / "build.duckdb"

    @property
    def published_path(self) -> Path:
        return Path(self.directory) / "warehouse.duckdb"

    @property
    def docs_path(self) -> Path:
        """Great Expectations Data Docs: open index.html in a browser."""
        return Path(self.directory).resolve() / "docs"

    @property
    def gx_state_path(self) -> Path:
        return Path(self.directory).resolve() / "gx_state"

    @property
    def lock_path(self) -> Path:
        return Path(self.directory) / ".refresh.lock"

    _held_open: ExitStack | None = PrivateAttr(default=None)
    _held: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)  # the run's connection (setup_for_execution)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Hold the run lock for the whole run: an overlapping run (CLI, UI, schedule) waits here for this
        one to end instead of fighting over the DuckDB file. The kernel drops the lock if the process dies.
        Then hold the build database open until the run ends: each step's connection shares this one's database
        instance instead of opening the file and checkpointing it on close (69 opens and closes took 6 s of a
        21 s incremental refresh; one open and one checkpoint now)."""
        hold_run_lock(self.lock_path, fcntl.LOCK_EX, context)
        held = ExitStack()
        try:
            self._held = held.enter_context(self.connect())
        except BaseException:
            release_run_lock(self.lock_path)  # Dagster calls no teardown for a resource whose setup raised
            raise
        self._held_open = held

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._held = None
        if self._held_open is not None:
            self._held_open.close()
            self._held_open = None
        release_run_lock(self.lock_path)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the build database. A lock held for a moment by another process (a
        notebook that opened build.duckdb) is a transient error: DuckDBResource retries the connection ten
        times with exponential backoff (0.1 s doubling, about 100 s in all) before the step fails.
        Inside a run, a step's connection is a cursor of the one the run holds: a connection of its own to the same
        database, without looking the file up again and checking its macros and audit tables again, and with the
        global settings (memory_limit, disabled_optimizers) that connection made (setting them again cost 3 ms)."""
        if self._held is not None:
            with self._held.cursor() as con:
                con.execute("set enable_progress_bar = false")  # the one setting of SESSION_SETTINGS that is local
                yield audited(con)
            return
        Path(self.directory).mkdir(parents=True, exist_ok=True)
        with DuckDBResource(database=str(self.build_path)).get_connection() as con:
            # bounded: DuckDB spills to disk past this, so a large refresh stays within a small machine
            con.execute(SESSION_SETTINGS)
            if threads := threads_setting():
                con.execute(threads)
            # joins as written: the lookups on the right of a left join are the hash tables. DuckDB otherwise builds
            # on the 10M-row side when it misjudges a distinct or an anti join (3x slower, 2x the memory at 10M rows)
            con.execute(f"set disabled_optimizers = '{DISABLED_OPTIMIZERS}'")
            define_macros(con)
            yield con


_HELD: dict[str, list[int]] = {}  # run lock files this process holds -> [descriptor, holders]


def hold_run_lock(path: Path, mode: int, context: dg.InitResourceContext | None = None) -> None:
    """Take the run lock file (LOCK_EX: a refresh; LOCK_SH: the lake's writers, which share it with each other),
    waiting up to RUN_LOCK_WAIT_S for whoever holds it. A process that holds it already (a run with both
    resources) holds it once more: flock would otherwise make it wait for itself."""
    key = str(path.resolve())
    if key in _HELD:
        _HELD[key][1] += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
        if context is not None and context.log:
            context.log.info(f"another run ({holder}) holds {path}; this run waits for it to end")
        deadline = time.monotonic() + RUN_LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise dg.Failure(
                        f"gave up after {RUN_LOCK_WAIT_S} s waiting for the run holding {path} ({holder})"
                    ) from None
                time.sleep(0.5)
    if mode == fcntl.LOCK_EX:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
    _HELD[key] = [fd, 1]


def release_run_lock(path: Path) -> None:
    """Let go of the run lock once its last holder in this process is done (closing releases the flock; the kernel
    releases it too if the process dies)."""
    key = str(path.resolve())
    if key in _HELD:
        _HELD[key][1] -= 1
        if _HELD[key][1] == 0:
            os.close(_HELD.pop(key)[0])


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the macros of sql/macros.sql when the file changed since they were created: a write on every
    connection would make every step's close checkpoint the whole database. The audit tables (sql/audit.sql, where
    audit.macros keeps the file's digest) are created first where missing, which writes nothing once they exist."""
    import hashlib

    text = MACROS_SQL.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    ensure_audit(con, committed=True)  # a connection just opened: outside any transaction
    if con.execute("select sha256 from audit.macros").fetchall() != [(digest,)]:
        con.execute(text)
        con.execute("delete from audit.macros; insert into audit.macros values (?)", [digest])
