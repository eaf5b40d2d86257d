"""The Dagster code location: assets, checks, schedule and resources of the warehouse."""

import dagster as dg

from pipelines.assets import all_assets, all_checks
from pipelines.resources import Warehouse
from pipelines.schedules import nightly_refresh, refresh_warehouse

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[refresh_warehouse],
    schedules=[nightly_refresh],
    resources={"warehouse": Warehouse()},
    executor=dg.in_process_executor,  # one process writes the build database
)
