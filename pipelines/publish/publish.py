"""The atomic publish: bring a published generation up to date with the build (generations.py here), verify it,
then link it in as warehouse.duckdb with one rename."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.core.ledger import build_fingerprint, ensure_audit, last_build, record_build
from pipelines.core.metadata import table_metadata
from pipelines.core.resources import Warehouse
from pipelines.publish.generations import copy_generation, link_published, next_generation, sync_generation

CONTRACT_TABLES = ["dim_region", "dim_indicator", "dim_period", "dim_source", "fact_observation", "v_observation"]


def blocking_failures(con: duckdb.DuckDBPyConnection, checks: list[str]) -> list[str]:
    """Checks whose latest verdict blocks the publish, or that have never run on this build."""
    ensure_audit(con)
    latest = dict(
        con.execute(
            "select check_name, arg_max(blocks_publish, checked_at) from audit.check_results group by 1"
        ).fetchall()
    )
    return [c for c in checks if latest.get(c, True)]


def verify_contract(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The rows of each table of the contract in the file `con` reads, or an error when one is missing or there is no
    fact."""
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
    missing = [t for t in CONTRACT_TABLES if t not in present]
    if missing:
        raise RuntimeError(f"not publishing: the build lacks {', '.join(missing)}; materialize every asset first.")
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTRACT_TABLES}
    if counts["fact_observation"] == 0:
        raise RuntimeError("not publishing: fact_observation is empty.")
    return counts


def build_publish_asset(upstream: list[dg.AssetKey], checks: list[str]) -> dg.AssetsDefinition:
    @dg.asset(
        key="published_warehouse",
        deps=upstream,
        group_name="publish",
        kinds={"duckdb"},
        description="Replaces data/warehouse/warehouse.duckdb atomically with the build's tables and views, only when "
        "every source table's blocking check passed, writing only what changed. Analysts open that file read-only.",
    )
    def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            failing = blocking_failures(con, checks)
            if failing:
                raise dg.Failure(
                    description=f"not publishing: blocking check(s) failed or not run on this build: "
                    f"{', '.join(failing)}. The published warehouse is unchanged; fix the source files and refresh.",
                    allow_retries=False,
                )
            fingerprint = build_fingerprint(con, Path(warehouse.raw_dir))
            republish = not (
                warehouse.published_path.exists() and last_build(con, "published_warehouse") == fingerprint
            )
            written = _bring_up_to_date(context, con, warehouse) if republish else None
        # the file analysts get, verified and described before it is linked in, in one connection (opening it
        # costs ~50 ms of a small refresh's ~6 s)
        with duckdb.connect(str(written["generation"] if written else warehouse.published_path), read_only=True) as con:
            counts = verify_contract(con)
            facts = table_metadata(con, "fact_observation")
        if written:
            _link_in(context, warehouse, written["generation"], fingerprint)
        if republish:
            context.log.info(f"published {warehouse.published_path}: {counts}")
        else:
            context.log.info("nothing changed since the last publish: the published warehouse stands")
        return dg.MaterializeResult(metadata=_metadata(warehouse, facts, counts, written))

    return published_warehouse


def _bring_up_to_date(context, con, warehouse: Warehouse) -> dict:
    """The older published generation, brought up to date with the build: what was written, and how."""
    generation = next_generation(warehouse.published_path)
    written = sync_generation(con, generation, warehouse.build_path, log=context.log.info)
    context.log.info(
        f"{generation.name} brought up to date: {len(written['whole'])} table(s) written whole "
        f"({', '.join(written['whole'][:8])}{' ...' if len(written['whole']) > 8 else ''}), "
        f"{len(written['by_key'])} by the rows that changed ({', '.join(written['by_key'])}), "
        f"{written['checked']} compared by checksum"
    )
    return {**written, "generation": generation}


def _link_in(context, warehouse: Warehouse, generation: Path, fingerprint: str) -> None:
    """The generation (verified) linked in as warehouse.duckdb, and recorded as published."""
    link_published(generation, warehouse.published_path)
    with warehouse.connect() as con:  # only once the file is in place: a killed publish is redone
        record_build(con, "published_warehouse", fingerprint)
        if copy_generation(con, generation, warehouse.published_path):
            context.log.info("the other published generation starts as a copy of this one")


def _metadata(warehouse: Warehouse, facts: dict, counts: dict, written: dict | None) -> dict:
    return {
        **facts,  # the row count, schema and preview of its fact table
        "table": "fact_observation (and every table of the contract: see rows/*)",
        "path": dg.MetadataValue.path(str(warehouse.published_path)),
        "size_bytes": warehouse.published_path.stat().st_size,
        "republished": written is not None,
        **(
            {"tables_written_whole": len(written["whole"]), "tables_written_by_key": ", ".join(written["by_key"])}
            if written
            else {}
        ),
        **{f"rows/{t}": int(n) for t, n in counts.items()},
    }
