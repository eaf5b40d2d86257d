"""`regind query`, `tables`, `describe` and `status`: the published warehouse, read-only."""

import argparse
from pathlib import Path

from pipelines.cli.door import (
    PUBLISHED,
    UsageError,
    check_read_only,
    console,
    open_warehouse,
    parameters,
    print_result,
    read_as_of,
    reads_lake,
    shown_warehouse,
    write_result,
)
from pipelines.core.paths import PROJECT_ROOT


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
