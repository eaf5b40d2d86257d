"""REGIND_DUCKDB_THREADS: how many threads the build database's DuckDB works on."""

import pytest

from pipelines.core.resources import Warehouse


def threads_of(tmp_path) -> int:
    with Warehouse(directory=str(tmp_path)).connect() as con:
        return con.execute("select current_setting('threads')").fetchone()[0]


def test_the_build_connection_takes_the_threads_asked_for_and_duckdbs_default_without(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIND_DUCKDB_THREADS", "1")
    assert threads_of(tmp_path) == 1
    monkeypatch.setenv("REGIND_DUCKDB_THREADS", "3")
    assert threads_of(tmp_path) == 3
    monkeypatch.delenv("REGIND_DUCKDB_THREADS")
    import duckdb

    assert threads_of(tmp_path) == duckdb.connect().execute("select current_setting('threads')").fetchone()[0]


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_number_of_threads_that_is_not_one_or_more_is_refused_with_the_variable_named(tmp_path, monkeypatch, value):
    monkeypatch.setenv("REGIND_DUCKDB_THREADS", value)
    with pytest.raises(ValueError, match=r"REGIND_DUCKDB_THREADS=.*whole number of threads"):
        threads_of(tmp_path)
