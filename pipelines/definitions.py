"""The Dagster code location: assets, checks, schedule and resources of the warehouse."""

import dagster as dg

from pipelines.assets import all_assets, all_checks, inputs, sources
from pipelines.progress import progress_logger
from pipelines.resources import Warehouse
from pipelines.review import review_candidates
from pipelines.schedules import nightly_refresh, refresh_warehouse
from pipelines.sensors import build_raw_files_sensor

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[refresh_warehouse, review_candidates],
    schedules=[nightly_refresh],
    sensors=[build_raw_files_sensor(sources, {name: i.source_tables for name, i in inputs.items()})],
    resources={"warehouse": Warehouse()},
    executor=dg.in_process_executor,  # one process writes the build database
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
