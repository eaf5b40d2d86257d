"""New or changed raw files -> a run of the assets they feed; an unchanged tree requests nothing."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.core.paths import DEFAULT_RAW_DIR
from pipelines.ingest.descriptors import SourceTable, raw_asset_key
from pipelines.ingest.read import file_name, source_files
from pipelines.prose.review import document_files, documents as documents_asset


def fingerprint(sources: list[SourceTable], raw_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of every data file: cheap enough to take every 30 seconds. The ingest
    then compares sha256, so a touched but unchanged file costs one hash, not a reload."""
    named = []
    for source in sources:
        try:
            named += [(file_name(source, path, raw_dir), path) for path in source_files(source, raw_dir)]
        except Exception:  # an empty folder is the ingest's error to report, not the sensor's
            continue
    # documents/<file>: read by the review/candidates asset
    named += [(path.relative_to(raw_dir).as_posix(), path) for path in document_files(raw_dir)]
    prints = {}
    for name, path in named:
        stat, sidecar = path.stat(), path.with_name(path.name + ".toml")
        prints[name] = [stat.st_size, stat.st_mtime_ns, sidecar.stat().st_mtime_ns if sidecar.exists() else 0]
    return prints


def refreshed_by(
    changed: list[str], sources: list[SourceTable], check_reads: dict[str, frozenset[str]]
) -> tuple[list[str], dg.AssetSelection]:
    """What a change to these files of data/raw (<table>/<file>) refreshes: their tables, the tables whose
    validation reads them (a changed lookup table means their rows are validated again), and everything downstream,
    publish included, but not the lake's writers (a job of their own, after this run: publish/publish_lake.py)."""
    changed_tables = {name.split("/")[0] for name in changed}
    tables = sorted(changed_tables | {t for t, reads in check_reads.items() if reads & changed_tables})
    keys = [raw_asset_key(s) for s in sources if s.name in tables] + (
        [documents_asset.key] if "documents" in tables else []
    )
    return tables, dg.AssetSelection.assets(*keys).downstream() - dg.AssetSelection.groups("lake")


def build_raw_files_sensor(
    sources: list[SourceTable], check_reads: dict[str, frozenset[str]] | None = None, raw_dir: Path = DEFAULT_RAW_DIR
) -> dg.SensorDefinition:
    """check_reads: per source table, the other source tables its validation reads (a changed lookup table
    means its rows are validated again, so its check runs too)."""
    check_reads = check_reads or {}

    # no Warehouse resource here: initialising it takes the run lock, which a sensor must never wait for
    @dg.sensor(
        name="raw_files_sensor",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        target=dg.AssetSelection.all() - dg.AssetSelection.groups("lake"),
        description="Every 30 s, looks for new, changed or removed files in data/raw/<table>/ (and documents in "
        "data/raw/documents/) and requests a run "
        "of the tables they feed and everything downstream, publish included. Its cursor remembers each file's "
        "size and modification time, so an unchanged tree requests nothing.",
    )
    def raw_files_sensor(context: dg.SensorEvaluationContext):
        now = fingerprint(sources, raw_dir)
        before = json.loads(context.cursor) if context.cursor else {}
        changed = sorted(name for name in now.keys() | before.keys() if now.get(name) != before.get(name))
        if not changed:
            return dg.SkipReason(f"no new, changed or removed files among {len(now)} in {raw_dir}")
        tables, selection = refreshed_by(changed, sources, check_reads)
        context.log.info(f"changed: {', '.join(changed)} -> refreshing {', '.join(tables)} and downstream")
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key="raw-files-" + hashlib.sha1(json.dumps(now, sort_keys=True).encode()).hexdigest()[:12],
                    asset_selection=list(selection.resolve(context.repository_def.asset_graph)),
                    tags={"regind/changed_files": ", ".join(changed)[:1000]},
                )
            ],
            cursor=json.dumps(now, sort_keys=True),
        )

    return raw_files_sensor
