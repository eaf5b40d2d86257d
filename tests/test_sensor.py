"""The raw-files sensor: new and changed files request a run of what they feed; an unchanged tree, nothing."""

import os

import dagster as dg

from pipelines.assets import inputs, sources
from pipelines.definitions import defs
from pipelines.sensors import build_raw_files_sensor
from tests.conftest import copy_raw

SEED = "observations/2024-02_newspaper_regional_page.csv"


def evaluate(raw, cursor=None):
    # the project's sensor, looking at a copy of data/raw
    sensor = build_raw_files_sensor(sources, {name: i.source_tables for name, i in inputs.items()}, raw)
    return sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor, definitions=defs))


def requested_keys(tick) -> set[str]:
    (request,) = tick.run_requests
    return {k.to_user_string() for k in request.asset_selection}


def test_sensor_runs_by_default():
    assert defs.resolve_sensor_def("raw_files_sensor").default_status == dg.DefaultSensorStatus.RUNNING


def test_new_changed_and_unchanged_files(tmp_path):
    raw = copy_raw(tmp_path)
    first = evaluate(raw)  # a first look: everything is new
    assert "raw/observations" in requested_keys(first) and "published_warehouse" in requested_keys(first)

    unchanged = evaluate(raw, first.cursor)
    assert unchanged.run_requests == [] and "no new, changed or removed files" in unchanged.skip_message
    assert unchanged.cursor in (None, first.cursor)

    (raw / "observations" / "zz_new.csv").write_text(
        "region_code,indicator_code,period,value\n440300,gdp,2022,32387.68\n", encoding="utf-8"
    )
    new = evaluate(raw, first.cursor)
    keys = requested_keys(new)
    assert {
        "raw/observations",
        "staging/stg_observations",
        "fact_observation",
        "v_observation",
        "published_warehouse",
    } <= keys
    assert "raw/regions" not in keys and "staging/stg_regions" not in keys  # only what the new file feeds
    assert new.run_requests[0].tags["regind/changed_files"] == "observations/zz_new.csv"

    regions = raw / "regions" / "regions.csv"
    regions.write_text(
        regions.read_text(encoding="utf-8") + "440100,广州市,Guangzhou,prefecture,440000,,\n", encoding="utf-8"
    )
    changed = evaluate(raw, new.cursor)
    assert {"raw/regions", "dim_region", "published_warehouse"} <= requested_keys(changed)
    # observations are validated against the regions: their check runs again, with the tables it feeds
    assert {"raw/observations", "staging/stg_observations"} <= requested_keys(changed)
    assert "raw/units" not in requested_keys(changed)

    (raw / "documents" / "bulletin.md").write_text(
        "# 嘉兴市2025年统计公报\n\n全年地区生产总值7865.32亿元。\n", encoding="utf-8"
    )
    document = evaluate(raw, changed.cursor)
    assert {"review/candidates", "staging/stg_observations", "published_warehouse"} <= requested_keys(document)
    assert "raw/observations" not in requested_keys(document)
    changed = document

    os.remove(raw / "observations" / "zz_new.csv")
    removed = evaluate(raw, changed.cursor)
    assert "raw/observations" in requested_keys(removed)
    assert evaluate(raw, removed.cursor).run_requests == []
