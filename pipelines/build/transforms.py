"""sql/<layer>/*.sql -> one asset per file; its dependencies are the tables its SQL reads (sqlglot)."""

import contextlib
import functools
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import sqlglot
from sqlglot import exp

from pipelines.core.ledger import (
    build_fingerprint,
    file_states,
    last_build_state,
    loaded_versions,
    log_change,
    record_build,
)
from pipelines.core.metadata import table_metadata
from pipelines.core.paths import PROJECT_ROOT
from pipelines.core.resources import DISABLED_OPTIMIZERS, DUCKDB_MEMORY_LIMIT, Warehouse

SQL_DIR = PROJECT_ROOT / "sql"
# folder -> (schema the files build into, Dagster group)
LAYERS = {"staging": "staging", "warehouse": "main", "marts": "main"}
# a model incremental by region and rule reading more figures than this is built in full in batches of regions:
# at 30M random rows (13.5M figures) consistency_finding ran out of its 1 GB in one go, and in batches of 5M
SCOPE_BATCH_FIGURES = 2_000_000


@dataclass(frozen=True)
class SqlModel:
    name: str
    layer: str
    path: Path
    sql: str

    @property
    def schema(self) -> str:
        return LAYERS[self.layer]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_view(self) -> bool:
        return self.name.startswith("v_")

    @property
    def key(self) -> dg.AssetKey:
        return table_key(self.qualified_name)

    def directive(self, name: str) -> str | None:
        """What follows `-- <name>` on a comment line of the SQL (a build directive), or None without one."""
        match = re.search(rf"^--\s*{name}\b:?\s*(.*)$", self.sql, flags=re.MULTILINE)
        return match.group(1).strip() if match else None

    @property
    def incremental_source(self) -> str | None:
        """`-- incremental by file of <source table>`: each row comes from one row of that source's files and carries
        its `_file`, so when only those files change, only their rows are rebuilt."""
        match = re.match(r"\w+", self.directive("incremental by file of") or "")
        return match.group(0) if match and not self.is_view else None

    @property
    def scope(self) -> tuple[str, str, str] | None:
        """`-- incremental by region and rule of <source table>, through <scope table> and <figures>`: each row is one
        rule's (rule_key) on one region's figures (region_code), read from temp.scope_figure (a table of the figures,
        which are a view). The scope table has a checksum per region and indicator, and when only the source's files
        change, only the rows of regions and rules whose figures changed are rebuilt (see define_scope)."""
        value = self.directive("incremental by region and rule of")
        if value is None or self.is_view:
            return None
        match = re.match(r"(\w+), through (\w+) and (\w+)", value)
        if not match:
            raise ValueError(
                f"sql/{self.layer}/{self.path.name}: write the directive as `-- incremental by region and rule of "
                f"<source table>, through <scope table> and <figures view>`, not `{value}`"
            )
        return match.group(1), f"main.{match.group(2)}", f"main.{match.group(3)}"

    def settings(self) -> list[str]:
        """DuckDB settings while it builds, from `-- duckdb chooses join sides` (the build-side optimizer on: build
        connections turn it off, see pipelines/core/resources.py) and `-- duckdb memory limit: 1GB` (the default is
        DUCKDB_MEMORY_LIMIT), for queries that need them at 10 million rows."""
        settings = ["set disabled_optimizers = ''"] if self.directive("duckdb chooses join sides") is not None else []
        limit = self.directive("duckdb memory limit")
        size = re.match(r"[\w.]+", limit or "")
        return settings + ([f"set memory_limit = '{size.group(0)}'"] if size else [])

    @functools.cached_property
    def reads(self) -> set[str]:
        """The tables it is built from: those its SQL reads, and its scope table and figures."""
        return tables_read(self.sql, str(self.path)) | (set(self.scope[1:]) if self.scope else set())


def table_key(qualified_name: str) -> dg.AssetKey:
    """raw.observations -> raw/observations; main.dim_region -> dim_region."""
    schema, name = qualified_name.split(".")
    return dg.AssetKey([name] if schema == "main" else [schema, name])


def load_models(sql_dir: Path = SQL_DIR) -> list[SqlModel]:
    return [
        SqlModel(name=path.stem, layer=layer, path=path, sql=path.read_text(encoding="utf-8").strip().rstrip(";"))
        for layer in LAYERS
        for path in sorted((sql_dir / layer).glob("*.sql"))
    ]


def tables_read(sql: str, source_name: str = "<sql>") -> set[str]:
    """Qualified names of the tables a query reads (CTE names excluded; no schema means main)."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise ValueError(f"{source_name}: SQL does not parse: {error}") from None
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {
        f"{table.db or 'main'}.{table.name}"
        for table in tree.find_all(exp.Table)
        if table.name and not (not table.db and table.name in ctes) and table.db != "temp"  # temp: set by the runner
    }


def dependency_keys(model: SqlModel, producers: dict[str, dg.AssetKey]) -> list[dg.AssetKey]:
    keys = []
    for table in sorted(model.reads):
        if table not in producers:
            raise ValueError(
                f"{model.path.relative_to(PROJECT_ROOT) if model.path.is_relative_to(PROJECT_ROOT) else model.path}: "
                f"reads {table}, which no source folder or SQL file produces. Known tables: "
                f"{', '.join(sorted(producers))}."
            )
        keys.append(producers[table])
    return sorted(set(keys), key=lambda k: k.to_user_string())


def model_suite(model: SqlModel) -> dict | None:
    """gx/expectations/<model>.json, if the model has a suite: its rules on the built table, checked after each
    build (blocking). Its meta.frame, if any, is the SQL of the rows it validates, each named by _file and _line."""
    from pipelines.validate.suites import SUITES_DIR, load_suite

    return load_suite(model.name) if (SUITES_DIR / f"{model.name}.json").exists() else None


def model_check_name(model: SqlModel) -> str:
    return f"{model.qualified_name}:expectations"


def build_sql_assets(
    models: list[SqlModel],
    producers: dict[str, dg.AssetKey],
    built_from: dict[str, frozenset[str]],
    incremental: dict[str, object],
    group_of,
) -> list[dg.AssetsDefinition]:
    """The SQL models as one step per group of the flow (group_of(key): reference, observations, marts), each file
    still its own asset with its checks in the UI. A step costs Dagster about 50 ms (its events, a lookup of its
    inputs' data versions, a connection) on top of the SQL, and most builds take less than that: a refresh of one
    file ran 19 model steps. built_from: each model's source tables (see SqlModel.build); incremental: the SourceTable
    of a model's `-- incremental by file of` directive, by model name."""
    groups: dict[str, list[SqlModel]] = {}
    for model in models:
        groups.setdefault(group_of(model.key), []).append(model)
    return [
        _group_asset(group, members, producers, built_from, incremental) for group, members in sorted(groups.items())
    ]


def _group_asset(group: str, models: list[SqlModel], producers, built_from, incremental) -> dg.AssetsDefinition:
    ordered = build_order(models)
    suites = {model.name: model_suite(model) for model in models}
    reads_valid_of = {  # the SourceTable of an incremental model that reads its valid view (parsed once, not per run)
        model.name: source
        for model in models
        if (source := incremental.get(model.name)) is not None
        and source.valid_view in tables_read(model.sql, str(model.path))
    }
    specs = [
        dg.AssetSpec(
            key=model.key,
            deps=dependency_keys(model, producers),
            group_name=group,
            kinds={"sql", "duckdb"},
            description=f"{_leading_comment(model.sql) or model.name}\n\nBuilt as a "
            f"{'view' if model.is_view else 'table'} from sql/{model.layer}/{model.path.name}.",
            metadata={"sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```")},
            skippable=True,  # not built when a table it reads failed its blocking check
        )
        for model in models
    ]
    check_specs = [
        dg.AssetCheckSpec(
            "expectations",
            asset=model.key,
            blocking=True,
            description=f"Great Expectations suite gx/expectations/{model.name}.json on the built table; "
            "ERROR (blocks the publish) when any row fails.\n\n"
            + "\n".join(f"- {e.get('meta', {}).get('reason', e['type'])}" for e in suites[model.name]["expectations"]),
        )
        for model in models
        if suites[model.name]
    ]

    @dg.multi_asset(name=f"{group}_models", specs=specs, check_specs=check_specs, can_subset=True)
    def sql_models(context: dg.AssetExecutionContext, warehouse: Warehouse):
        failed: set[str] = set()  # models whose blocking check failed, and those built from them
        with warehouse.connect() as con:
            versions = loaded_versions(con)
            for model in ordered:
                if model.key not in context.selected_asset_keys:
                    continue
                if model.reads & failed:
                    failed.add(model.qualified_name)
                    context.log.warning(f"{model.qualified_name}: not built: it reads a table that failed its check")
                    continue
                raw_dir, valid_of = Path(warehouse.raw_dir), reads_valid_of.get(model.name)
                run = Build(con, model, raw_dir, built_from[model.name], valid_of, versions)
                try:
                    result = build_model(context, run, suites[model.name])
                except Exception:  # the step is the group's: its log names the file that failed
                    context.log.error(f"{model.qualified_name} (sql/{model.layer}/{model.path.name}) failed to build")
                    raise
                if any(not check.passed for check in result.check_results):
                    failed.add(model.qualified_name)
                yield result

    return sql_models


def build_order(models: list[SqlModel]) -> list[SqlModel]:
    """The models in an order where each comes after those of the list it reads, in their order where it is free."""
    names = {model.qualified_name for model in models}
    ordered: list[SqlModel] = []
    done: set[str] = set()
    while len(ordered) < len(models):
        ready = [m for m in models if m.qualified_name not in done and (m.reads & names) <= done]
        if not ready:
            raise ValueError(f"the SQL files read each other in a cycle: {sorted(names - done)}")
        ordered.append(ready[0])
        done.add(ready[0].qualified_name)
    return ordered


def build_model(context, run: "Build", suite: dict | None) -> dg.MaterializeResult:
    """One model built by the cheapest of its strategies, its suite checked, and its metadata."""
    con, model = run.con, run.model
    if run.exists and run.last == run.fingerprint:
        build = "kept: its inputs are unchanged since its last build"
    elif run.exists and model.incremental_source and run.last_base == run.base and run.last_states is not None:
        build = _rebuild_changed_files(run)
    elif run.exists and model.scope and run.last_base == run.base and _exists(con, run.snapshot):
        build = _rebuild_changed_regions(run)
    else:
        build = _build_in_full(run)
    context.log.info(f"{model.qualified_name}: {build}")
    check = dg.AssetCheckKey(model.key, "expectations")
    checks = (
        [check_model(con, context, model, suite, run.fingerprint)]
        if suite and check in context.selected_asset_check_keys
        else []
    )
    metadata = table_metadata(con, model.qualified_name, stored=True, reuse=build.startswith("kept"))
    return dg.MaterializeResult(asset_key=model.key, metadata={"build": build, **metadata}, check_results=checks)


class Build:
    """One build of a model: the fingerprint of what it is built from (all of it, and all but its incremental or
    scope source), its last build's, the file versions of its incremental source now and at its last build, and
    the source whose valid rows it reads incrementally (None: it does not)."""

    def __init__(
        self,
        con,
        model: SqlModel,
        raw_dir: Path,
        built_from: frozenset[str] | None,
        reads_valid_of=None,
        versions: list[tuple] | None = None,
    ):
        """versions: loaded_versions(con), read once for a step's models (no step but the loads changes them)."""
        self.con, self.model, self.reads_valid_of = con, model, reads_valid_of
        self.started = time.perf_counter()
        versions = loaded_versions(con) if versions is None else versions
        self.fingerprint = build_fingerprint(con, raw_dir, tables=built_from, versions=versions)
        self.exists = _exists(con, model.qualified_name, view=model.is_view)
        self.last, self.last_base, self.last_states = last_build_state(con, model.qualified_name)
        self.source = model.incremental_source or (model.scope[0] if model.scope else None)
        self.base = (
            build_fingerprint(con, raw_dir, except_table=self.source, tables=built_from, versions=versions)
            if self.source
            else None
        )
        self.states = file_states(con, self.source) if model.incremental_source else None
        self.snapshot = f"audit.scope_{model.name}"

    def seconds(self) -> str:
        return f"{time.perf_counter() - self.started:.1f} s"


def _rebuild_changed_files(run: Build) -> str:
    """`-- incremental by file of <source>`: the rows of the source's changed files replace theirs."""
    from pipelines.ingest.sources import valid_rows_sql

    con, model = run.con, run.model
    changed = sorted(
        f for f in run.states.keys() | run.last_states.keys() if run.states.get(f) != run.last_states.get(f)
    )
    sql = model.sql
    if run.reads_valid_of:  # the frame behind valid.<table> computed for the changed files alone, in a temp view
        source = run.reads_valid_of
        con.execute(f"create or replace temp view _valid_changed as {valid_rows_sql(source, files=changed)}")
        sql = re.sub(rf"\b{re.escape(source.valid_view)}\b", "_valid_changed", sql)
    con.execute("begin")
    con.execute(f"delete from {model.qualified_name} where _file in (select unnest(?::varchar[]))", [changed])
    with build_settings(con, model):
        con.execute(
            f"insert into {model.qualified_name} select * from (\n{sql}\n) as model "
            "where model._file in (select unnest(?::varchar[]))",
            [changed],
        )
    record_build(con, model.qualified_name, run.fingerprint, run.base, run.states)
    log_change(con, model.qualified_name, "_file", changed)
    con.execute("commit")
    return (
        f"rebuilt only the rows of {len(changed)} changed file(s) of {run.source} in {run.seconds()}: "
        f"{', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}"
    )


def _rebuild_changed_regions(run: Build) -> str:
    """`-- incremental by scope`: the rows of the regions and rules whose figures changed are rebuilt."""
    con, model = run.con, run.model
    # before the transaction: DuckDB has no statistics on tables written inside one, and misjudges joins
    # on them (consistency_finding took 110 s instead of 1 s at 10M rows)
    regions, rules = define_scope(con, *model.scope[1:], run.snapshot)
    figures = con.execute("select count(*) from temp.scope_figure").fetchone()[0]
    batches = -(-figures // SCOPE_BATCH_FIGURES)
    with build_settings(con, model):
        if batches > 1:  # a new file touching every region: as many figures as a full build
            _rebuild_in_batches(con, model, batches)
        con.execute("begin")
        if batches <= 1:
            con.execute(f"delete from {model.qualified_name} where {IN_SCOPE}")
            con.execute(f"insert into {model.qualified_name} select * from (\n{model.sql}\n) as model where {IN_SCOPE}")
    con.execute(f"create or replace table {run.snapshot} as select * from {model.scope[1]}")
    record_build(con, model.qualified_name, run.fingerprint, run.base)
    rebuilt = [code for (code,) in con.execute("select region_code from temp.scope_rebuilt").fetchall()]
    log_change(con, model.qualified_name, "region_code", rebuilt)
    con.execute("commit")
    batched = f", in {batches} batches," if batches > 1 else ""
    return f"rebuilt only {regions:,} region(s) x {rules:,} rule(s) whose figures changed{batched} in {run.seconds()}"


def _build_in_full(run: Build) -> str:
    """The whole table or view, from its SQL (in batches of regions when its scope has more figures than a batch)."""
    con, model = run.con, run.model
    kind = "view" if model.is_view else "table"
    con.execute(f"create schema if not exists {model.schema}")
    batches = 1
    if model.scope:  # the scope table counts the figures: past the batch size, none is read whole
        figures = con.execute(f"select coalesce(sum(figures), 0) from {model.scope[1]}").fetchone()[0]
        batches = -(-figures // SCOPE_BATCH_FIGURES)
        if batches <= 1:
            define_scope(con, *model.scope[1:])
    with build_settings(con, model):
        if batches > 1:
            _build_in_batches(con, model, batches)
        else:
            con.execute(f"create or replace {kind} {model.qualified_name} as\n{model.sql}")
    if model.scope:
        con.execute(f"create or replace table {run.snapshot} as select * from {model.scope[1]}")
    comment = (_leading_comment(model.sql) or model.name).replace("'", "''")
    con.execute(f"comment on {kind} {model.qualified_name} is '{comment} (sql/{model.layer}/{model.path.name})'")
    record_build(con, model.qualified_name, run.fingerprint, run.base, run.states)
    if not model.is_view:
        log_change(con, model.qualified_name)
    batched = f", in {batches} batches of regions," if batches > 1 else ""
    return f"built in full{batched} in {run.seconds()}"


@contextmanager
def build_settings(con, model: SqlModel):
    """The model's DuckDB settings (SqlModel.settings) while it builds, then the build connection's own. No model
    needs its rows stored in the order its query makes them: without that order DuckDB writes large results in
    less memory (stg_observations spilled at 30M rows)."""

    def restore():
        con.execute(
            f"set disabled_optimizers = '{DISABLED_OPTIMIZERS}'; set memory_limit = '{DUCKDB_MEMORY_LIMIT}'; "
            "set preserve_insertion_order = true"
        )

    for setting in ["set preserve_insertion_order = false", *model.settings()]:
        con.execute(setting)
    try:
        yield
    except BaseException:
        # inside an aborted transaction the restore fails too: the error to show is the statement's, not that one
        with contextlib.suppress(duckdb.Error):
            restore()
        raise
    restore()


# the rows a build by region and rule rewrites: define_scope's (or a batch's) regions, for its rules
IN_SCOPE = (
    "region_code in (select region_code from temp.scope_rebuilt) and rule_key in (select rule_key from temp.scope_rule)"
)


def _scope_batch(con, regions: list[str], figures: str) -> None:
    """scope_rebuilt and scope_figure for one batch of regions: those regions, and the figures (of `figures`) of
    them and of their subdivisions."""
    con.execute("create or replace temp table scope_rebuilt as select unnest(?::varchar[]) as region_code", [regions])
    con.execute(f"""
        create or replace temp table scope_figure as select * from {figures}
        where region_code in (
            select region_code from temp.scope_rebuilt
            union all
            select region_code from dim_region where parent_code in (select region_code from temp.scope_rebuilt)
        )
    """)


def _rebuild_in_batches(con, model: SqlModel, batches: int) -> None:
    """The incremental build of a model by region and rule (define_scope's tables) one batch of the regions to
    rebuild at a time, each batch its own transaction: a new file touching every region brings as many figures
    as a full build, more than one join can hold. A run that stops between batches recorded nothing: the next
    one rebuilds the same regions again."""
    con.execute("create or replace temp table scope_rebuilt_all as select region_code from temp.scope_rebuilt")
    con.execute("create or replace temp table scope_figure_all as select * from temp.scope_figure")
    regions = [code for (code,) in con.execute("select region_code from temp.scope_rebuilt_all order by 1").fetchall()]
    size = -(-len(regions) // batches)
    for start in range(0, len(regions), size):
        _scope_batch(con, regions[start : start + size], "temp.scope_figure_all")
        con.execute("begin")
        con.execute(f"delete from {model.qualified_name} where {IN_SCOPE}")
        con.execute(f"insert into {model.qualified_name} select * from (\n{model.sql}\n) as model where {IN_SCOPE}")
        con.execute("commit")
    con.execute("create or replace temp table scope_rebuilt as select region_code from temp.scope_rebuilt_all")
    con.execute("create or replace temp table scope_figure as select * from temp.scope_figure_all")


def _build_in_batches(con, model: SqlModel, batches: int) -> None:
    """A model incremental by region and rule, built in full one batch of regions at a time (the scope tables of
    a full build: every rule, and each batch's regions with the figures of those regions and their subdivisions,
    read from the figures for each batch: no table holds them all),
    so that its joins stay within DuckDB's memory limit at any size. Rows of a region depend only on the figures
    of the region and its subdivisions, as the incremental builds already assume."""
    con.execute("create or replace temp table scope_rule as select rule_key from staging.stg_rules")
    regions = [code for (code,) in con.execute("select distinct region_code from dim_region order by 1").fetchall()]
    size = -(-len(regions) // batches)
    for start in range(0, len(regions), size):
        _scope_batch(con, regions[start : start + size], model.scope[2])
        rows = (
            f"select * from (\n{model.sql}\n) as model where region_code "
            "in (select region_code from temp.scope_rebuilt)"
        )
        if start == 0:
            con.execute(f"create or replace table {model.qualified_name} as {rows}")
        else:
            con.execute(f"insert into {model.qualified_name} {rows}")


def define_scope(con, scope_table: str, figures: str, snapshot: str | None = None) -> tuple[int, int]:
    """The temp tables a model incremental by region and rule reads: scope_rule (the rules it checks), scope_rebuilt
    (the regions whose rows it builds), and scope_figure (the figures it reads, read once into a table: of those
    regions and their subdivisions, and of the indicators those rules name). Without a snapshot, every rule, region
    and figure. With one (the scope table at the model's last build), the rules naming an indicator whose figures
    changed in some region, and those regions and the regions above them (a sum of subdivisions). Returns how many
    regions and rules are rebuilt."""
    if snapshot is None:
        con.execute("create or replace temp table scope_rule as select rule_key from staging.stg_rules")
        con.execute("create or replace temp table scope_rebuilt as select distinct region_code from dim_region")
        # a table, not a view: with the figures' joins inlined into each of its uses, DuckDB misjudges them
        con.execute(f"create or replace temp table scope_figure as select * from {figures}")
    else:
        con.execute(f"""
            create or replace temp table scope_changed as
            select coalesce(now.region_code, was.region_code) as region_code,
                coalesce(now.indicator_code, was.indicator_code) as indicator_code
            from {scope_table} as now
            full join {snapshot} as was on was.region_code = now.region_code and was.indicator_code = now.indicator_code
            where now.checksum is distinct from was.checksum or now.figures is distinct from was.figures
        """)
        con.execute("""
            create or replace temp table scope_rule as
            select rule_key from staging.stg_rules
            where list_has_any(
                list_prepend(indicator_code, inputs), (select list(distinct indicator_code) from temp.scope_changed)
            )
        """)
        con.execute("""
            create or replace temp table scope_rebuilt as
            select region_code from temp.scope_changed
            union
            select parent_code from dim_region
            where region_code in (select region_code from temp.scope_changed) and parent_code is not null
        """)
        con.execute(f"""
            create or replace temp table scope_figure as
            select * from {figures}
            where indicator_code in (
                    select unnest(list_prepend(indicator_code, inputs)) from staging.stg_rules
                    where rule_key in (select rule_key from temp.scope_rule)
                )
                and region_code in (
                    select region_code from temp.scope_rebuilt
                    union all
                    select region_code from dim_region where parent_code in (select region_code from temp.scope_rebuilt)
                )
        """)
    return (
        con.execute("select count(*) from temp.scope_rebuilt").fetchone()[0],
        con.execute("select count(*) from temp.scope_rule").fetchone()[0],
    )


def _exists(con, table: str, view: bool = False) -> bool:
    """Whether the table (or view) is in the build database. A table is asked by binding a query that reads none of
    its rows (0.3 ms, where information_schema took 3 ms, about 20 times a refresh); binding a view binds its whole
    query, as slow as the catalog, which is asked instead."""
    if not view:
        try:
            con.execute(f"select 1 from {table} limit 0")
        except duckdb.CatalogException:
            return False
        return True
    schema, name = table.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
    )


def check_model(con, context, model: SqlModel, suite: dict, fingerprint: str) -> dg.AssetCheckResult:
    """The model's suite on its rows, once per build: a verdict reached on the same inputs stands."""
    from pipelines.core.ledger import Verdict, last_verdict, record_check
    from pipelines.validate.suites import validate_frame

    name = model_check_name(model)
    previous = last_verdict(con, name, fingerprint)
    if previous:
        passed, blocks, summary = previous.passed, previous.blocks_publish, previous.summary
    else:
        frame = con.sql(suite.get("meta", {}).get("frame") or f"select * from {model.qualified_name}").df()
        outcome = validate_frame(frame, suite, {})
        passed = not outcome.table_failures and not outcome.row_failures
        blocks = not passed
        summary = (
            f"all {outcome.rows:,} rows passed {len(outcome.expectations)} expectations"
            if passed
            else f"{len(outcome.row_failures):,} of {outcome.rows:,} rows failed: "
            + " | ".join(outcome.table_failures + [outcome.examples(limit=5)])
        )
    record_check(con, name, Verdict(passed, blocks, summary, context.run.run_id, fingerprint))
    (context.log.info if passed else context.log.error)(f"{name}: {summary}")
    return dg.AssetCheckResult(
        check_name="expectations",
        asset_key=model.key,
        passed=bool(passed),
        severity=dg.AssetCheckSeverity.ERROR,
        description=summary,
    )


def _leading_comment(sql: str) -> str:
    """What the SQL file says it builds: its first comment lines, up to a build directive."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--") or re.match(
            r"--\s*(incremental by|duckdb chooses join sides|duckdb memory limit)", line
        ):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)
