"""`regind`: refresh the warehouse without the UI, and query the published file read-only."""

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipelines.resources import DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT, read_published

console = Console(width=None if Console().is_terminal else 160)
PUBLISHED = DEFAULT_WAREHOUSE_DIR / "warehouse.duckdb"
EXAMPLE_QUERY = PROJECT_ROOT / "sql" / "queries" / "shenzhen_2023_with_growth.sql"
SHOWN_TABLES = ["dim_region", "dim_indicator", "dim_period", "dim_source", "fact_observation", "v_observation"]


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e16 else f"{value:,.6g}"
    return str(value)


def print_result(title: str, columns: list[str], rows: list[tuple]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


def refresh(args: argparse.Namespace) -> int:
    import dagster as dg

    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    console.print("[bold]Refreshing the warehouse[/]: ingest, validate, build, publish (Dagster log below)")
    result = defs.resolve_job_def("refresh_warehouse").execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level.upper()}}}},
    )
    checks = Table(title="Checks", title_justify="left")
    for column in ("check", "outcome", "summary"):
        checks.add_column(column)
    for evaluation in result.get_asset_check_evaluations():
        outcome = "passed" if evaluation.passed else f"FAILED ({evaluation.severity.value})"
        checks.add_row(evaluation.asset_check_key.to_user_string(), outcome, evaluation.description or "")
    console.print(checks)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        skipped = [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
        console.print(f"[red]The refresh failed[/] (failed: {', '.join(failed) or 'none'}; blocked: "
                      f"{len(skipped)} step(s)). The published warehouse was left as it was.")
        return 1
    with read_published(PUBLISHED) as con:
        counts = [(t, con.execute(f"select count(*) from {t}").fetchone()[0]) for t in SHOWN_TABLES]
        print_result(f"Published {_shown(PUBLISHED)}", ["table", "rows"], counts)
        cursor = con.execute(EXAMPLE_QUERY.read_text(encoding="utf-8"))
        print_result(f"Example: {_shown(EXAMPLE_QUERY)}", [d[0] for d in cursor.description], cursor.fetchall())
    return 0


def query(args: argparse.Namespace) -> int:
    sql = Path(args.file).read_text(encoding="utf-8") if args.file else args.sql
    if not sql:
        console.print("[red]Give a query[/]: regind query \"select ...\" or regind query -f sql/queries/NAME.sql")
        return 2
    with read_published(Path(args.database)) as con:
        cursor = con.execute(sql)
        print_result(args.file or "", [d[0] for d in cursor.description], cursor.fetchall())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regind", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("refresh", help="ingest, validate, build and publish the warehouse")
    r.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"], help="of the Dagster run log")
    r.set_defaults(run=refresh)
    q = commands.add_parser("query", help="run SQL on the published warehouse (read-only)")
    q.add_argument("sql", nargs="?", help="the query")
    q.add_argument("-f", "--file", help="a .sql file, e.g. sql/queries/rd_spending_and_intensity.sql")
    q.add_argument("--database", default=str(PUBLISHED), help="the warehouse file (default: the published one)")
    q.set_defaults(run=query)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, ValueError) as error:
        console.print(f"[red]{error}[/]")
        return 2
    except Exception as error:  # duckdb errors: show the message, not a traceback
        if type(error).__module__.startswith("duckdb") or type(error).__name__.endswith("Exception"):
            console.print(f"[red]{type(error).__name__}: {error}[/]")
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
