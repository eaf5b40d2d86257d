"""The lake publish (REGIND_TARGET=ducklake, lake.py here): after a refresh has published the warehouse file,
one writer per schema copies it into the lake, in parallel processes (the multiprocess executor), then one
transaction swaps the published schemas. The publish_lake job runs after every successful refresh (a run status
sensor), and `regind refresh` runs it itself."""

import fcntl
import os
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.core.paths import DEFAULT_WAREHOUSE_DIR
from pipelines.core.redaction import passwords, secrets_kept
from pipelines.core.resources import Warehouse, hold_run_lock, release_run_lock
from pipelines.publish import lake

PUBLISHED_FILE = dg.AssetKey("published_warehouse")
# how many writers at once: each is a process of its own, with one DuckDB connection to the lake
LAKE_WRITERS = int(os.environ.get("REGIND_LAKE_WRITERS", "4"))


class LakeWriter(dg.ConfigurableResource):
    """Where the lake is, and the warehouse file it is published from. Its writers share the run lock with each
    other (LOCK_SH): a refresh, which holds it alone, neither starts nor is started while they copy."""

    directory: str = str(DEFAULT_WAREHOUSE_DIR)
    # unset: REGIND_LAKE_CATALOG and REGIND_LAKE_DATA_PATH, read when the run starts. Not defaults read at import:
    # Dagster stores a resource's config, defaults included, with every run, and a catalog may carry a password
    catalog: str | None = None
    data_path: str | None = None

    @property
    def lake(self) -> lake.Lake:
        configured = lake.Lake.from_env()
        return lake.Lake(
            configured.catalog if self.catalog is None else self.catalog, self.data_path or configured.data_path
        )

    @property
    def files(self) -> Warehouse:
        """The warehouse directory's paths (build, published file, run lock), as the refresh names them."""
        return Warehouse(directory=self.directory)

    @property
    def published_path(self) -> Path:
        return self.files.published_path

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.catalog and passwords(self.catalog) and self.catalog != os.environ.get("REGIND_LAKE_CATALOG"):
            raise dg.Failure(
                "the lake_writer's catalog config carries a password, and Dagster keeps a run's config in its "
                "run history: leave the password to libpq (PGPASSWORD, a password file or a service file; "
                "README: Scaling out), or give the catalog as {env: REGIND_LAKE_CATALOG}.",
                allow_retries=False,
            )
        hold_run_lock(self.files.lock_path, fcntl.LOCK_SH, context)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        release_run_lock(self.files.lock_path)

    def published_fingerprint(self) -> str:
        """What the published file was built from (the build's record of its last publish): it names this
        publish's stage schemas, so a swap can only switch to stages of the file it is publishing."""
        build = self.files.build_path
        if not self.published_path.exists() or not build.exists():
            raise dg.Failure(
                f"nothing to publish to the lake: {self.published_path} does not exist; run refresh_warehouse first.",
                allow_retries=False,
            )
        with duckdb.connect(str(build), read_only=True) as con:
            row = con.execute("select fingerprint from audit.builds where target = 'published_warehouse'").fetchone()
        if not row:
            raise dg.Failure(
                "nothing to publish to the lake: the build has never published; run refresh_warehouse first.",
                allow_retries=False,
            )
        return row[0]


def publish_id(fingerprint: str) -> str:
    return fingerprint[:12]


def _already_published(writer: LakeWriter, fingerprint: str) -> dict | None:
    """The lake's latest publish when it is of this build already."""
    latest = lake.latest_publish(writer.lake)
    return latest if latest and latest.get("fingerprint") == fingerprint else None


def write_stage(context: dg.AssetExecutionContext, writer: LakeWriter, schema: str) -> dg.MaterializeResult:
    """One writer: the published file's schema into this publish's stage schema, unless the lake holds it already."""
    fingerprint = writer.published_fingerprint()
    if _already_published(writer, fingerprint):
        context.log.info(f"the lake's latest publish is this build already: {schema} not written again")
        return dg.MaterializeResult(metadata={"written": False})
    counts = lake.export_schema(
        writer.lake, writer.published_path, schema, publish_id(fingerprint), log=context.log.warning
    )
    return dg.MaterializeResult(
        metadata={
            "written": True,
            "stage_schema": lake.stage_schema(publish_id(fingerprint), schema),
            "tables": len(counts),
            "rows": int(sum(counts.values())),
            "pid": os.getpid(),
        }
    )


def swap_to_stages(context: dg.AssetExecutionContext, writer: LakeWriter) -> dg.MaterializeResult:
    """The swap: the lake's published schemas read this publish's stages, unless it holds this build already."""
    fingerprint = writer.published_fingerprint()
    if latest := _already_published(writer, fingerprint):
        context.log.info(f"the lake already holds this build (snapshot {latest['snapshot']}): nothing swapped")
        return dg.MaterializeResult(metadata={"swapped": False, "snapshot": latest["snapshot"]})
    snapshot = lake.swap(
        writer.lake,
        writer.published_path,
        publish_id(fingerprint),
        {"fingerprint": fingerprint, "run_id": context.run_id},
        log=context.log.warning,
    )
    with lake.read_lake(writer.lake, snapshot) as con:
        facts = con.execute("select count(*) from fact_observation").fetchone()[0]
    context.log.info(f"the lake's published schemas now read publish {publish_id(fingerprint)} (snapshot {snapshot})")
    return dg.MaterializeResult(
        metadata={
            "swapped": True,
            "snapshot": snapshot,
            "rows/fact_observation": int(facts),
            "catalog": writer.lake.shown,
            "data_path": writer.lake.data_path,
        }
    )


def build_schema_writer(schema: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["lake", schema],
        deps=["published_warehouse"],
        group_name="lake",
        kinds={"ducklake"},
        description=f"The published file's {schema} schema, copied into this publish's stage schema in the lake "
        f"(p<build>_{schema}). Runs beside the other schemas' writers.",
    )
    def write_schema(context: dg.AssetExecutionContext, lake_writer: LakeWriter) -> dg.MaterializeResult:
        with secrets_kept(lake_writer.lake.catalog):  # Dagster keeps a failed step's error in the event log
            return write_stage(context, lake_writer, schema)

    return write_schema


def build_lake_assets() -> list[dg.AssetsDefinition]:
    writers = [build_schema_writer(schema) for schema in lake.PUBLISHED_SCHEMAS]

    @dg.asset(
        key="published_lake",
        deps=[w.key for w in writers],
        group_name="lake",
        kinds={"ducklake", "postgres"},
        description="Swaps the lake's published schemas to this publish's stages in one transaction, and recreates the "
        "views. Readers see the last publish whole; a reader pinned to an earlier snapshot sees that one.",
    )
    def published_lake(context: dg.AssetExecutionContext, lake_writer: LakeWriter) -> dg.MaterializeResult:
        with secrets_kept(lake_writer.lake.catalog):
            return swap_to_stages(context, lake_writer)

    return [*writers, published_lake]


lake_assets = build_lake_assets()
publish_lake = dg.define_asset_job(
    name="publish_lake",
    selection=dg.AssetSelection.groups("lake"),
    description="Copy the published warehouse file into the DuckLake, one writer process per schema, then swap.",
    # a process per step, forked from a server that has imported the code location once
    executor_def=dg.multiprocess_executor.configured(
        {
            "max_concurrent": LAKE_WRITERS,
            "start_method": {"forkserver": {"preload_modules": ["pipelines.publish.publish_lake"]}},
        }
    ),
)


@dg.run_status_sensor(
    name="publish_lake_after_refresh",
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=publish_lake,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Publishes to the lake after every successful run that published the warehouse file: the nightly "
    "refresh, the raw-files sensor's runs, a materialization from the UI (REGIND_TARGET=ducklake).",
)
def publish_lake_after_refresh(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.job_name == "publish_lake" or run.asset_selection is not None and PUBLISHED_FILE not in run.asset_selection:
        return dg.SkipReason(f"run {run.run_id} ({run.job_name}) did not publish the warehouse file")
    return dg.RunRequest(run_key=run.run_id)


def resolved_publish_lake() -> dg.JobDefinition:
    """The publish_lake job alone, whichever target the code location was imported with: what `regind refresh` and
    the tests run, and what its step processes rebuild (reconstructable)."""
    return dg.Definitions(
        assets=lake_assets, jobs=[publish_lake], resources={"lake_writer": LakeWriter()}
    ).resolve_job_def("publish_lake")


def run_publish_lake(instance: dg.DagsterInstance, run_config: dict | None = None) -> "dg.ExecutionResult":
    """Run publish_lake with its multiprocess executor: the instance must be a persistent one (DAGSTER_HOME)."""
    job = dg.build_reconstructable_job("pipelines.publish.publish_lake", "resolved_publish_lake")
    return dg.execute_job(job, instance=instance, run_config=run_config or {}, raise_on_error=False)
