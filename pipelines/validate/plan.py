"""Which rows a check validates, and what it leaves behind: the keys of the rows, the plan (new file versions
only, or all when a lookup changed), the run in DuckDB, the quarantine and the recorded results."""

import json
import time
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from pipelines.core.ledger import ensure_audit, latest_verdict, loaded_versions
from pipelines.ingest.descriptors import SourceTable
from pipelines.validate.gx_context import gx_context
from pipelines.validate.gx_duckdb import LINEAGE, quote  # Great Expectations itself is imported when a suite runs
from pipelines.validate.suites import ValidationOutcome, partition_columns, shown_value, suite_columns


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


def keys_table(source: SourceTable) -> str:
    """audit.keys_<table>: each raw row's uniqueness key as its frame computes it (a region named 深圳市 and one
    coded 440300 share a key), hashed, by file version (hashed), line and column. Kept between runs so that a new
    file finds the rows it may duplicate without computing the frame over the whole table."""
    return f"audit.keys_{source.name}"


VERSION = "hash(_file, _file_sha256)"  # a file version as a number: 10M keys in 0.3 GB, not 1 GB of names


def frame_columns(con, source: SourceTable, suite: dict) -> list[str]:
    """The frame's columns a validation keeps: those the suite reads, and the row's lineage."""
    available = set(con.sql(f"select * from ({source.frame_sql}) limit 0").columns)
    return sorted((suite_columns(suite) | set(LINEAGE)) & available)


def compute_keys(con, source: SourceTable, suite: dict, rows_sql: str, kept: list[str] | None = None) -> None:
    """The temp table _keys (_rid, _version, _line, _column, _key_hash): the hashed uniqueness key of each row of
    rows_sql (raw rows with their rowid as _rid), from the validation frame over those rows alone (the frame
    computes each row from itself and its lookups, and passes the raw row's columns on). kept: also keep these
    columns of the frame in the temp table _key_frame, for the validation of the same rows to reuse (the frame
    costs ~60 ms on any number of rows, most of it planning its 450 lines)."""
    columns = ", ".join(f'"{c}"' for c in partition_columns(suite))
    con.execute(f"create or replace temp view _key_rows as {rows_sql}")
    frame = source.frame_sql.replace(source.raw_table, "_key_rows")
    if kept is not None:
        needed = sorted({*kept, *partition_columns(suite), *LINEAGE, "_file_sha256"})
        con.execute(
            f"create or replace temp table _key_frame as select _rid, {', '.join(map(quote, needed))} from ({frame})"
        )
        frame = "select * from _key_frame"
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
    columns: list[str] | None = None  # the frame's columns validated (frame_columns)
    reframe: int = 0  # rows beside the new ones (sharing their keys) whose frame is not in _key_frame yet

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
    columns = frame_columns(con, source, suite)
    compute_keys(
        con, source, suite, f"select rowid as _rid, * from {raw} where (_file, _file_sha256) in (from _fresh)", columns
    )
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
    fresh_rows, kept_rows = con.execute(
        f"select (select count(*) from {raw} where (_file, _file_sha256) in (from _fresh)), "
        f"(select count(distinct _rid) from _plan_keys where _rid not in (select _rid from _keys))"
    ).fetchone()
    why = f"{len(fresh)} added or changed, {len(gone)} removed or replaced"
    return ValidationPlan(False, fresh, fresh_rows + kept_rows, why, columns, kept_rows)


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


def frame_table(source: SourceTable) -> str:
    """audit.frame_<table>: the validation frame of the rows a check validates, while it runs (Great Expectations
    reads it through its own cursors, which see committed tables, not this connection's temp views)."""
    return f"audit.frame_{source.name}"


@dataclass(frozen=True)
class SuiteRun:
    """A suite as it runs: its expectations, the values its parameter queries gave, and the Data Docs site its
    results go to (None: no docs)."""

    suite: dict
    parameters: dict
    docs: object | None = None


def validate_in_database(con, log, source: SourceTable, run: SuiteRun, plan: ValidationPlan) -> ValidationOutcome:
    """The suite over the plan's rows with Great Expectations' SQL engine on the build database
    (gx_duckdb.py): the frame of those rows is written to a table, every expectation runs in DuckDB, and
    the failing rows come back by file, line and column, with the values of the columns they failed on."""

    from pipelines.validate import gx_duckdb

    suite, parameters, docs = run.suite, run.parameters, run.docs
    started = time.perf_counter()
    raw, table = source.raw_table, frame_table(source)
    columns = plan.columns or frame_columns(con, source, suite)
    wanted = ", ".join(map(quote, columns))
    log.info(f"{raw}: computing the validation frame of {plan.rows:,} rows")
    if plan.full:
        con.execute(f"create or replace table {table} as select {wanted} from ({source.frame_sql})")
    else:  # the new rows' frame as planning computed it, and the frame of the rows sharing their keys
        reframed = ""
        if plan.reframe:
            con.execute(
                f"create or replace temp view _validated_rows as select * from {raw} "
                f"where rowid in (select _rid from _plan_keys) and rowid not in (select _rid from _keys)"
            )
            frame_sql = source.frame_sql.replace(raw, "_validated_rows")
            reframed = f" union all select {wanted} from ({frame_sql})"
        con.execute(f"create or replace table {table} as select {wanted} from _key_frame{reframed}")
    try:
        file_rows = Counter(dict(con.execute(f"select _file, count(*) from {table} group by all").fetchall()))
        outcome = ValidationOutcome(rows=sum(file_rows.values()), file_rows=file_rows)
        if outcome.rows == 0 and not plan.full:
            return outcome  # nothing to validate; an empty table fails only a full validation
        framed = time.perf_counter()
        log.info(
            f"{raw}: running {len(suite['expectations'])} expectations in DuckDB ({framed - started:.1f} s so far)"
        )
        publish = (lambda gx_context, result: docs.publish(gx_context, result, suite["name"])) if docs else None
        results = gx_duckdb.validate_table(con, table, suite, parameters, context=gx_context(docs), on_result=publish)
        log.info(
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
                con, table, result.failing_rows, [c for c in result.columns if c in columns]
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
    shown = [[f"{c}={shown_value(v)}" for v in found[c].tolist()] for c in columns]
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
