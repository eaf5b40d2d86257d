"""The nightly refresh: 02:00 Asia/Shanghai, running by default, over every asset."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs


def test_nightly_schedule():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == "refresh_warehouse"


def test_refresh_job_runs_every_asset_and_check(published_once):
    """On a copy of the published template with one figure changed: the job runs everything and publishes it (a
    build from nothing is test_pipeline's)."""
    seed = Path(published_once.raw_dir) / "observations" / "2024-02_newspaper_regional_page.csv"
    seed.write_text(seed.read_text(encoding="utf-8").replace("34606.40", "34606.50"), encoding="utf-8")

    job = defs.resolve_job_def("refresh_warehouse")
    result = job.execute_in_process(resources={"warehouse": published_once})
    graph = defs.resolve_asset_graph()
    assert {e.asset_key for e in result.get_asset_materialization_events()} == set(graph.get_all_asset_keys())
    assert {e.asset_check_key for e in result.get_asset_check_evaluations()} == set(graph.asset_check_keys)
    with duckdb.connect(str(published_once.published_path), read_only=True) as con:
        assert con.execute(
            "select value from v_observation where indicator_code = 'gdp' and period_code = '2023'"
        ).fetchall() == [(3.46065e12,)]
