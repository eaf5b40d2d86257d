"""The asset graph, built from data: source folders, their suites and the SQL files."""

import dagster as dg

from pipelines.publish import build_publish_asset
from pipelines.report import report
from pipelines.sources import build_ingest_asset, load_sources, raw_asset_key
from pipelines.transforms import build_sql_asset, load_models, table_key, tables_read
from pipelines.validation import build_validation_checks

sources = load_sources()
models = load_models()

# every table the graph produces -> the asset producing it (the ingest asset defines valid.<table> too)
producers: dict[str, dg.AssetKey] = {
    **{s.raw_table: raw_asset_key(s) for s in sources},
    **{s.valid_view: raw_asset_key(s) for s in sources},
    **{m.qualified_name: m.key for m in models},
}


def _lookup_keys(source) -> list[dg.AssetKey]:
    """Other raw tables a source's validation reads (its frame and parameter queries)."""
    queries = [source.frame_sql, *source.validation_parameters.values()]
    read = set().union(*(tables_read(q, f"data/raw/{source.name}/source.toml") for q in queries))
    return sorted({table_key(t) for t in read} - {raw_asset_key(source)}, key=lambda k: k.to_user_string())


all_checks = [build_validation_checks(s, _lookup_keys(s)) for s in sources]
all_assets = [
    *(build_ingest_asset(s) for s in sources),
    *(build_sql_asset(m, producers) for m in models),
    build_publish_asset([m.key for m in models], [s.check_name for s in sources]),
    report,
]
