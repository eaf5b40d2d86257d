"""`regind`: queries bound and read-only, every output format, tables, describe and status."""

import json

import pyarrow.parquet as pq
import pytest

from pipelines.cli.main import main
from tests.conftest import sha256

PROFILE = "sql/queries/region_profile.sql"


@pytest.fixture()
def run(warehouse, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--database", str(warehouse.published_path)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_a_saved_query_takes_a_bound_parameter(run, tmp_path):
    code, out, _ = run("query", "-f", PROFILE, "--param", "region=370215", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith('"period_code","indicator_code"')
    assert len(lines) == 1 + 17 and all('"Jimo' not in line for line in lines)  # Jimo's 17 figures, nothing else


def test_a_parameter_is_never_pasted_into_the_sql(run):
    code, out, _ = run("query", "-f", PROFILE, "--param", "region=440300' or '1'='1", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_a_missing_or_unknown_parameter_is_named(run):
    code, _, err = run("query", "-f", PROFILE)
    assert code == 2 and "needs --param region=VALUE" in err
    code, _, err = run("query", "-f", PROFILE, "--param", "region=440300", "--param", "year=2023")
    assert code == 2 and "has no parameter year (it takes: region)" in err


def test_json_and_parquet_outputs_hold_the_same_rows(run, tmp_path):
    sql = (
        "select indicator_code, value from v_observation where region_code = '440300' and period_code = '2023' "
        "order by 1"
    )
    code, _, _ = run("query", sql, "--format", "json", "--output", str(tmp_path / "out.json"))
    assert code == 0
    records = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    code, _, err = run("query", sql, "--format", "parquet", "-o", str(tmp_path / "out.parquet"))
    assert code == 0 and "wrote" in err
    assert pq.read_table(tmp_path / "out.parquet").to_pylist() == records
    assert {"indicator_code": "gdp", "value": 3.46064e12} in records


def test_the_table_format_is_aligned_with_a_header(run):
    code, out, _ = run("query", "select region_code, name_en from dim_region where region_code = '440300'")
    assert code == 0
    assert "region_code" in out and "Shenzhen" in out and "│" in out


@pytest.mark.parametrize(
    "sql, refused",
    [
        ("insert into dim_source (source_code) values ('x')", "INSERT is refused"),
        ("delete from fact_observation", "DELETE is refused"),
        ("attach '/tmp/other.duckdb' as other", "ATTACH is refused"),
        ("copy fact_observation to '/tmp/leak.csv'", "COPY is refused"),
        ("install excel", "LOAD is refused"),
        ("load excel", "LOAD is refused"),
        ("set enable_external_access = true", "SET is refused"),
        ("select 1; drop table fact_observation", "one statement at a time"),
    ],
)
def test_writes_and_escapes_are_refused_and_the_file_is_untouched(run, warehouse, sql, refused):
    before = sha256(warehouse.published_path)
    code, _, err = run("query", sql)
    assert code == 2 and refused in err
    assert sha256(warehouse.published_path) == before


def test_a_select_cannot_read_other_files(run):
    code, _, err = run("query", "select * from read_csv('/etc/passwd')")
    assert code == 1 and "PermissionException" in err


def test_tables_lists_the_star_schema_with_row_counts(run):
    code, out, _ = run("tables")
    assert code == 0
    for name in ("fact_observation", "dim_region", "v_observation", "quarantine.observations"):
        assert name in out
    assert "Observations typed and in base units" in out or "staging.stg_observations" in out


def test_describe_shows_columns_types_and_meaning(run):
    code, out, _ = run("describe", "fact_observation")
    assert code == 0
    assert "fact_observation: 93 rows" in out and "value" in out and "DOUBLE" in out
    code, _, err = run("describe", "no_such_table")
    assert code == 2 and "no table no_such_table" in err and "dim_region" in err


def test_status_shows_checks_and_quarantine(run):
    code, out, _ = run("status")
    assert code == 0
    assert "14 passed, 0 failed" in out or "passed" in out
    assert "raw/observations:expectations" in out or "observations" in out
    assert "quarantine" in out.lower()


def test_status_reads_the_ledger_without_starting_dagster(warehouse):
    """`regind status` reads verdicts from the audit trail (core/ledger.py): the orchestrator is not imported."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pipelines.cli.main import main\n"
        f"code = main(['status', '--database', {str(warehouse.published_path)!r}])\n"
        "print('dagster imported:', 'dagster' in sys.modules, 'code:', code)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "dagster imported: False code: 0" in out


def test_a_failed_step_is_told_by_its_cause_not_dagsters_wrapper():
    import dagster as dg

    from pipelines.cli.refresh import step_failures

    @dg.asset
    def broken() -> None:
        raise ValueError("observations/x.csv, line 3: the period is not a year; write it as 2023")

    result = dg.materialize([broken], raise_on_error=False)
    assert step_failures(result) == [
        ("broken", "ValueError: observations/x.csv, line 3: the period is not a year; write it as 2023")
    ]
