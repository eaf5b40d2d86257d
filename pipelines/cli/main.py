"""`regind`: the analyst's command line. Refresh the warehouse without the UI, and look into the published
file read-only: tables, describe, status, query (saved queries with bound parameters; table, CSV, JSON or
Parquet output)."""

import argparse
import sys
import traceback

import duckdb

from pipelines.cli.door import FORMATS, UsageError, errors
from pipelines.cli.inspect import describe, query, status, tables
from pipelines.cli.refresh import publishes, refresh
from pipelines.cli.review import extract, map_indicator, review
from pipelines.core.redaction import redact


def serve(args: argparse.Namespace) -> int:
    from pipelines.explore.app import serve as run_explorer  # Starlette and uvicorn only for this command

    return run_explorer(args)


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

    w = commands.add_parser(
        "serve",
        help="the explorer: search, region and series pages, maps and an HTTP API in the browser (read-only)",
        description="Serves the explorer on the published warehouse: search, a page per region, indicator "
        "(map and ranking) and series, comparisons, CSV downloads, and the API described at /api/docs.",
    )
    w.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine only)"
    )
    w.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    database_option(w)
    w.set_defaults(run=serve)

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
