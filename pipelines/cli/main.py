"""`regind`: the analyst's command line. Refresh the warehouse without the UI, and look into the published
file read-only: tables, describe, status, query (saved queries with bound parameters; table, CSV, JSON or
Parquet output)."""

import argparse
import os
import re
import sys
import traceback
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from pipelines.core.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT, read_published
from pipelines.core.redaction import redact

console = Console(width=None if Console().is_terminal else 160)
errors = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)
PUBLISHED = DEFAULT_WAREHOUSE_DIR / "warehouse.duckdb"
EXAMPLE_QUERY = PROJECT_ROOT / "sql" / "queries" / "shenzhen_2023_with_growth.sql"
SHOWN_TABLES = [
    "dim_region",
    "region_code_change",
    "dim_indicator",
    "dim_period",
    "dim_source",
    "fact_observation",
    "v_observation",
]
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
TABLE_ROWS_SHOWN = 200
FORMATS = ("table", "csv", "json", "parquet")


class UsageError(Exception):
    """A mistake in what the user asked for: shown as one red line, exit status 2."""


def reads_lake(args: argparse.Namespace | None = None) -> bool:
    """Whether a command reads the lake: REGIND_TARGET=ducklake and no file given with --database."""
    from pipelines.publish.lake import target

    return not getattr(args, "database", None) and target() == "ducklake"


def open_warehouse(args: argparse.Namespace | None = None) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: a file given with --database, else the published file or, with
    REGIND_TARGET=ducklake, the lake (at --snapshot if given)."""
    from pipelines.publish.lake import Lake, read_lake

    snapshot = getattr(args, "snapshot", None)
    if not reads_lake(args):
        if snapshot is not None:
            raise UsageError(
                "--snapshot reads an earlier publish of the lake: set REGIND_TARGET=ducklake (README: Scaling out)"
            )
        return read_published(Path(getattr(args, "database", None) or PUBLISHED))
    try:
        return read_lake(Lake.from_env(), snapshot)
    except (ConnectionError, LookupError) as error:
        raise UsageError(str(error)) from None


def shown_warehouse(args: argparse.Namespace | None = None) -> str:
    from pipelines.publish.lake import Lake

    if not reads_lake(args):
        return _shown(Path(getattr(args, "database", None) or PUBLISHED))
    snapshot = getattr(args, "snapshot", None)
    return f"the lake ({Lake.from_env().shown}{f', snapshot {snapshot}' if snapshot is not None else ''})"


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e16 else f"{value:,.6g}"
    return str(value)


def print_result(title: str, columns: list[str], rows: list[tuple], total: int | None = None) -> None:
    table = Table(title=title or None, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if total is not None and total > len(rows):
        console.print(f"[yellow]{len(rows)} of {total:,} rows shown[/]: use --format csv --output FILE for all of them")


# --- read-only access -------------------------------------------------------------------------------------


def check_read_only(sql: str) -> None:
    """Refuse anything but one SELECT (or EXPLAIN), naming what was refused and why."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise UsageError(f"the SQL does not parse: {error}") from None
    if not statements:
        raise UsageError("the SQL is empty")
    if len(statements) > 1:
        raise UsageError(f"one statement at a time, please: this SQL has {len(statements)}")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        name = kind.name.replace("_", " ")
        raise UsageError(
            f"{name} is refused: regind query only reads the published warehouse (SELECT, EXPLAIN). Tables change "
            "only through `regind refresh` from data/raw; files are written with --format/--output, not COPY; "
            "ATTACH, INSTALL and LOAD are not available."
        )


def parameters(sql: str, given: list[str], source: str) -> dict[str, str]:
    """--param name=value for each $name in the SQL, bound by DuckDB (never pasted into the text)."""
    named = dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", re.sub(r"'[^']*'|--[^\n]*", "", sql)))
    values = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: write --param NAME=VALUE, e.g. --param region=440300")
        values[name.strip()] = value
    missing = [n for n in named if n not in values]
    unknown = [n for n in values if n not in named]
    if missing:
        raise UsageError(f"{source} needs " + " ".join(f"--param {n}=VALUE" for n in missing))
    if unknown:
        takes = ", ".join(named) or "no parameters"
        raise UsageError(f"{source} has no parameter {', '.join(unknown)} (it takes: {takes})")
    return values


# --- commands ---------------------------------------------------------------------------------------------


def query(args: argparse.Namespace) -> int:
    if args.file:
        path = Path(args.file)
        if not path.exists():
            saved = ", ".join(sorted(p.name for p in (PROJECT_ROOT / "sql" / "queries").glob("*.sql")))
            raise UsageError(f"{path} does not exist. Saved queries: {saved} (in sql/queries/)")
        sql, source = path.read_text(encoding="utf-8"), str(path)
    elif args.sql:
        sql, source = args.sql, "the query"
    else:
        raise UsageError('give a query: regind query "select ..." or regind query -f sql/queries/NAME.sql')
    if args.format == "parquet" and not args.output:
        raise UsageError("Parquet is binary: give --output FILE.parquet")
    check_read_only(sql)
    bound = parameters(sql, args.param, source)
    with open_warehouse(args) as con:
        if args.as_of:
            read_as_of(con, args.as_of)
        result = con.execute(sql, bound).to_arrow_table()
    title = " ".join(t for t in (args.file or "", f"(as of {args.as_of})" if args.as_of else "") if t)
    write_result(result, args.format, args.output, title=title)
    return 0


def read_as_of(con: duckdb.DuckDBPyConnection, as_of: str) -> None:
    """v_observation, and the views that read it (v_observation_current ...), as known on a day: for the rest of
    this connection, a temporary view of the same name over observation_as_of (sql/macros.sql) shadows it."""
    from datetime import date

    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date: write it as 2024-06-30") from None
    if not con.execute("select count(*) from duckdb_functions() where function_name = 'observation_as_of'").fetchone()[
        0
    ]:
        # a lake holds no macros: the file's, created for this connection
        macros = duckdb.extract_statements((PROJECT_ROOT / "sql" / "macros.sql").read_text(encoding="utf-8"))
        (macro,) = [m.query for m in macros if "macro observation_as_of" in m.query]
        con.execute(macro.replace("create or replace macro", "create or replace temp macro", 1))
    con.execute(f"create temp view v_observation as select * from observation_as_of(date '{day.isoformat()}')")


def write_result(result, fmt: str, output: str | None, title: str = "") -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "table":
        rows = result.slice(0, TABLE_ROWS_SHOWN).to_pylist()
        print_result(title, result.column_names, [tuple(r.values()) for r in rows], total=result.num_rows)
        return
    if fmt == "parquet":
        pq.write_table(result, output)
    elif fmt == "csv":
        target = output or sys.stdout.buffer
        pacsv.write_csv(result, target)
        if not output:
            sys.stdout.flush()
    else:  # json: one array of objects, dates as ISO strings, Chinese as is
        frame = result.to_pandas()
        text = frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
    if output:
        errors.print(f"wrote {result.num_rows:,} rows to {output} ({fmt})")


def tables(args: argparse.Namespace) -> int:
    from pipelines.publish.lake import STAGE_SCHEMA

    with open_warehouse(args) as con:
        listed = con.execute(
            "select * from (select schema_name, table_name, 'table' as kind, comment from duckdb_tables() "
            "where not internal and database_name = current_database() union all select schema_name, view_name, "
            "'view', comment from duckdb_views() "
            # not the lake's stage schemas behind its published views (pipelines/publish/lake.py)
            "where not internal and database_name = current_database()) where not regexp_full_match(schema_name, "
            f"'{STAGE_SCHEMA.pattern}') order by case schema_name when 'main' then 0 when 'staging' then 1 "
            "when 'quarantine' then 2 else 3 end, 1, 2"
        ).fetchall()
        rows = []
        for schema, name, kind, comment in listed:
            count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            rows.append(
                (name if schema == "main" else f"{schema}.{name}", kind, count, (comment or "").split("\n")[0][:100])
            )
    print_result(f"Tables in {shown_warehouse(args)}", ["table", "kind", "rows", "what it holds"], rows)
    console.print("regind describe TABLE shows a table's columns.")
    return 0


def describe(args: argparse.Namespace) -> int:
    schema, _, name = args.table.rpartition(".")
    schema = schema or "main"
    with open_warehouse(args) as con:
        found = con.execute(
            "select comment from duckdb_tables() where schema_name = ? and table_name = ? "
            "and database_name = current_database() union all select comment from duckdb_views() where schema_name = ? "
            "and view_name = ? and database_name = current_database()",
            [schema, name, schema, name],
        ).fetchall()
        if not found:
            known = [
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where schema_name = 'main' "
                    "and database_name = current_database() union select view_name from duckdb_views() "
                    "where schema_name = 'main' and not internal and database_name = current_database() order by 1"
                ).fetchall()
            ]
            raise UsageError(
                f"no table {args.table} in the warehouse. Tables: "
                f"{', '.join(known)} (and staging.*, quarantine.*, audit.*: regind tables)"
            )
        columns = con.execute(
            "select column_name, data_type, is_nullable, comment from duckdb_columns() "
            "where schema_name = ? and table_name = ? and database_name = current_database() order by column_index",
            [schema, name],
        ).fetchall()
        count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
    if found[0][0]:
        console.print(found[0][0])
    print_result(
        f"{args.table}: {count:,} rows",
        ["column", "type", "nullable"],
        [(c, t, "yes" if n else "no") for c, t, n, _ in columns],
    )
    return 0


def status(args: argparse.Namespace) -> int:
    from datetime import datetime

    from pipelines.core.ledger import latest_verdicts, quarantine_counts

    with open_warehouse(args) as con:
        checks = latest_verdicts(con)
        quarantined = quarantine_counts(con)
        facts = con.execute("select count(*) from fact_observation").fetchone()[0]
        findings = con.execute(
            "select severity, rule_code, "
            "coalesce(region_code, '') || coalesce(' ' || entity_name, '') || ' ' || period_code, "
            "printf('%.6g', published_value), printf('%.6g', recomputed_value), explanation_text "
            "from consistency_finding "
            "order by severity = 'info', severity = 'warning', rule_code, region_code, period_code limit 20"
        ).fetchall()
        (findings_total,) = con.execute("select count(*) from consistency_finding").fetchone()
        revised, conflicts, superseded = con.execute(
            "select count(*) filter (where is_current and change_from_first is distinct from 0), "
            "count(*) filter (where change_type = 'conflict'), "
            "count(*) filter (where not is_current) from observation_revision"
        ).fetchone()
        if reads_lake(args):  # the lake: its publishes say when
            from pipelines.publish.lake import publishes

            published = [
                p for p in publishes(con, "warehouse") if args.snapshot is None or p["snapshot"] <= args.snapshot
            ][-1]["published_at"]
        else:
            published = datetime.fromtimestamp(Path(args.database or PUBLISHED).stat().st_mtime)
    published = published.astimezone()
    console.print(
        f"[bold]{shown_warehouse(args)}[/]: published {published:%Y-%m-%d %H:%M %Z}; {facts:,} observations, "
        f"{facts - superseded:,} of them current (v_observation)"
    )
    passed = sum(1 for c in checks if c[1])
    console.print(f"checks: {passed} passed, {len(checks) - passed} failed or with warnings")
    console.print(
        f"releases: {revised:,} figures revised by a later release, {conflicts:,} conflicts between publications of "
        "the same day (observation_revision)"
    )
    print_result(
        "Checks (latest verdict)",
        ["check", "outcome", "when", "summary"],
        [(c, "passed" if ok else "FAILED", f"{at:%Y-%m-%d %H:%M}", (s or "")[:120]) for c, ok, _, s, at in checks],
    )
    print_result("Rows quarantined", ["table (reasons in quarantine.<table>)", "rows"], quarantined)
    print_result(
        f"Figures that disagree ({findings_total:,}; consistency_finding)",
        ["severity", "rule", "where", "published", "recomputed", "likeliest explanation"],
        findings,
    )
    return 1 if passed < len(checks) and args.strict else 0


SUMMARY_CHARS = 300  # of a check's summary in the refresh's table of checks
FAILURE_CHARS = 600  # of a failed step's message


def step_failures(result) -> list[tuple[str, str]]:
    """(step, message as printed) of each failed step of a run: the error that caused it, not Dagster's wrapper
    ("Error occurred while executing op ...")."""
    failures = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            failures.append((event.step_key, redact(error.message.strip())[:FAILURE_CHARS]))
    return failures


def failure_messages(result) -> list[str]:
    """What `regind refresh` tells its user of a failed run: the summary of each check that failed and the
    message of each step that failed, cut as printed."""
    checks = [
        f"{e.asset_check_key.to_user_string()}: {(e.description or '')[:SUMMARY_CHARS]}"
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]
    return checks + [f"{step}: {message}" for step, message in step_failures(result)]


def refresh(args: argparse.Namespace) -> int:
    import time

    from pipelines.core import inputs

    started = time.perf_counter()
    fingerprint = inputs.refresh_fingerprint(DEFAULT_RAW_DIR)
    since = None if args.force else inputs.unchanged_since_last_refresh(DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR)
    if since:
        console.print(
            f"[bold]Nothing to refresh[/]: no file under {_shown(DEFAULT_RAW_DIR)}, no suite, SQL file or code "
            f"changed since the refresh of {since}, "
            "and its published warehouse stands (--force runs every step anyway)."
        )
        show_published(f"in {time.perf_counter() - started:.1f} s")
        return 0
    inputs.forget_refresh(DEFAULT_WAREHOUSE_DIR)  # until this run publishes, the next one runs too
    import dagster as dg

    from pipelines.core.progress import ProgressDisplay
    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_warehouse")
    console.print("[bold]Refreshing the warehouse[/]: ingest, validate, build, publish")
    with ProgressDisplay(console, total_steps=len(job.graph.nodes), show_log=bool(args.log_level)) as display:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={
                "loggers": {
                    "console": {"config": {"log_level": (args.log_level or "critical").upper()}},
                    "progress": {"config": {"enabled": True}},
                }
            },
        )
    checks = Table(title="Checks", title_justify="left")
    for column in ("check", "outcome", "summary"):
        checks.add_column(column)
    for evaluation in result.get_asset_check_evaluations():
        outcome = "passed" if evaluation.passed else f"FAILED ({evaluation.severity.value})"
        checks.add_row(
            evaluation.asset_check_key.to_user_string(), outcome, (evaluation.description or "")[:SUMMARY_CHARS]
        )
    console.print(checks)
    slowest = sorted(display.step_seconds.items(), key=lambda item: -item[1])[:6]
    if slowest:
        console.print(
            "Slowest steps: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in slowest), highlight=False
        )
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        skipped = [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
        for step, message in step_failures(result):
            console.print(f"[red]{step}[/]: {message}")
        console.print(
            f"[red]The refresh failed[/] (failed: {', '.join(failed) or 'none'}; blocked: "
            f"{len(skipped)} step(s)). The published warehouse was left as it was. {display.elapsed}"
        )
        return 1
    from pipelines.publish.lake import target

    if target() == "ducklake" and not publish_to_lake(instance):
        return 1
    inputs.record_refresh(DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, fingerprint)
    show_published(display.elapsed)
    return 0


def publish_to_lake(instance) -> bool:
    """REGIND_TARGET=ducklake: the publish_lake job, its writers in parallel processes (they need a persistent
    Dagster instance: DAGSTER_HOME, which `make run` sets; else a temporary one)."""
    import time

    import dagster as dg

    from pipelines.publish.lake import Lake
    from pipelines.publish.publish_lake import LAKE_WRITERS, run_publish_lake

    started = time.perf_counter()
    console.print(f"[bold]Publishing to the lake[/] {Lake.from_env().shown}: up to {LAKE_WRITERS} writers at once")
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}  # the steps' own failures are printed below
    log = DEFAULT_WAREHOUSE_DIR / "publish_lake.log"
    # the writer processes log their start to stderr whatever the run's loggers say: into a file, not the terminal
    saved = os.dup(2)
    with open(log, "w", encoding="utf-8") as file:
        os.dup2(file.fileno(), 2)
        try:
            if instance.is_ephemeral:
                with dg.DagsterInstance.local_temp() as temporary:
                    result = run_publish_lake(temporary, quiet)
            else:
                result = run_publish_lake(instance, quiet)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    if not result.success:
        for step, message in step_failures(result):
            console.print(f"[red]{step}[/]: {message}")
        console.print(
            f"[red]The lake publish failed[/] (its log: {_shown(log)}): the lake still reads its last publish; the "
            "warehouse file is published. "
            "Run `regind refresh` again (the writers redo their schemas; nothing else reruns)."
        )
        return False
    console.print(f"Published to the lake in {time.perf_counter() - started:.1f} s")
    return True


def publishes(args: argparse.Namespace) -> int:
    """The lake's publishes: snapshots an analyst can pin with --snapshot (time travel)."""
    from pipelines.publish.lake import Lake, publishes as lake_publishes, target

    if target() != "ducklake":
        raise UsageError("publishes are the lake's: set REGIND_TARGET=ducklake (README: Scaling out)")
    with open_warehouse() as con:
        rows = [
            (p["snapshot"], f"{p['published_at']:%Y-%m-%d %H:%M:%S %Z}", p.get("publish_id", ""), p.get("run_id", ""))
            for p in lake_publishes(con, "warehouse")
        ]
    print_result(f"Publishes in the lake ({Lake.from_env().shown})", ["snapshot", "published at", "build", "run"], rows)
    console.print("regind query --snapshot N reads the warehouse as publish N left it.")
    return 0


def show_published(elapsed: str) -> None:
    with open_warehouse() as con:
        counts = [(t, con.execute(f"select count(*) from {t}").fetchone()[0]) for t in SHOWN_TABLES]
        print_result(f"Published {shown_warehouse()} {elapsed}", ["table", "rows"], counts)
        cursor = con.execute(EXAMPLE_QUERY.read_text(encoding="utf-8"))
        print_result(f"Example: {_shown(EXAMPLE_QUERY)}", [d[0] for d in cursor.description], cursor.fetchall())
    report = DEFAULT_WAREHOUSE_DIR / "report" / "index.html"
    if report.exists():
        console.print(f"Report: {report.as_uri()}")


EXTRACT_SHOWN = [
    "indicator_code",
    "label",
    "region_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "measure_type",
    "quote",
    "start",
    "end",
    "confidence",
]


def extract(args: argparse.Namespace) -> int:
    """The candidate observations of one document, read against the published warehouse's catalog."""
    import pyarrow as pa

    from pipelines.prose.documents import DocumentError, read_document
    from pipelines.prose.extract import COLUMNS, Catalog, Extractor

    path = Path(args.path)
    if not path.is_file():
        raise UsageError(f"{path} is not a file: give a document (.txt, .md or .html)")
    try:
        document = read_document(path, root=DEFAULT_RAW_DIR)
    except DocumentError as error:
        raise UsageError(str(error)) from None
    with open_warehouse(args) as con:
        catalog = Catalog.from_warehouse(con)
    candidates = Extractor(catalog).extract(document)
    rows = [c.row() for c in candidates]
    columns = EXTRACT_SHOWN if args.format == "table" else COLUMNS
    result = pa.Table.from_pylist(
        [{k: r[k] for k in columns} for r in rows],
        schema=pa.schema(
            [
                (
                    k,
                    pa.float64()
                    if k in ("value", "confidence")
                    else pa.int64()
                    if k in ("start", "end")
                    else pa.string(),
                )
                for k in columns
            ]
        ),
    )
    if args.format == "table":
        errors.print(
            f"{path}: {document.kind}, reference year {document.year or 'not known'}, published "
            f"{document.published_on or 'on a date not given'}; {len(rows)} candidate(s)",
            highlight=False,
        )
    write_result(result, args.format, args.output, title=str(path))
    unresolved = sum(1 for c in candidates if c.flags and any("set it" in f for f in c.flags))
    if unresolved and args.format == "table":
        errors.print(
            f"{unresolved} candidate(s) flagged: a region or period the text does not settle (see --format csv, flags)"
        )
    return 0


REVIEW_SHOWN = [
    "candidate_id",
    "review_status",
    "indicator_code",
    "label",
    "region_code",
    "period",
    "printed",
    "entity",
    "confidence",
    "quote",
    "same_as",
]


def review(args: argparse.Namespace) -> int:
    """List the candidates proposed from documents, or accept or reject some: decisions go to data/raw/reviews/
    and the next refresh applies them."""
    from pipelines.prose.review import append_decisions

    with open_warehouse(args) as con:
        if args.action == "list":
            where, bound = [], []
            if args.document:
                where.append("document like ?")
                bound.append(f"%{args.document}%")
            if args.status != "all":
                where.append("review_status like ?")
                bound.append(f"{args.status}%")
            sql = "select * from v_candidate_review" + (" where " + " and ".join(where) if where else "")
            result = con.execute(sql, bound).to_arrow_table()
            if args.format == "table":
                result = result.select(REVIEW_SHOWN)
            write_result(
                result,
                args.format,
                args.output,
                title="Candidates from documents (accept or reject: regind review accept ID ...)",
            )
            return 0
        if not args.ids:
            raise UsageError(f"give the ids of the candidates to {args.action} (regind review lists them)")
        if args.action == "map":
            return _map_candidate(con, args)
        known = dict(con.execute("select candidate_id, review_status from v_candidate_review").fetchall())
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        raise UsageError(
            f"no candidate has the id(s) {', '.join(unknown)} in the published warehouse: `regind review` lists "
            "them (refresh first if a document was just added)"
        )
    path = append_decisions(
        DEFAULT_RAW_DIR, args.ids, args.action, args.region, args.period, args.note, os.environ.get("USER")
    )
    console.print(
        f"{args.action}ed {len(args.ids)} candidate(s): recorded in {_shown(path)}. `regind refresh` applies the "
        "decisions (an accepted candidate becomes an observation whose source is its document).",
        highlight=False,
    )
    return 0


def _map_candidate(con, args: argparse.Namespace) -> int:
    """`regind review map ID CATALOG_CODE`: an uncatalogued candidate's name becomes a synonym of a catalog
    indicator."""
    from pipelines.prose.extract import unmeasured
    from pipelines.prose.review import append_mappings

    if len(args.ids) != 2:
        raise UsageError(
            "give one candidate id and the catalog indicator its name is: regind review map ID CATALOG_CODE"
        )
    candidate_id, code = args.ids
    found = con.execute(
        "select label, indicator_code from v_candidate_review where candidate_id = ?", [candidate_id]
    ).fetchone()
    if found is None:
        raise UsageError(
            f"no candidate has the id {candidate_id} in the published warehouse: `regind review` lists them"
        )
    label, current = found
    if current:
        raise UsageError(
            f"candidate {candidate_id} is read as {current}, a catalog indicator already: accept or reject it"
        )
    if not con.execute(
        "select 1 from dim_indicator where indicator_origin = 'catalog' and indicator_code = ?", [code]
    ).fetchone():
        raise UsageError(
            f"{code} is not an indicator of the catalog (data/raw/indicators/indicators.csv): "
            '`regind query "select indicator_code, name_zh from dim_indicator"` lists them'
        )
    level = unmeasured(label)  # the mapping names the level: 牧业产值增长 -> 牧业产值
    path = append_mappings(DEFAULT_RAW_DIR, [level], code, args.note, os.environ.get("USER"))
    console.print(
        f"mapped {level} to {code}: recorded in {_shown(path)}. `regind refresh` reads the figure as {code} "
        "(or its growth, change ...), proposed again for you to accept.",
        highlight=False,
    )
    return 0


REGISTERED_SHOWN = [
    "indicator_code",
    "name_zh",
    "published_unit",
    "measure_type",
    "figures",
    "registered_from",
    "closest",
]


def map_indicator(args: argparse.Namespace) -> int:
    """List the indicators registered from files, or map one (by its code or its name as printed) to a catalog
    indicator: the mapping goes to data/raw/indicator_mappings/ and the next refresh loads its figures as that one."""
    from pipelines.prose.review import append_mappings

    with open_warehouse(args) as con:
        registered = con.execute(
            "select i.*, (select count(*) from fact_observation as f where f.indicator_key = i.indicator_key) "
            "as figures from dim_indicator as i where indicator_origin = 'registered from file' order by indicator_code"
        ).to_arrow_table()
        if args.printed is None:
            write_result(
                registered.select(REGISTERED_SHOWN),
                args.format,
                args.output,
                title="Indicators registered from files (map one: regind map-indicator NAME_OR_CODE CATALOG_CODE)",
            )
            return 0
        if args.indicator_code is None:
            raise UsageError("give the catalog indicator to map it to: regind map-indicator NAME_OR_CODE CATALOG_CODE")
        catalog = con.execute(
            "select indicator_code, name_zh, published_unit from dim_indicator where indicator_origin = 'catalog' "
            "and indicator_code = ?",
            [args.indicator_code],
        ).fetchone()
        if catalog is None:
            raise UsageError(
                f"{args.indicator_code} is not an indicator of the catalog (data/raw/indicators/indicators.csv): "
                '`regind query "select indicator_code, name_zh from dim_indicator"` lists them'
            )
        printed = [args.printed]
        if args.printed.startswith("reg_"):  # a registered indicator's code: every name it was printed by
            printed = [
                r[0]
                for r in con.execute(
                    "select distinct published_indicator from fact_observation as f join dim_indicator as i "
                    "using (indicator_key) where i.indicator_code = ? and published_indicator is not null order by 1",
                    [args.printed],
                ).fetchall()
            ]
            if not printed:
                raise UsageError(
                    f"no indicator registered from a file has the code {args.printed}: "
                    "`regind map-indicator` lists them"
                )
    path = append_mappings(DEFAULT_RAW_DIR, printed, args.indicator_code, args.note, os.environ.get("USER"))
    console.print(
        f"mapped {', '.join(printed)} to {catalog[0]} ({catalog[1]}, {catalog[2]}): recorded in {_shown(path)}. "
        "`regind refresh` loads its figures as that indicator.",
        highlight=False,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regind", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    r = commands.add_parser("refresh", help="ingest, validate, build and publish the warehouse, with progress")
    r.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="print the Dagster run log at this level instead of the progress display",
    )
    r.add_argument(
        "--force",
        action="store_true",
        help="run every step even when nothing changed since the last refresh (each step still skips what it can)",
    )
    r.set_defaults(run=refresh)

    def database_option(command):
        command.add_argument(
            "--database",
            help="a warehouse file (default: the published warehouse: the file, or the lake "
            "with REGIND_TARGET=ducklake)",
        )
        command.add_argument(
            "--snapshot",
            type=int,
            help="the lake as one earlier publish left it (REGIND_TARGET=ducklake): "
            "a snapshot that `regind publishes` lists",
        )

    q = commands.add_parser(
        "query",
        help="run one SELECT on the published warehouse (read-only)",
        description="Runs one SELECT on the published warehouse, read-only. $name in the SQL is "
        "a parameter: give it with --param name=value (bound, never pasted into the SQL; values "
        "are text, so cast in the SQL where needed: $year::integer).",
    )
    q.add_argument("sql", nargs="?", help="the query")
    q.add_argument("-f", "--file", help="a .sql file, e.g. sql/queries/region_profile.sql")
    q.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter of the query (repeatable)"
    )
    q.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv, json or parquet")
    q.add_argument("-o", "--output", help="write to this file instead of the terminal")
    q.add_argument(
        "--as-of",
        metavar="DATE",
        help="v_observation as known on that day (2024-06-30): only the releases out "
        "by then, and of each figure the one current then",
    )
    database_option(q)
    q.set_defaults(run=query)

    t = commands.add_parser("tables", help="the tables and views of the published warehouse, with row counts")
    database_option(t)
    t.set_defaults(run=tables)

    d = commands.add_parser("describe", help="what a table holds, and its columns and types")
    d.add_argument("table", help="e.g. fact_observation, staging.stg_observations, quarantine.observations")
    database_option(d)
    d.set_defaults(run=describe)

    s = commands.add_parser("status", help="last refresh, checks passed and failed, rows quarantined")
    s.add_argument("--strict", action="store_true", help="exit 1 when a check's latest verdict did not pass")
    database_option(s)
    s.set_defaults(run=status)

    p = commands.add_parser(
        "publishes", help="the lake's publishes, to read an earlier one with --snapshot (REGIND_TARGET=ducklake)"
    )
    p.set_defaults(run=publishes)

    e = commands.add_parser(
        "extract",
        help="propose observations from a document's prose (a communiqué, report or news page)",
        description="Reads a .txt, .md or .html document (and its sidecar DOCUMENT.toml) and prints the "
        "observations its sentences state, each with its quote, the quote's offsets in the text and a "
        "confidence. Nothing is written to the warehouse.",
    )
    e.add_argument("path", help="the document, e.g. data/raw/documents/2025_bulletin.md")
    e.add_argument("--format", choices=("table", "csv", "json"), default="table", help="table (default), csv or json")
    e.add_argument("-o", "--output", help="write to this file instead of the terminal")
    database_option(e)
    e.set_defaults(run=extract)

    v = commands.add_parser(
        "review",
        help="candidates proposed from documents: list them, accept or reject some",
        description="Lists the observations proposed from the documents in data/raw/documents/ with "
        "their decision (proposed, accepted, rejected), or records decisions: `regind review accept ID ...`, "
        "`regind review reject ID ... --note why`. Decisions are appended to data/raw/reviews/decisions.csv; "
        "the next refresh turns accepted candidates into observations whose source is the document.",
    )
    v.add_argument(
        "action",
        nargs="?",
        choices=("list", "accept", "reject", "map"),
        default="list",
        help="accept an uncatalogued candidate to register its indicator, or map its name to a catalog indicator: "
        "regind review map ID CATALOG_CODE",
    )
    v.add_argument("ids", nargs="*", help="candidate ids, as listed")
    v.add_argument("--document", help="list only candidates of documents whose name contains this")
    v.add_argument(
        "--status", choices=("proposed", "accepted", "rejected", "all"), default="all", help="list only these"
    )
    v.add_argument(
        "--region", help="accept with this region code (for a candidate whose region the text does not settle)"
    )
    v.add_argument("--period", help="accept with this period (2023, 2023-Q1, 2023-01)")
    v.add_argument("--note", help="why: kept with the decision")
    v.add_argument("--format", choices=("table", "csv", "json"), default="table")
    v.add_argument("-o", "--output", help="write the list to this file")
    database_option(v)
    v.set_defaults(run=review)

    m = commands.add_parser(
        "map-indicator",
        help="indicators registered from files: list them, or map one to the catalog",
        description="Without arguments, lists the indicators files printed that the catalog lacks "
        "(registered from the file, their figures kept with a warning), with the catalog entries nearest "
        "to each. With a name as printed (or a registered code, reg_...) and a catalog code, appends the "
        "mapping to data/raw/indicator_mappings/mappings.csv: the name becomes a synonym of that indicator "
        "and the next refresh loads its figures as it.",
    )
    m.add_argument(
        "printed", nargs="?", help="the name as printed (房地产开发投资额(亿元)) or a registered code (reg_...)"
    )
    m.add_argument("indicator_code", nargs="?", help="the catalog indicator it is (real_estate_investment)")
    m.add_argument("--note", help="why: kept with the mapping")
    m.add_argument("--format", choices=("table", "csv", "json"), default="table")
    m.add_argument("-o", "--output", help="write the list to this file")
    database_option(m)
    m.set_defaults(run=map_indicator)

    args = parser.parse_args(argv)
    from pipelines.publish.lake import target

    try:
        target()
    except ValueError as error:  # the one setting, mistyped: say so before anything starts
        errors.print(f"[red]regind {args.command}: {error}[/]")
        return 2
    try:
        return args.run(args)
    except (UsageError, FileNotFoundError) as error:
        errors.print(f"[red]regind {args.command}: {redact(str(error))}[/]")
        return 2
    except duckdb.Error as error:  # the query's own mistake: show DuckDB's message, not a traceback
        errors.print(f"[red]regind {args.command}: {type(error).__name__}: {redact(str(error))}[/]")
        return 1
    except Exception:  # a bug: its traceback, without the passwords a DuckDB or libpq message may quote
        errors.print(redact(traceback.format_exc()), markup=False, highlight=False)
        return 1


if __name__ == "__main__":
    sys.exit(main())
