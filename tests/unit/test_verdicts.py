"""The ledger's records on an empty in-memory database: a verdict is read back as it was recorded and only for the
inputs it was reached on; the change log numbers each change."""

import duckdb
import pytest

from pipelines.core.ledger import Verdict, last_verdict, latest_verdict, log_change, record_check


@pytest.fixture
def con():
    return duckdb.connect()


def test_a_verdict_is_read_back_only_for_the_inputs_it_was_reached_on(con):
    record_check(con, "raw_gdp_valid", Verdict(False, True, "3 rows failed", "run-1", "f1", "b1"))

    assert last_verdict(con, "raw_gdp_valid", "f1") == Verdict(False, True, "3 rows failed", "run-1", "f1", "b1")
    assert last_verdict(con, "raw_gdp_valid", "f2") is None  # the inputs changed: validate again
    assert last_verdict(con, "another_check", "f1") is None


def test_a_load_not_checked_yet_is_no_verdict(con):
    record_check(con, "raw_gdp_valid", Verdict(True, False, "all rows passed", "run-2", "f2"))
    record_check(con, "raw_gdp_valid", Verdict(None, False, None, "run-3", "f3"))  # rows loaded, not checked

    latest = latest_verdict(con, "raw_gdp_valid")
    assert (latest.passed, latest.run_id, latest.fingerprint) == (True, "run-2", "f2")
    assert latest.summary == "all rows passed"


def test_each_change_gets_the_next_number_and_keeps_its_keys(con):
    log_change(con, "marts.gdp", "region_code", ["440300"])
    log_change(con, "marts.gdp")  # all of it

    assert con.execute("select seq, table_name, key_column, keys from audit.table_changes order by seq").fetchall() == [
        (1, "marts.gdp", "region_code", ["440300"]),
        (2, "marts.gdp", None, None),
    ]
