"""The nightly refresh of every asset, and the job behind it."""

import dagster as dg

refresh_warehouse = dg.define_asset_job(
    name="refresh_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("lake"),
    description="Ingest every source table, run its checks, rebuild the star schema and publish it (to the lake: "
    "the publish_lake job, which follows).",
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Refreshes the whole warehouse every night at 02:00 Asia/Shanghai (runs while the Dagster daemon runs)."
    ),
)
