"""Great Expectations suites (gx/expectations/<table>.json) -> one blocking asset check per source table.

Table-level failures (a missing column, no rows, an expectation that cannot run) and a share of
bad rows above the descriptor's `max_bad_share` are ERROR and block everything downstream. Rows
failing row-level expectations are copied to quarantine.<table> with their reasons; staging
reads raw rows that are not in quarantine.
"""

import time
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from pipelines.core.ledger import Verdict, last_verdict, record_check
from pipelines.core.memory import release_memory
from pipelines.core.resources import Warehouse
from pipelines.ingest.descriptors import SourceTable, raw_asset_key
from pipelines.ingest.sources import define_valid_view
from pipelines.validate.gx_context import DocsSite
from pipelines.validate.plan import (
    SuiteRun,
    ValidationPlan,
    changed_lookups,
    files_over,
    plan_validation,
    record_results,
    replace_quarantine,
    validate_in_database,
    validation_fingerprint,
)
from pipelines.validate.suites import ValidationOutcome, load_suite

CONSERVATION_SQL = """
with ledger as (
    select file, rows from audit.load_ledger
    where source_table = $table and removed_at is null
    qualify row_number() over (partition by file order by last_loaded_at desc) = 1
),
-- the raw rows not quarantined: what valid.<table> holds (its frame gives one row per raw row: checked when it runs)
loaded as (
    select r._file, count(*) as n from {raw} as r
    anti join {quarantine} as q
        on q._file = r._file and q._line = r._line and q._column = r._column and q._file_sha256 = r._file_sha256
    group by all
),
quarantined as (select _file, count(*) as n from {quarantine} group by all)
select ledger.file, ledger.rows, coalesce(loaded.n, 0), coalesce(quarantined.n, 0)
from ledger
left join loaded on loaded._file = ledger.file
left join quarantined on quarantined._file = ledger.file
order by ledger.file
"""


@dataclass(frozen=True)
class CheckInputs:
    """What a table's validation reads besides its own rows: the assets (raw lookup tables, staging models),
    the source tables behind them, and the SQL of the models in between."""

    keys: list[dg.AssetKey]
    source_tables: frozenset[str]
    model_sql: tuple[str, ...] = ()


def build_validation_checks(source: SourceTable, inputs: CheckInputs) -> dg.AssetChecksDefinition:
    """The checks of a source table, computed together: its suite (blocking), row conservation per file
    (blocking), columns the descriptor does not know (a warning), and, when the suite has expectations of
    severity "warning", the rows they flag (a warning: the rows are kept)."""
    suite = load_suite(source.name)
    key = raw_asset_key(source)

    @dg.multi_asset_check(
        specs=_check_specs(source, suite, key, inputs),
        name=f"validate_{source.name}",
        compute_kind="great_expectations",
    )
    def checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.connect() as con:
            # nothing here needs rows in insertion order; keeping it held 30M rows' writes past the memory limit
            con.execute("set preserve_insertion_order = false")
            define_valid_view(con, source)
            run = CheckRun(con, context, source, suite, inputs)
            previous = last_verdict(con, source.check_name, run.fingerprint)
            if previous:  # nothing it reads has changed since: its verdict and quarantine stand
                verdict, outcome, plan = _verdict_stands(run, previous), None, None
            else:
                verdict, outcome, plan = _validate(run, warehouse)
            found = _findings(run)
        yield _expectations_result(run, verdict, found, outcome, plan)
        yield _conservation_result(run, found)
        if any(e.get("severity") == "warning" for e in suite["expectations"]):
            yield _warnings_result(run, found)
        yield _columns_result(run, found)
        if outcome:  # the failing and warned rows are in the database now: give their memory back before the builds
            rows = outcome.rows
            outcome = None
            release_memory(rows)

    return checks


def _check_specs(source: SourceTable, suite: dict, key: dg.AssetKey, inputs: CheckInputs) -> list[dg.AssetCheckSpec]:
    """What the check of a source table says it checks, in the UI."""
    warned = [e for e in suite["expectations"] if e.get("severity") == "warning"]
    described = "\n".join(f"- {e.get('meta', {}).get('reason', e['type'])}" for e in suite["expectations"])
    specs = [
        dg.AssetCheckSpec(
            "expectations",
            asset=key,
            blocking=True,
            additional_deps=inputs.keys,
            description=(
                f"Great Expectations suite gx/expectations/{source.name}.json. Failing rows go to "
                f"{source.quarantine_table} with their reasons; ERROR (blocks downstream) on a table-level failure "
                f"or when more than {source.max_bad_share:.0%} of a file's rows fail.\n\n{described}"
            ),
        ),
        dg.AssetCheckSpec(
            "rows_conserved",
            asset=key,
            blocking=True,
            description="Per file: rows read = rows loaded (valid) + rows quarantined. Nothing is dropped silently.",
        ),
        dg.AssetCheckSpec(
            "known_columns",
            asset=key,
            description=f"WARN when a file has columns that data/raw/{source.name}/source.toml does not list "
            f"(they are kept in {source.raw_table} but not used).",
        ),
    ]
    if warned:
        specs.append(
            dg.AssetCheckSpec(
                "warnings",
                asset=key,
                description=f"WARN when rows fail an expectation of severity warning: they are kept, flagged in "
                f"{source.warnings_table} and on their facts. Lists each rule's files and rows.\n\n"
                + "\n".join(f"- {e.get('meta', {}).get('reason', e['type'])}" for e in warned),
            )
        )
    return specs


class CheckRun:
    """One run of a source table's check: the connection, the run's context, and the fingerprints of what the
    validation reads (all of it, and all but the table's own files)."""

    def __init__(self, con, context: dg.AssetCheckExecutionContext, source: SourceTable, suite: dict, inputs):
        self.con, self.context, self.source, self.suite = con, context, source, suite
        self.key = raw_asset_key(source)
        self.read_tables = {source.name} | set(inputs.source_tables)
        self.fingerprint = validation_fingerprint(con, suite, source, self.read_tables, inputs.model_sql)
        self.base = validation_fingerprint(
            con, suite, source, self.read_tables, inputs.model_sql, exclude_own_files=True
        )

    def record(self, passed: bool | None, blocks: bool, summary: str) -> Verdict:
        verdict = Verdict(passed, blocks, summary, self.context.run.run_id, self.fingerprint, self.base)
        record_check(self.con, self.source.check_name, verdict)
        return verdict


def _verdict_stands(run: CheckRun, previous: Verdict) -> Verdict:
    """Nothing the validation reads has changed since `previous` was reached: it stands, recorded for this run."""
    verdict = run.record(previous.passed, previous.blocks_publish, previous.summary)
    run.context.log.info(
        f"{run.source.raw_table}: inputs unchanged since run {previous.run_id[:8]}; its validation stands"
    )
    return verdict


def _validate(run: CheckRun, warehouse: Warehouse) -> tuple[Verdict, ValidationOutcome, ValidationPlan]:
    """Validates the rows whose verdict can have changed, then replaces their quarantine and records the verdict,
    in one transaction."""
    con, source, log = run.con, run.source, run.context.log
    parameters = {
        name: [row[0] for row in con.sql(query).fetchall()] for name, query in source.validation_parameters.items()
    }
    docs = DocsSite(warehouse.docs_path, warehouse.gx_state_path) if warehouse.data_docs else None
    lookups = changed_lookups(con, source, run.read_tables)
    started = time.perf_counter()
    plan = plan_validation(con, source, run.suite, run.base)
    log.info(f"{source.raw_table}: {plan.describe()} (planned in {time.perf_counter() - started:.1f} s)")
    outcome = validate_in_database(con, log, source, SuiteRun(run.suite, parameters, docs), plan)
    started = time.perf_counter()
    con.execute("begin")  # the quarantine, the validated versions and the verdict change together
    replace_quarantine(con, source, plan, outcome)
    tally = Tally(
        too_many=files_over(con, source),
        quarantined=con.execute(f"select count(*) from {source.quarantine_table}").fetchone()[0],
        files=con.execute(  # the table's files, emptiest first: a table-level failure names them
            "select file, rows from audit.load_ledger where source_table = ? and removed_at is null "
            "order by rows, file",
            [source.name],
        ).fetchall(),
        lookups=lookups,
    )
    blocks = bool(outcome.table_failures or tally.too_many)
    record_results(con, run.context.run.run_id, source, outcome)
    verdict = run.record(not blocks and not tally.quarantined, blocks, _summary(source, outcome, plan, tally))
    con.execute("commit")
    log.info(
        f"{source.raw_table}: {len(outcome.row_failures):,} quarantined and "
        f"{len(outcome.warned_only):,} warned row(s) written in {time.perf_counter() - started:.1f} s"
    )
    for message in outcome.table_failures:
        log.error(f"{source.raw_table}: {message}")
    if outcome.row_failures:
        log.warning(f"{source.raw_table}: rows quarantined: {outcome.examples(limit=20)}")
    return verdict, outcome, plan


@dataclass
class Findings:
    """What the check's results report, read after the verdict: the quarantine's size, each file's rows read,
    loaded and quarantined, the rows each warning rule flagged, the indicators registered from files, and the
    columns the descriptor does not list."""

    quarantined: int
    conservation: list[tuple]
    flagged: list[tuple]
    registered: list[tuple]
    extras: list[tuple]


def _findings(run: CheckRun) -> Findings:
    con, source = run.con, run.source
    warned = [e for e in run.suite["expectations"] if e.get("severity") == "warning"]
    # the warning an indicator registered from a file carries (observations): the check names those indicators
    registering = next(
        (e["meta"]["reason"] for e in warned if e["kwargs"].get("column") == "_indicator_catalogued"), None
    )
    flagged = con.execute(  # per rule: its rows, and its files (with the first lines)
        f"""
        select rule, sum(rows), string_agg(_file || ' (' || lines || ')', ', ' order by _file)
        from (
            select rule, _file, count(*) as rows,
                case when count(distinct _line) = 1 then 'line ' else 'lines ' end
                || array_to_string(list(distinct _line order by _line)[:3], ', ')
                || case when count(distinct _line) > 3 then ', ...' else '' end
                    as lines
            from {source.warnings_table}, unnest(_rules) as rules(rule)
            group by all
        )
        group by rule order by rule
        """
    ).fetchall()
    registered = (
        con.execute(  # each indicator registered from a file, as printed, with its rows
            f"""
        select r.indicator, count(*)
        from {source.warnings_table} as w
        join {source.raw_table} as r using (_file, _file_sha256, _line, _column)
        where contains(w._reason, ?)
        group by all order by 1
        """,
            [registering],
        ).fetchall()
        if registering
        else []
    )
    return Findings(
        quarantined=con.execute(f"select count(*) from {source.quarantine_table}").fetchone()[0],
        conservation=con.execute(
            CONSERVATION_SQL.format(raw=source.raw_table, quarantine=source.quarantine_table), {"table": source.name}
        ).fetchall(),
        flagged=flagged,
        registered=registered,
        extras=con.execute(
            "select file, extra_columns from audit.load_ledger where source_table = ? and removed_at is null "
            "and len(extra_columns) > 0 order by file",
            [source.name],
        ).fetchall(),
    )


def _expectations_result(
    run: CheckRun, verdict: Verdict, found: Findings, outcome: ValidationOutcome | None, plan: ValidationPlan | None
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name="expectations",
        asset_key=run.key,
        passed=bool(verdict.passed),
        severity=dg.AssetCheckSeverity.ERROR if verdict.blocks_publish else dg.AssetCheckSeverity.WARN,
        description=verdict.summary,
        metadata={
            "rows_quarantined": int(found.quarantined),
            "revalidated": outcome is not None,
            **(
                {
                    "rows_validated": outcome.rows,
                    "validated": plan.describe(),
                    "bad_share": float(round(outcome.bad_share, 4)),
                    "table_failures": dg.MetadataValue.md(
                        "\n".join(f"- {m}" for m in outcome.table_failures) or "none"
                    ),
                    "expectations": dg.MetadataValue.md(
                        pd.DataFrame(outcome.expectations).drop(columns="sample").to_markdown(index=False)
                        if outcome.expectations
                        else "no rows needed validating"
                    ),
                }
                if outcome
                else {}
            ),
        },
    )


def _conservation_result(run: CheckRun, found: Findings) -> dg.AssetCheckResult:
    unbalanced = [(f, read, ok, bad) for f, read, ok, bad in found.conservation if read != ok + bad]
    said = "; ".join(f"{f}: {read} read but {ok} loaded + {bad} quarantined" for f, read, ok, bad in unbalanced)
    return dg.AssetCheckResult(
        check_name="rows_conserved",
        asset_key=run.key,
        passed=not unbalanced,
        description=said or f"every row of {len(found.conservation)} file(s) is loaded or quarantined",
        metadata={
            "files": dg.MetadataValue.md(
                pd.DataFrame(
                    found.conservation, columns=["file", "rows read", "rows loaded", "rows quarantined"]
                ).to_markdown(index=False)
            )
        },
    )


def _warnings_result(run: CheckRun, found: Findings) -> dg.AssetCheckResult:
    registered, flagged = found.registered, found.flagged
    return dg.AssetCheckResult(
        check_name="warnings",
        asset_key=run.key,
        passed=not flagged,
        severity=dg.AssetCheckSeverity.WARN,
        description=" | ".join(
            (
                [
                    f"{len(registered)} indicator(s) registered from files, kept until mapped to the catalog "
                    f"(regind map-indicator): "
                    + ", ".join(f"{name} ({rows:,} rows)" for name, rows in registered[:20])
                    + (" ..." if len(registered) > 20 else "")
                ]
                if registered
                else []
            )
            + [f"{rule}: {rows:,} row(s) of {files}" for rule, rows, files in flagged]
        )
        or "no row is kept with a warning",
        metadata={
            "rows_flagged": sum(rows for _, rows, _ in flagged),
            "indicators_registered": dg.MetadataValue.json([name for name, _ in registered]),
        },
    )


def _columns_result(run: CheckRun, found: Findings) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name="known_columns",
        asset_key=run.key,
        passed=not found.extras,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(f"{f}: unknown column(s) {', '.join(cols)}" for f, cols in found.extras)
        or "every column is one the descriptor lists",
    )


@dataclass
class Tally:
    """A validation's counts, for its summary: files over the bad-row share, rows in quarantine, the table's files,
    and the lookups whose change made it revalidate."""

    too_many: dict[str, float]
    quarantined: int
    files: list[tuple[str, int]]
    lookups: list[str]


def _summary(source: SourceTable, outcome: ValidationOutcome, plan: ValidationPlan, tally: Tally) -> str:
    lookups, files = tally.lookups, tally.files
    after = f"after a change to {', '.join(lookups[:3])}{' ...' if len(lookups) > 3 else ''}: " if lookups else ""
    if outcome.table_failures:
        shown = ", ".join(f"{f} ({rows:,} rows)" for f, rows in files[:3]) + (" ..." if len(files) > 3 else "")
        return (
            f"{after}{len(outcome.table_failures)} table-level failure(s) of {source.raw_table} ({shown}): "
            + " | ".join(outcome.table_failures)
        )
    scope = "" if plan.full else f" (only rows whose verdict can have changed: {plan.why})"
    if tally.too_many:
        over = ", ".join(f"{f} ({share:.1%})" for f, share in tally.too_many.items())
        return (
            f"{after}too many rows failed (more than {source.max_bad_share:.0%}) in {over}: fix the file(s); "
            f"each row's line and reason are in {source.quarantine_table}. {outcome.examples()}"
        )
    if tally.quarantined:
        return (
            f"{after}{outcome.rows} rows validated{scope}, {len(outcome.row_failures)} of them failed; "
            f"{tally.quarantined} rows are in {source.quarantine_table} and the rest flow on. {outcome.examples()}"
        )
    return f"all {outcome.rows} rows validated{scope} passed {len(outcome.expectations)} expectations."
