"""The nightly refresh: 02:00 Asia/Shanghai, running by default, over every asset."""

import dagster as dg

from pipelines.definitions import defs


def test_nightly_schedule():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == "refresh_warehouse"


def test_refresh_job_runs_every_asset_and_check(tmp_path):
    from pipelines.core.resources import Warehouse

    job = defs.resolve_job_def("refresh_warehouse")
    result = job.execute_in_process(resources={"warehouse": Warehouse(directory=str(tmp_path))})
    graph = defs.resolve_asset_graph()
    assert {e.asset_key for e in result.get_asset_materialization_events()} == set(graph.get_all_asset_keys())
    assert {e.asset_check_key for e in result.get_asset_check_evaluations()} == set(graph.asset_check_keys)
    assert (tmp_path / "warehouse.duckdb").exists()
