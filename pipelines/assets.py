"""The asset graph, built from data: source folders, their suites and the SQL files."""

import functools

import dagster as dg

from pipelines.build.consistency import consistency_check
from pipelines.build.transforms import (
    build_sql_assets,
    load_models,
    model_check_name,
    model_suite,
    table_key,
    tables_read,
)
from pipelines.core.resources import MACROS_SQL
from pipelines.ingest.descriptors import load_sources, raw_asset_key
from pipelines.ingest.sources import build_ingest_asset
from pipelines.prose.review import CATALOG_TABLES, TABLES as REVIEW_TABLES, documents
from pipelines.publish.publish import build_publish_asset
from pipelines.publish.report import report
from pipelines.validate.validation import CheckInputs, build_validation_checks

sources = load_sources()
models = load_models()
models_by_table = {m.qualified_name: m for m in models}

# every table the graph produces -> the asset producing it (the ingest asset defines valid.<table> and the
# tables its check fills, quarantine.<table> and warnings.<table>)
producers: dict[str, dg.AssetKey] = {
    **{t: raw_asset_key(s) for s in sources for t in (s.raw_table, s.valid_view, s.quarantine_table, s.warnings_table)},
    **{m.qualified_name: m.key for m in models},
    **{t: documents.key for t in REVIEW_TABLES},  # written by the documents asset (pipelines/prose/review.py)
}
# tables not from a source folder's files nor from SQL, and the landing-zone files they are a function of
# (their versions are in the load ledger under that name): review.* are read from data/raw/documents/
DERIVED_FROM = {t: "documents" for t in REVIEW_TABLES}


@functools.cache  # the graph's paths multiply: without it, importing the code location parsed SQL for 20 s
def _behind(table: str, through_checks: bool = False) -> tuple[frozenset[str], tuple[str, ...]]:
    """The source tables a table is built from, and the SQL of the models in between. through_checks: a source's
    valid rows also depend on what its check reads (a changed region history quarantines other observations)."""
    schema, name = table.split(".")
    model = models_by_table.get(table)
    if table in DERIVED_FROM:  # and the catalog the extractor read them against
        found = {DERIVED_FROM[table]}
        for read in CATALOG_TABLES:
            found |= _behind(read, through_checks)[0]
        return frozenset(found), ()
    if model is None:
        if through_checks and schema in ("valid", "quarantine", "warnings") and name in inputs:
            return frozenset({name} | set(inputs[name].source_tables)), ()
        return frozenset({name}), ()
    found, sql = set(), [model.sql]
    for read in sorted(model.reads):
        more, more_sql = _behind(read, through_checks)
        found |= more
        sql += more_sql
    return frozenset(found), tuple(sql)


def check_inputs(source) -> CheckInputs:
    """What a source's validation reads besides its own rows (its frame and parameter queries): raw lookup
    tables, or staging models (validated lookups) and the source tables behind them."""
    descriptor = f"data/raw/{source.name}/source.toml"  # where the parameter queries are written
    queries = [
        (source.frame_sql, source.frame_origin),
        *((q, descriptor) for q in source.validation_parameters.values()),
    ]
    read = set().union(*(tables_read(q, origin) for q, origin in queries))
    keys = {producers.get(t, table_key(t)) for t in read} - {raw_asset_key(source)}
    behind = [_behind(t) for t in sorted(read)]
    return CheckInputs(
        keys=sorted(keys, key=lambda k: k.to_user_string()),
        source_tables=frozenset(set().union(*(b[0] for b in behind)) - {source.name}),
        # with the macros the frame and the models may call
        model_sql=tuple(
            dict.fromkeys([*(sql for b in behind for sql in b[1]), MACROS_SQL.read_text(encoding="utf-8")])
        ),
    )


inputs = {s.name: check_inputs(s) for s in sources}

# The UI's asset groups follow the flow, left to right, with no edge back: reference data (regions, indicators,
# units, bounds, rules, and what is built from them alone), then review (documents' candidates, read against the
# reference, and the analyst's decisions), then the observations and all that is resolved from them (the
# indicators they register too), then the marts and the publish.
REVIEW_SOURCES = {"reviews"}  # the analyst's decisions on candidates
FACT_SOURCES = {"observations"}  # the figures; every other source table is reference data they are resolved against
REFERENCE_SOURCES = {s.name for s in sources} - FACT_SOURCES - REVIEW_SOURCES


def flow_group(key: dg.AssetKey) -> str:
    """The asset's group in the flow: reference, review, observations, marts, publish."""
    name = key.to_user_string()
    if name in {f"raw/{r}" for r in REVIEW_SOURCES} | {documents.key.to_user_string()}:
        return "review"
    if name.startswith("raw/"):
        return "reference" if name.removeprefix("raw/") in REFERENCE_SOURCES else "observations"
    model = next(m for m in models if m.key == key)
    if model.layer == "marts":
        return "marts"
    return "reference" if _behind(model.qualified_name)[0] <= REFERENCE_SOURCES else "observations"


# what each stage contributes to the code location (pipelines/definitions.py merges them)
ingest_assets = [build_ingest_asset(s, group=flow_group(raw_asset_key(s))) for s in sources]
validation_checks = [build_validation_checks(s, inputs[s.name]) for s in sources]
sql_assets = build_sql_assets(
    models,
    producers,
    built_from={m.name: frozenset(_behind(m.qualified_name, through_checks=True)[0]) for m in models},
    incremental={m.name: s for m in models for s in sources if s.name == m.incremental_source},
    group_of=flow_group,
)
publish_assets = [
    build_publish_asset(
        [m.key for m in models],
        [s.check_name for s in sources] + [model_check_name(m) for m in models if model_suite(m)],
    ),
    report,
]
prose_assets = [documents]  # group review

# each source's checks, and the consistency rules' summary of their findings (a warning, never blocking)
all_checks = [*validation_checks, consistency_check]
all_assets = [*ingest_assets, *sql_assets, *publish_assets, *prose_assets]
