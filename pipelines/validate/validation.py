"""Great Expectations suites (gx/expectations/<table>.json) -> one blocking asset check per source table.

Table-level failures (a missing column, no rows, an expectation that cannot run) and a share of
bad rows above the descriptor's `max_bad_share` are ERROR and block everything downstream. Rows
failing row-level expectations are copied to quarantine.<table> with their reasons; staging
reads raw rows that are not in quarantine.
"""

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd

from pipelines.core.ledger import ensure_audit, last_verdict, latest_verdict, loaded_versions, record_check
from pipelines.core.memory import release_memory
from pipelines.core.resources import PROJECT_ROOT, Warehouse
from pipelines.ingest.sources import SourceTable, define_valid_view, raw_asset_key
from pipelines.validate.gx_context import DocsSite, gx_context

SUITES_DIR = PROJECT_ROOT / "gx" / "expectations"


def load_suite(table: str, suites_dir: Path = SUITES_DIR) -> dict:
    path = suites_dir / f"{table}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path} is missing: every source table needs a Great Expectations suite.") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}, line {error.lineno}: not valid JSON ({error.msg}).") from None


@dataclass
class ValidationOutcome:
    rows: int
    table_failures: list[str] = field(default_factory=list)
    # (file, line, column) -> [(expectation type, its reason, the row's values of its columns)]
    row_failures: dict[tuple[str, int, int], list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # the same for expectations of severity "warning": the row is kept, flagged with the reason
    row_warnings: dict[tuple[str, int, int], list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    expectations: list[dict] = field(default_factory=list)
    file_rows: Counter = field(default_factory=Counter)  # rows validated per file

    def examples(self, limit: int = 5) -> str:
        """'file, line N: reason' for the first failing rows."""
        rows = self.row_failures
        shown = [f"{_where(*key)}: {_reasons(rows[key])}" for key in sorted(rows)[:limit]]
        more = len(rows) - len(shown)
        return " | ".join(shown) + (f" | and {more} more" if more > 0 else "")

    @property
    def bad_share(self) -> float:
        return len(self.row_failures) / self.rows if self.rows else 0.0

    @property
    def warned_only(self) -> dict[tuple[str, int, int], list[tuple[str, str, str]]]:
        """Rows flagged by a warning and kept: a quarantined row's warnings are moot."""
        return {k: v for k, v in self.row_warnings.items() if k not in self.row_failures}

    def quarantine(self, warnings: bool = False) -> pd.DataFrame:
        """Rows failed (or, with warnings, rows kept but flagged): file, line, reasons and expectation types."""
        rows = self.warned_only if warnings else self.row_failures
        keys = sorted(rows)
        return pd.DataFrame(
            {
                "_file": [f for f, _, _ in keys],
                "_line": pd.Series([n for _, n, _ in keys], dtype="int64"),
                "_column": pd.Series([c for _, _, c in keys], dtype="int64"),
                "_reason": [_reasons(rows[k]) for k in keys],
                "_failed_expectations": [sorted({t for t, _, _ in rows[k]}) for k in keys],
                "_rules": [sorted({r for _, r, _ in rows[k]}) for k in keys],
            }
        )


def _where(file: str, line: int, column: int) -> str:
    """'file, line N' (and ', column C' for a cell of a table as published)."""
    return f"{file}, line {line}" + (f", column {column}" if column else "")


def _reasons(failures: list[tuple[str, str, str]]) -> str:
    """'reason (column=value, ...); reason (...)': what a row failed, with its values."""
    return "; ".join(f"{reason} ({values})" for _, reason, values in failures)


def _columns_of(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]


def validate_frame(
    frame: pd.DataFrame, suite: dict, parameters: dict, docs: DocsSite | None = None
) -> ValidationOutcome:
    """Run a suite on a DataFrame and sort its failures into table-level and per-row ones."""
    import great_expectations as gx

    context = gx_context(docs)
    gx_suite = context.suites.add_or_update(gx.ExpectationSuite(**suite))
    batch = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite["name"])
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame.reset_index(drop=True)})
    )
    result = batch.validate(gx_suite, result_format={"result_format": "COMPLETE"}, expectation_parameters=parameters)
    if docs:
        docs.publish(context, result, suite["name"])
    outcome = ValidationOutcome(rows=len(frame), file_rows=Counter(frame["_file"].value_counts().to_dict()))
    for item in result.results:
        config = item.expectation_config
        reason = (config.meta or {}).get("reason", config.type)
        columns = _columns_of(config.kwargs)
        exception = item.exception_info or {}
        raised = exception.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in exception.values()
        )
        index_list = item.result.get("unexpected_index_list")
        warning = getattr(config.severity, "value", config.severity) == "warning"
        summary = {
            "expectation": config.type,
            "columns": ", ".join(columns),
            "success": bool(item.success),
            "unexpected": int(item.result.get("unexpected_count") or 0),
            "reason": reason,
            "sample": [],
        }
        outcome.expectations.append(summary)
        if item.success:
            continue
        if raised or index_list is None:
            detail = _exception_message(exception) or f"observed {item.result.get('observed_value')!r}"
            outcome.table_failures.append(f"{reason} [{config.type} on {summary['columns'] or 'table'}]: {detail}")
            continue
        flagged = outcome.row_warnings if warning else outcome.row_failures
        # the failing rows' cells column by column (a row at a time through .iloc costs ~0.1 ms a row)
        positions = [i if isinstance(i, int) else int(next(iter(i.values()))) for i in index_list]
        failing = frame.iloc[positions]
        shown = [[f"{c}={_shown(v)}" for v in failing[c].tolist()] for c in columns if c in frame.columns]
        files, lines = failing["_file"].tolist(), failing["_line"].tolist()
        cells = failing["_column"].tolist() if "_column" in frame.columns else [0] * len(positions)
        for row, (file, line, cell) in enumerate(zip(files, lines, cells)):
            values = ", ".join(column[row] for column in shown)
            flagged[(file, int(line), int(cell))].append((config.type, reason, values))
            if len(summary["sample"]) < 20:
                summary["sample"].append(values)
    return outcome


def _shown(value) -> str:
    """A cell in a quarantine reason: missing is 'missing' however the frame's dtype spells it; a number as
    Python prints it (1e+16, inf); a long text by its start and its length."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return "missing"  # NaN too: pandas gives a NULL of a numeric (or all-NULL) column as NaN
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not np.isfinite(value) or abs(value) < 1e6:
            return repr(value)
        mantissa, exponent = f"{value:.15e}".split("e")  # 1e+15, 3.46064e+12: exact and short
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent[0]}{exponent[1:].lstrip('0')}"
    text = repr(str(value) if isinstance(value, str) else value)
    return text if len(text) <= 240 else f"{text[:200]}...' ({len(str(value)):,} characters)"


def _exception_message(exception: dict) -> str:
    if exception.get("exception_message"):
        return exception["exception_message"]
    for value in exception.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return value["exception_message"]
    return ""


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
    read_tables = {source.name} | set(inputs.source_tables)
    lookup_keys = inputs.keys
    warned = [e for e in suite["expectations"] if e.get("severity") == "warning"]
    # the warning an indicator registered from a file carries (observations): the check names those indicators
    registering = next(
        (e["meta"]["reason"] for e in warned if e["kwargs"].get("column") == "_indicator_catalogued"), None
    )
    described = "\n".join(f"- {e.get('meta', {}).get('reason', e['type'])}" for e in suite["expectations"])
    specs = [
        dg.AssetCheckSpec(
            "expectations",
            asset=key,
            blocking=True,
            additional_deps=lookup_keys,
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

    @dg.multi_asset_check(specs=specs, name=f"validate_{source.name}", compute_kind="great_expectations")
    def checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.connect() as con:
            # nothing here needs rows in insertion order; keeping it held 30M rows' writes past the memory limit
            con.execute("set preserve_insertion_order = false")
            define_valid_view(con, source)
            fingerprint = validation_fingerprint(con, suite, source, read_tables, inputs.model_sql)
            base = validation_fingerprint(con, suite, source, read_tables, inputs.model_sql, exclude_own_files=True)
            previous = last_verdict(con, source.check_name, fingerprint)
            if previous:  # nothing it reads has changed since: its verdict and quarantine stand
                passed, blocks, summary, run_id = (
                    previous.passed,
                    previous.blocks_publish,
                    previous.summary,
                    previous.run_id,
                )
                record_check(con, context.run.run_id, source.check_name, passed, blocks, fingerprint, summary, base)
                context.log.info(f"{source.raw_table}: inputs unchanged since run {run_id[:8]}; its validation stands")
                outcome = None
            else:
                parameters = {
                    name: [row[0] for row in con.sql(query).fetchall()]
                    for name, query in source.validation_parameters.items()
                }
                docs = DocsSite(warehouse.docs_path, warehouse.gx_state_path) if warehouse.data_docs else None
                lookups = changed_lookups(con, source, read_tables)
                started = time.perf_counter()
                plan = plan_validation(con, source, suite, base)
                context.log.info(
                    f"{source.raw_table}: {plan.describe()} (planned in {time.perf_counter() - started:.1f} s)"
                )
                outcome = validate_in_database(con, context, source, suite, parameters, docs, plan)
                started = time.perf_counter()
                con.execute("begin")  # the quarantine, the validated versions and the verdict change together
                replace_quarantine(con, source, plan, outcome)
                too_many = files_over(con, source)
                quarantined = con.execute(f"select count(*) from {source.quarantine_table}").fetchone()[0]
                blocks = bool(outcome.table_failures or too_many)
                passed = not blocks and not quarantined
                files = con.execute(  # the table's files, emptiest first: a table-level failure names them
                    "select file, rows from audit.load_ledger where source_table = ? and removed_at is null "
                    "order by rows, file",
                    [source.name],
                ).fetchall()
                summary = _summary(source, outcome, too_many, quarantined, plan, files, lookups)
                record_results(con, context.run.run_id, source, outcome)
                record_check(con, context.run.run_id, source.check_name, passed, blocks, fingerprint, summary, base)
                con.execute("commit")
                context.log.info(
                    f"{source.raw_table}: {len(outcome.row_failures):,} quarantined and "
                    f"{len(outcome.warned_only):,} warned row(s) written in {time.perf_counter() - started:.1f} s"
                )
            quarantined = con.execute(f"select count(*) from {source.quarantine_table}").fetchone()[0]
            conservation = con.execute(
                CONSERVATION_SQL.format(raw=source.raw_table, quarantine=source.quarantine_table),
                {"table": source.name},
            ).fetchall()
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
            extras = con.execute(
                "select file, extra_columns from audit.load_ledger where source_table = ? and removed_at is null "
                "and len(extra_columns) > 0 order by file",
                [source.name],
            ).fetchall()
        if outcome:
            for message in outcome.table_failures:
                context.log.error(f"{source.raw_table}: {message}")
            if outcome.row_failures:
                context.log.warning(f"{source.raw_table}: rows quarantined: {outcome.examples(limit=20)}")
        yield dg.AssetCheckResult(
            check_name="expectations",
            asset_key=key,
            passed=bool(passed),
            severity=dg.AssetCheckSeverity.ERROR if blocks else dg.AssetCheckSeverity.WARN,
            description=summary,
            metadata={
                "rows_quarantined": int(quarantined),
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
        unbalanced = [(f, read, ok, bad) for f, read, ok, bad in conservation if read != ok + bad]
        yield dg.AssetCheckResult(
            check_name="rows_conserved",
            asset_key=key,
            passed=not unbalanced,
            description="; ".join(
                f"{f}: {read} read but {ok} loaded + {bad} quarantined" for f, read, ok, bad in unbalanced
            )
            or f"every row of {len(conservation)} file(s) is loaded or quarantined",
            metadata={
                "files": dg.MetadataValue.md(
                    pd.DataFrame(
                        conservation, columns=["file", "rows read", "rows loaded", "rows quarantined"]
                    ).to_markdown(index=False)
                )
            },
        )
        if warned:
            yield dg.AssetCheckResult(
                check_name="warnings",
                asset_key=key,
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
        yield dg.AssetCheckResult(
            check_name="known_columns",
            asset_key=key,
            passed=not extras,
            severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(f"{f}: unknown column(s) {', '.join(cols)}" for f, cols in extras)
            or "every column is one the descriptor lists",
        )
        if outcome:  # the failing and warned rows are in the database now: give their memory back before the builds
            rows = outcome.rows
            outcome = None
            release_memory(rows)

    return checks


def validation_fingerprint(
    con,
    suite: dict,
    source: SourceTable,
    tables: set[str],
    model_sql: tuple[str, ...] = (),
    exclude_own_files: bool = False,
) -> str:
    """What a table's validation depends on (not a whole refresh's: that is inputs.refresh_fingerprint): the loaded
    file versions of the source tables it reads (its own and its lookups), the suite and the frame's SQL. With
    exclude_own_files, all of it but the table's own files: while that part is unchanged, only the table's new rows
    need validating."""
    import hashlib

    versions = [v for v in loaded_versions(con) if v[0] in tables and not (exclude_own_files and v[0] == source.name)]
    payload = json.dumps(
        [versions, suite, source.frame_sql, source.validation_parameters, model_sql], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def partition_columns(suite: dict) -> list[str]:
    """The columns of the suite's uniqueness expectation: rows sharing their values may be duplicates of each
    other, so an incremental validation validates them together."""
    for expectation in suite["expectations"]:
        if expectation["type"] in ("expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique"):
            return _columns_of(expectation["kwargs"])
    return ["_file"]


def keys_table(source: SourceTable) -> str:
    """audit.keys_<table>: each raw row's uniqueness key as its frame computes it (a region named 深圳市 and one
    coded 440300 share a key), hashed, by file version (hashed), line and column. Kept between runs so that a new
    file finds the rows it may duplicate without computing the frame over the whole table."""
    return f"audit.keys_{source.name}"


VERSION = "hash(_file, _file_sha256)"  # a file version as a number: 10M keys in 0.3 GB, not 1 GB of names


def compute_keys(con, source: SourceTable, suite: dict, rows_sql: str) -> None:
    """The temp table _keys (_rid, _version, _line, _column, _key_hash): the hashed uniqueness key of each row of
    rows_sql (raw rows with their rowid as _rid), from the validation frame over those rows alone (the frame
    computes each row from itself and its lookups, and passes the raw row's columns on)."""
    columns = ", ".join(f'"{c}"' for c in partition_columns(suite))
    con.execute(f"create or replace temp view _key_rows as {rows_sql}")
    frame = source.frame_sql.replace(source.raw_table, "_key_rows")
    con.execute(
        f"create or replace temp table _keys as "
        f"select _rid, {VERSION} as _version, _line, _column, hash({columns}) as _key_hash from ({frame})"
    )


@dataclass
class ValidationPlan:
    """Which rows a check validates. In full, every row. Otherwise the rows of file versions not validated
    yet, plus every existing row that shares a uniqueness key with them or with a quarantined row of a
    removed version: the rows whose verdict can have changed. The rest keep their verdict. The temp table
    _plan_keys holds the key hash of each row to validate."""

    full: bool
    fresh: list[tuple[str, str]]  # (file, sha256) not validated yet
    rows: int  # raw rows to validate
    why: str

    def describe(self) -> str:
        if self.full:
            return f"every row ({self.why})"
        return f"the rows of {len(self.fresh)} new file version(s) and the rows sharing their keys ({self.why})"


def plan_validation(con, source: SourceTable, suite: dict, base: str) -> ValidationPlan:
    current = con.execute(
        "select file, sha256 from audit.load_ledger where source_table = ? and removed_at is null order by all",
        [source.name],
    ).fetchall()
    validated = con.execute(
        "select file, sha256 from audit.validated_versions where source_table = ? order by all", [source.name]
    ).fetchall()
    last = latest_verdict(con, source.check_name)
    keys = keys_table(source)
    kept = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'audit' and table_name = ?",
        [keys.split(".")[1]],
    ).fetchone()[0]
    if not validated or not last:
        why = "first validation"
    elif not con.execute(f"select count(*) from {source.raw_table}").fetchone()[0]:
        why = "the table is empty"  # which only the whole table's expectations can say
    elif last.blocks_publish:
        why = "the last verdict blocked"
    elif last.base_fingerprint != base:
        why = "the suite, the frame or a lookup table changed"
    elif not kept:
        why = "no row keys kept yet"
    else:
        why = ""
    raw = source.raw_table
    if why:
        compute_keys(con, source, suite, f"select rowid as _rid, * from {raw}")
        con.execute("create or replace temp view _plan_keys as select _rid, _key_hash from _keys")
        rows = con.execute(f"select count(*) from {raw}").fetchone()[0]
        return ValidationPlan(True, current, rows, why)
    fresh = sorted(set(current) - set(validated))
    gone = sorted(set(validated) - set(current))
    con.execute(
        "create or replace temp table _fresh as select unnest(?::varchar[]) as file, unnest(?::varchar[]) as sha256",
        [[f for f, _ in fresh], [h for _, h in fresh]],
    )
    con.execute(
        "create or replace temp table _gone as select unnest(?::varchar[]) as file, unnest(?::varchar[]) as sha256",
        [[f for f, _ in gone], [h for _, h in gone]],
    )
    compute_keys(con, source, suite, f"select rowid as _rid, * from {raw} where (_file, _file_sha256) in (from _fresh)")
    # the keys of the new rows and of the removed ones: every row sharing one may change its verdict
    con.execute(
        f"create or replace temp table _affected as select distinct _key_hash as h from _keys "
        f"union select distinct _key_hash from {keys} where _version in (select hash(file, sha256) from _gone)"
    )
    # the rows to validate: the new ones, and the kept ones sharing an affected key (found by their place)
    con.execute(
        f"""
        create or replace temp table _plan_keys as
        select _rid, _key_hash from _keys
        union all
        select r.rowid, kept._key_hash
        from {raw} as r
        join (select * from {keys} where _key_hash in (select h from _affected)) as kept
            on kept._version = hash(r._file, r._file_sha256) and kept._line = r._line and kept._column = r._column
        where (r._file, r._file_sha256) not in (from _fresh)
        """
    )
    # every new row counts, with a key or not: a row its frame drops is missed by the frame, and the count says so
    rows = con.execute(
        f"select (select count(*) from {raw} where (_file, _file_sha256) in (from _fresh)) "
        f"+ (select count(distinct _rid) from _plan_keys where _rid not in (select _rid from _keys))"
    ).fetchone()[0]
    why = f"{len(fresh)} added or changed, {len(gone)} removed or replaced"
    return ValidationPlan(False, fresh, rows, why)


def replace_quarantine(con, source: SourceTable, plan: ValidationPlan, outcome: ValidationOutcome) -> None:
    """Swap the validated rows' old verdicts for the new ones, and record which file versions are validated.
    Runs inside the caller's transaction."""
    table = source.quarantine_table
    current = "(select file, sha256 from audit.load_ledger where source_table = $table and removed_at is null)"
    if plan.full:
        con.execute(f"delete from {table}")
    else:
        con.execute(
            f"delete from {table} where (_file, _file_sha256) not in {current} "
            f"or (_file, _file_sha256) in (from _fresh) "
            f"or ({VERSION}, _line, _column) in (select {VERSION}, _line, "
            f"_column from {source.raw_table} where rowid in (select _rid from _plan_keys))",
            {"table": source.name},
        )
    if outcome.row_failures:
        con.register("bad_rows", outcome.quarantine())
        con.execute(
            f"insert into {table} by name select raw.*, bad._reason, bad._failed_expectations "
            f"from {source.raw_table} as raw join bad_rows as bad "
            f"on raw._file = bad._file and raw._line = bad._line and raw._column = bad._column"
        )
        con.unregister("bad_rows")
    # a warning depends on its row and the lookups alone: rows validated again get the same one (replaced)
    warnings = source.warnings_table
    if plan.full:
        con.execute(f"delete from {warnings}")
    else:  # removed versions, and the rows validated again: they get their warning anew, or none
        con.execute(
            f"delete from {warnings} where (_file, _file_sha256) not in {current} "
            f"or (_file, _file_sha256) in (from _fresh) "
            f"or ({VERSION}, _line, _column) in (select {VERSION}, _line, "
            f"_column from {source.raw_table} where rowid in (select _rid from _plan_keys))",
            {"table": source.name},
        )
    if outcome.row_warnings:
        con.register("warned_rows", outcome.quarantine(warnings=True))
        con.execute(
            f"insert into {warnings} select raw._file, raw._file_sha256, raw._line, raw._column, w._reason, w._rules "
            f"from {source.raw_table} as raw join warned_rows as w "
            f"on raw._file = w._file and raw._line = w._line and raw._column = w._column"
        )
        con.unregister("warned_rows")
    keys = keys_table(source)  # the new rows' keys kept, the removed rows' dropped
    if plan.full:
        con.execute(f"create or replace table {keys} as select _version, _line, _column, _key_hash from _keys")
    else:
        con.execute(
            f"delete from {keys} where _version not in (select hash(file, sha256) from {current}) "
            f"or _version in (select hash(file, sha256) from _fresh)",
            {"table": source.name},
        )
        con.execute(f"insert into {keys} select _version, _line, _column, _key_hash from _keys")
    con.execute("delete from audit.validated_versions where source_table = $table", {"table": source.name})
    con.execute(
        f"insert into audit.validated_versions select $table, file, sha256 from {current}", {"table": source.name}
    )


def files_over(con, source: SourceTable) -> dict[str, float]:
    """Files whose share of quarantined rows exceeds the descriptor's max_bad_share."""
    rows = con.execute(
        f"select l.file, count(*) / any_value(l.rows) from {source.quarantine_table} as q "
        "join audit.load_ledger as l on l.file = q._file and l.sha256 = q._file_sha256 "
        "where l.source_table = ? and l.removed_at is null group by l.file order by l.file",
        [source.name],
    ).fetchall()
    return {file: share for file, share in rows if share > source.max_bad_share}


def suite_columns(suite: dict) -> set[str]:
    """The columns a suite's expectations name, in their kwargs and their row conditions: all that Great
    Expectations needs of a frame."""

    def named(condition) -> set[str]:  # GX Condition JSON: {"column": {"name": ...}, ...}, nested in and/or
        if isinstance(condition, dict):
            found = {condition["column"]["name"]} if isinstance(condition.get("column"), dict) else set()
            return found.union(*(named(v) for v in condition.values()))
        if isinstance(condition, list):
            return set().union(*(named(v) for v in condition))
        return set()

    return {
        c for e in suite["expectations"] for c in {*_columns_of(e["kwargs"]), *named(e["kwargs"].get("row_condition"))}
    }


def frame_table(source: SourceTable) -> str:
    """audit.frame_<table>: the validation frame of the rows a check validates, while it runs (Great Expectations
    reads it through its own cursors, which see committed tables, not this connection's temp views)."""
    return f"audit.frame_{source.name}"


def validate_in_database(
    con, context, source: SourceTable, suite: dict, parameters: dict, docs, plan: ValidationPlan
) -> ValidationOutcome:
    """The suite over the plan's rows with Great Expectations' SQL engine on the build database
    (gx_duckdb.py): the frame of those rows is written to a table, every expectation runs in DuckDB, and
    the failing rows come back by file, line and column, with the values of the columns they failed on."""
    import time

    from pipelines.validate import gx_duckdb

    started = time.perf_counter()
    raw, table = source.raw_table, frame_table(source)
    rows_sql = (
        f"select * from {raw}" if plan.full else f"select * from {raw} where rowid in (select _rid from _plan_keys)"
    )
    con.execute(f"create or replace temp view _validated_rows as {rows_sql}")
    frame_sql = source.frame_sql.replace(raw, "_validated_rows")
    available = set(con.sql(f"select * from ({frame_sql}) limit 0").columns)
    wanted = ", ".join(f'"{c}"' for c in sorted((suite_columns(suite) | set(gx_duckdb.LINEAGE)) & available))
    context.log.info(f"{raw}: computing the validation frame of {plan.rows:,} rows")
    con.execute(f"create or replace table {table} as select {wanted} from ({frame_sql})")
    try:
        file_rows = Counter(dict(con.execute(f"select _file, count(*) from {table} group by all").fetchall()))
        outcome = ValidationOutcome(rows=sum(file_rows.values()), file_rows=file_rows)
        if outcome.rows == 0 and not plan.full:
            return outcome  # nothing to validate; an empty table fails only a full validation
        framed = time.perf_counter()
        context.log.info(
            f"{raw}: running {len(suite['expectations'])} expectations in DuckDB ({framed - started:.1f} s so far)"
        )
        publish = (lambda gx_context, result: docs.publish(gx_context, result, suite["name"])) if docs else None
        results = gx_duckdb.validate_table(con, table, suite, parameters, context=gx_context(docs), on_result=publish)
        context.log.info(
            f"{raw}: validated {outcome.rows:,} rows in {time.perf_counter() - started:.1f} s "
            f"(frame {framed - started:.1f} s, Great Expectations in DuckDB {time.perf_counter() - framed:.1f} s)"
        )
        for result in results:
            summary = {
                "expectation": result.type,
                "columns": ", ".join(result.columns),
                "success": result.success,
                "unexpected": int(result.unexpected_count or 0),
                "reason": result.reason,
                "sample": [],
            }
            outcome.expectations.append(summary)
            if result.success:
                continue
            if result.exception or result.failing_rows is None:
                detail = result.exception or "the table as a whole fails it"
                outcome.table_failures.append(
                    f"{result.reason} [{result.type} on {summary['columns'] or 'table'}]: {detail}"
                )
                continue
            flagged = outcome.row_warnings if result.severity == "warning" else outcome.row_failures
            for key, values in _failing_values(
                con, table, result.failing_rows, [c for c in result.columns if c in available]
            ):
                flagged[key].append((result.type, result.reason, values))
                if len(summary["sample"]) < 20:
                    summary["sample"].append(values)
        if outcome.rows != plan.rows:
            outcome.table_failures.append(
                f"the validation frame of {source.frame_origin} gave {outcome.rows:,} rows for "
                f"{plan.rows:,} raw rows: it must give one row per raw row (a lookup it joins has duplicate keys?)"
            )
        return outcome
    finally:
        con.execute(f"drop table if exists {table}")


def _failing_values(con, table: str, rows: frozenset, columns: list[str]) -> list[tuple[tuple[str, int, int], str]]:
    """Each failing row's key and its values of the given columns, as a reason shows them ("_value=1e+16")."""
    keys = pd.DataFrame(list(rows), columns=["_file", "_line", "_column"])
    selected = "".join(f', f."{c}"' for c in columns)
    found = (
        con.execute(
            f"select k._file, k._line, k._column{selected} from keys as k "
            f"join {table} as f on f._file = k._file and f._line = k._line and f._column = k._column"
        )
        .to_arrow_table()
        .to_pandas()
        if len(keys)
        else None
    )
    if found is None:
        return []
    shown = [[f"{c}={_shown(v)}" for v in found[c].tolist()] for c in columns]
    return [
        ((file, int(line), int(column)), ", ".join(values[i] for values in shown))
        for i, (file, line, column) in enumerate(
            zip(found["_file"].tolist(), found["_line"].tolist(), found["_column"].tolist())
        )
    ]


def record_results(con, run_id: str, source: SourceTable, outcome: ValidationOutcome) -> None:
    """Every expectation's result, kept in audit.validation_results: the validation history."""
    ensure_audit(con)
    rows = [
        (
            run_id,
            source.name,
            source.name,
            e["expectation"],
            e["columns"],
            e["success"],
            e["unexpected"],
            e["sample"],
            e["reason"],
        )
        for e in outcome.expectations
    ]
    if rows:
        con.executemany(
            "insert into audit.validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)", rows
        )


def changed_lookups(con, source: SourceTable, tables: set[str]) -> list[str]:
    """Files of the other source tables a check reads that were loaded or removed since its last verdict: a
    verdict that changes after them names them (a units.csv edit can quarantine many observations)."""
    (last,) = con.execute(
        "select max(checked_at) from audit.check_results where check_name = ? and passed is not null",
        [source.check_name],
    ).fetchone()
    if last is None:
        return []
    return [
        f
        for (f,) in con.execute(
            "select distinct file from audit.load_ledger where source_table in (select unnest(?::varchar[])) "
            "and (last_loaded_at > ? or removed_at > ?) order by 1",
            [sorted(tables - {source.name}), last, last],
        ).fetchall()
    ]


def _summary(
    source: SourceTable,
    outcome: ValidationOutcome,
    too_many: dict[str, float],
    quarantined: int,
    plan: ValidationPlan,
    files: list[tuple[str, int]],
    lookups: list[str],
) -> str:
    after = f"after a change to {', '.join(lookups[:3])}{' ...' if len(lookups) > 3 else ''}: " if lookups else ""
    if outcome.table_failures:
        shown = ", ".join(f"{f} ({rows:,} rows)" for f, rows in files[:3]) + (" ..." if len(files) > 3 else "")
        return (
            f"{after}{len(outcome.table_failures)} table-level failure(s) of {source.raw_table} ({shown}): "
            + " | ".join(outcome.table_failures)
        )
    scope = "" if plan.full else f" (only rows whose verdict can have changed: {plan.why})"
    if too_many:
        files = ", ".join(f"{f} ({share:.1%})" for f, share in too_many.items())
        return (
            f"{after}too many rows failed (more than {source.max_bad_share:.0%}) in {files}: fix the file(s); "
            f"each row's line and reason are in {source.quarantine_table}. {outcome.examples()}"
        )
    if quarantined:
        return (
            f"{after}{outcome.rows} rows validated{scope}, {len(outcome.row_failures)} of them failed; "
            f"{quarantined} rows are in {source.quarantine_table} and the rest flow on. {outcome.examples()}"
        )
    return f"all {outcome.rows} rows validated{scope} passed {len(outcome.expectations)} expectations."
