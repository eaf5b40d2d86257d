"""Fixtures: the whole asset graph materialized into temporary directories."""

import hashlib
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.assets import all_assets, all_checks
from pipelines.resources import DEFAULT_RAW_DIR, Warehouse


def refresh(warehouse: Warehouse) -> dg.ExecuteInProcessResult:
    """One full refresh, as the nightly job runs it, without raising on a failed step."""
    return dg.materialize([*all_assets, *all_checks], resources={"warehouse": warehouse}, raise_on_error=False)


def copy_raw(destination: Path) -> Path:
    """A writable copy of the embedded data/raw, for tests that break or add files."""
    return Path(shutil.copytree(DEFAULT_RAW_DIR, destination / "raw"))


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Warehouse:
    built = Warehouse(directory=str(tmp_path_factory.mktemp("warehouse")))  # with Data Docs, as in production
    result = refresh(built)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return built


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def published_once(tmp_path) -> Warehouse:
    """A warehouse published from the good data, with a writable copy of data/raw to change or break."""
    warehouse = Warehouse(raw_dir=str(copy_raw(tmp_path)), directory=str(tmp_path / "warehouse"), data_docs=False)
    assert refresh(warehouse).success
    return warehouse


@pytest.fixture()
def published(warehouse):
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        yield con
