"""The Dagster code location: assets, checks, schedule and resources of the warehouse."""

import dagster as dg

from pipelines.assets import all_assets, all_checks, inputs, sources
from pipelines.core.progress import progress_logger
from pipelines.core.resources import Warehouse
from pipelines.prose.review import review_candidates
from pipelines.publish.lake import target
from pipelines.schedules import nightly_refresh, refresh_warehouse
from pipelines.sensors import build_raw_files_sensor

# REGIND_TARGET=ducklake: the warehouse file is also published to the lake, by parallel writers
# (pipelines/publish/publish_lake.py)
if target() == "ducklake":
    from pipelines.publish.publish_lake import LakeWriter, lake_assets, publish_lake, publish_lake_after_refresh

    lake_defs = {
        "assets": lake_assets,
        "jobs": [publish_lake],
        "sensors": [publish_lake_after_refresh],
        "resources": {"lake_writer": LakeWriter()},
    }
else:
    lake_defs = {"assets": [], "jobs": [], "sensors": [], "resources": {}}

defs = dg.Definitions(
    assets=[*all_assets, *lake_defs["assets"]],
    asset_checks=all_checks,
    jobs=[refresh_warehouse, review_candidates, *lake_defs["jobs"]],
    schedules=[nightly_refresh],
    sensors=[
        build_raw_files_sensor(sources, {name: i.source_tables for name, i in inputs.items()}),
        *lake_defs["sensors"],
    ],
    resources={"warehouse": Warehouse(), **lake_defs["resources"]},
    executor=dg.in_process_executor,  # one process writes the build database
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
