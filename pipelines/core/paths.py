"""Where the project's files are, and the read-only door to the published warehouse: no Dagster here, so that
`regind` answers quickly (status, query, a refresh with nothing to do)."""

import os
import threading
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# absolute: a relative REGIND_* directory would move with the working directory of each run
DEFAULT_RAW_DIR = Path(os.environ.get("REGIND_RAW_DIR", PROJECT_ROOT / "data" / "raw")).resolve()
DEFAULT_WAREHOUSE_DIR = Path(os.environ.get("REGIND_WAREHOUSE_DIR", PROJECT_ROOT / "data" / "warehouse")).resolve()


_OPENING = threading.Lock()


def read_published(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published warehouse file, with a clear error if there is none. It cannot
    touch other files (no read_csv of /etc, no COPY ... TO, no ATTACH) nor install or load extensions, and its
    settings are locked against SET."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist yet: run `make run` (or `regind refresh`) to build and publish the warehouse."
        )
    with _OPENING:  # threads of one process (the explorer's requests) open the file one at a time
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
        if not con.execute("select current_setting('lock_configuration')").fetchone()[0]:
            # not when this process has the file open already: DuckDB hands out that database, its settings locked
            con.execute("set enable_progress_bar = false; set lock_configuration = true")
    return con
