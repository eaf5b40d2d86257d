"""The Dagster code location: what each stage of the flow contributes, merged (assets, checks, jobs, schedule)."""

import dagster as dg

from pipelines.assets import ingest_assets, inputs, prose_assets, publish_assets, sources, sql_assets, validation_checks
from pipelines.build.consistency import consistency_check
from pipelines.core.progress import progress_logger
from pipelines.core.resources import Warehouse
from pipelines.prose.review import review_candidates
from pipelines.publish.lake import target
from pipelines.schedules import nightly_refresh, refresh_warehouse
from pipelines.sensors import build_raw_files_sensor


def lake() -> dg.Definitions:
    """REGIND_TARGET=ducklake: the warehouse file is also published to the lake, by parallel writers
    (pipelines/publish/publish_lake.py); else nothing."""
    if target() != "ducklake":
        return dg.Definitions()
    from pipelines.publish.publish_lake import LakeWriter, lake_assets, publish_lake, publish_lake_after_refresh

    return dg.Definitions(
        assets=lake_assets,
        jobs=[publish_lake],
        sensors=[publish_lake_after_refresh],
        resources={"lake_writer": LakeWriter()},
    )


defs = dg.Definitions.merge(
    # ingest: one asset per source table; a run when its files change
    dg.Definitions(
        assets=ingest_assets,
        sensors=[build_raw_files_sensor(sources, {name: i.source_tables for name, i in inputs.items()})],
    ),
    # validate: each source table's suite, a blocking check
    dg.Definitions(asset_checks=validation_checks),
    # build: one asset per SQL file, in one step per group of the flow, and the consistency rules' summary
    dg.Definitions(assets=sql_assets, asset_checks=[consistency_check]),
    # prose: documents -> candidates, and the analyst's decisions from the Launchpad
    dg.Definitions(assets=prose_assets, jobs=[review_candidates]),
    # publish: the published file and the report, and the lake where it is the target
    dg.Definitions(assets=publish_assets),
    lake(),
    # the run: the nightly refresh of everything, in one process (one process writes the build database)
    dg.Definitions(
        jobs=[refresh_warehouse],
        schedules=[nightly_refresh],
        resources={"warehouse": Warehouse()},
        executor=dg.in_process_executor,
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    ),
)
