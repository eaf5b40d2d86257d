"""The warehouse resource: where raw files are read from, the build database and the published file."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_WAREHOUSE_DIR = PROJECT_ROOT / "data" / "warehouse"


class Warehouse(dg.ConfigurableResource):
    """Only the pipeline writes, and only to `build.duckdb`; analysts read `warehouse.duckdb`,
    which the publish step replaces atomically."""

    raw_dir: str = str(DEFAULT_RAW_DIR)
    directory: str = str(DEFAULT_WAREHOUSE_DIR)
    data_docs: bool = True  # regenerate Great Expectations Data Docs in <directory>/docs after each check

    @property
    def build_path(self) -> Path:
        return Path(self.directory) / "build.duckdb"

    @property
    def published_path(self) -> Path:
        return Path(self.directory) / "warehouse.duckdb"

    @property
    def docs_path(self) -> Path:
        """Great Expectations Data Docs: open index.html in a browser."""
        return Path(self.directory) / "docs"

    @property
    def gx_state_path(self) -> Path:
        return Path(self.directory) / "gx_state"

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the build database."""
        Path(self.directory).mkdir(parents=True, exist_ok=True)
        with DuckDBResource(database=str(self.build_path)).get_connection() as con:
            con.execute("set enable_progress_bar = false")
            yield con


def read_published(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published warehouse file, with a clear error if there is none."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist yet: run `make run` to build and publish the warehouse.")
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set enable_progress_bar = false")
    return con
