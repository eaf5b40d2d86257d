"""The load ledger and the validation history: what was loaded, when, and what the checks found."""

import duckdb
import pytest

from pipelines.core.resources import Warehouse
from tests.conftest import copy_published, copy_raw, refresh

SEED = "observations/2024-02_newspaper_regional_page.csv"


@pytest.fixture()
def local(tmp_path, template) -> Warehouse:
    """A copy of the session's published template (data/raw loaded once, its ledger holding one version per file):
    cheaper than a refresh from nothing for the tests that start from data already loaded."""
    return copy_published(template, tmp_path)


@pytest.fixture()
def unbuilt(tmp_path) -> Warehouse:
    """A warehouse not built yet, on a copy of data/raw: for the test that counts every validation run it saw."""
    return Warehouse(raw_dir=str(copy_raw(tmp_path)), directory=str(tmp_path / "warehouse"), data_docs=False)


def ledger(warehouse: Warehouse, file: str = SEED) -> list[tuple]:
    with duckdb.connect(str(warehouse.build_path), read_only=True) as con:
        return con.execute(
            "select sha256, size_bytes, rows, first_loaded_at, last_loaded_at, last_seen_at, removed_at "
            "from audit.load_ledger where file = ? order by first_loaded_at, sha256",
            [file],
        ).fetchall()


def loaded_at(warehouse: Warehouse) -> set:
    with duckdb.connect(str(warehouse.build_path), read_only=True) as con:
        return {r[0] for r in con.execute("select distinct _ingested_at from raw.observations").fetchall()}


def test_an_unchanged_file_is_not_loaded_twice(local):
    (first,) = ledger(local)
    stamps = loaded_at(local)

    result = refresh(local)

    assert result.success
    (again,) = ledger(local)
    assert again[:5] == first[:5]  # same version, same first and last load
    assert again[5] > first[5]  # seen again
    assert loaded_at(local) == stamps  # rows not re-read
    (ingest,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "raw/observations"
    ]
    metadata = ingest.materialization.metadata
    assert metadata["files_loaded"].value == [] and metadata["files_unchanged"].value == 1


def test_a_changed_file_is_a_new_version_and_the_ledger_keeps_both(local, tmp_path):
    path = tmp_path / "raw" / SEED
    path.write_text(path.read_text(encoding="utf-8").replace("34606.40", "34606.50"), encoding="utf-8")

    assert refresh(local).success

    old, new = ledger(local)
    assert old[0] != new[0] and old[2] == new[2] == 93
    assert new[3] > old[3]
    with duckdb.connect(str(local.published_path), read_only=True) as con:
        gdp = con.execute(
            "select value from v_observation where indicator_code = 'gdp' and period_code = '2023'"
        ).fetchall()
        versions = con.execute("select count(distinct _file_sha256) from raw.observations").fetchone()[0]
    assert gdp == [(3.46065e12,)] and versions == 1


def test_a_removed_file_leaves_the_warehouse_and_stays_in_the_ledger(local, tmp_path):
    extra = tmp_path / "raw" / "observations" / "zz_more.csv"
    extra.write_text(
        "region_code,indicator_code,period,value,source_code\n511502,gdp,2023,1000.5,2024-02_newspaper_regional_page\n",
        encoding="utf-8",
    )
    assert refresh(local).success
    extra.unlink()

    assert refresh(local).success

    (entry,) = ledger(local, "observations/zz_more.csv")
    assert entry[6] is not None  # removed_at
    with duckdb.connect(str(local.published_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.observations where _file like '%zz_more%'").fetchone()[0] == 0


@pytest.mark.slow  # builds a warehouse of its own
def test_validation_history_keeps_every_expectation_with_a_sample(unbuilt, tmp_path):
    with (tmp_path / "raw" / SEED).open("a", encoding="utf-8") as f:
        f.write("999999,gdp,2023,1.0,亿元,,,,\n")
    assert refresh(unbuilt).success
    with (tmp_path / "raw" / SEED).open("a", encoding="utf-8") as f:
        f.write("440300,gdp,2022,32387.68,亿元,,,,\n")
    assert refresh(unbuilt).success

    with duckdb.connect(str(unbuilt.published_path), read_only=True) as con:
        runs = con.execute(
            "select count(distinct run_id) from audit.validation_results where source_table = 'observations'"
        ).fetchone()[0]
        failed = con.execute(
            "select expectation, columns, unexpected_count, unexpected_sample from audit.validation_results "
            "where source_table = 'observations' and not success order by validated_at desc limit 1"
        ).fetchone()
        suites = {r[0] for r in con.execute("select distinct suite from audit.validation_results").fetchall()}
    assert runs == 2
    assert failed == (
        "expect_column_values_to_be_null",
        "_region_in_period",
        1,
        ["_region_in_period='no region has the code 999999'"],
    )
    assert suites == {
        "observations",
        "regions",
        "indicators",
        "sources",
        "units",
        "qualifiers",
        "entities",
        "bounds",
        "region_code_revisions",
        "region_codes_2023",
        "rules",
        "reviews",
        "indicator_mappings",
    }


def test_data_docs_show_every_table(warehouse):
    """The session warehouse builds with Data Docs on, as `make run` does."""
    import re

    index = (warehouse.docs_path / "index.html").read_text(encoding="utf-8")
    suites = set(re.findall(r"validations/(\w+)/", index))
    assert suites == {
        "observations",
        "regions",
        "indicators",
        "sources",
        "units",
        "qualifiers",
        "entities",
        "bounds",
        "region_code_revisions",
        "region_codes_2023",
        "rules",
        "reviews",
        "indicator_mappings",
    }
    assert all(list((warehouse.docs_path / "validations" / s).rglob("*.html")) for s in suites)


def test_unchanged_inputs_keep_their_verdict_and_quarantine_without_revalidating(local, tmp_path):
    with (tmp_path / "raw" / SEED).open("a", encoding="utf-8") as f:
        f.write("999999,gdp,2023,1.0,亿元,,,,\n")
    first = refresh(local)
    again = refresh(local)

    assert again.success

    def expectations(result):
        (found,) = [
            e
            for e in result.get_asset_check_evaluations()
            if e.asset_key.to_user_string() == "raw/observations" and e.check_name == "expectations"
        ]
        return found

    assert expectations(first).metadata["revalidated"].value is True
    assert expectations(again).metadata["revalidated"].value is False
    assert (expectations(again).passed, expectations(again).severity) == (
        expectations(first).passed,
        expectations(first).severity,
    )
    assert expectations(again).description == expectations(first).description
    with duckdb.connect(str(local.published_path), read_only=True) as con:
        assert con.execute("select _line from quarantine.observations").fetchall() == [(95,)]


def test_the_audit_tables_are_made_once_and_migrated(tmp_path):
    """sql/audit.sql (ensure_audit): every audit.* table on a new database; run again it writes nothing and keeps the
    build's identity; on an older database it adds the columns added since, at the end of each table."""
    from pipelines.core.ledger import ensure_audit

    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create schema audit; create table audit.check_results (run_id varchar, check_name varchar, "
            "passed boolean, blocks_publish boolean, checked_at timestamptz default current_timestamp)"
        )
        ensure_audit(con)
        (identity,) = con.execute("select id from audit.build_identity").fetchone()
        tables = {
            t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'audit'").fetchall()
        }
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where table_name = 'check_results' order by column_index"
            ).fetchall()
        ]
    assert tables == {
        "macros",
        "load_ledger",
        "validated_versions",
        "validation_results",
        "check_results",
        "builds",
        "table_metadata",
        "table_changes",
        "generations",
        "build_identity",
    }
    assert columns[-3:] == ["fingerprint", "summary", "base_fingerprint"]
    with duckdb.connect(str(path)) as con:
        ensure_audit(con)
        assert con.execute("select id from audit.build_identity").fetchall() == [(identity,)]
        assert not path.with_name("build.duckdb.wal").exists()  # nothing to write: no checkpoint at close
