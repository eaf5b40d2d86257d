"""`regind refresh` and `publishes`: the whole graph in one process, without the UI, then what was published."""

import argparse
import os

from rich.table import Table

from pipelines.cli.door import (
    EXAMPLE_QUERY,
    SHOWN_TABLES,
    UsageError,
    console,
    open_warehouse,
    print_result,
    shown_path,
    shown_warehouse,
)
from pipelines.core.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR
from pipelines.core.redaction import redact

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
            f"[bold]Nothing to refresh[/]: no file under {shown_path(DEFAULT_RAW_DIR)}, no suite, SQL file or code "
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
            f"[red]The lake publish failed[/] (its log: {shown_path(log)}): the lake still reads its last publish; the "
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
        print_result(f"Example: {shown_path(EXAMPLE_QUERY)}", [d[0] for d in cursor.description], cursor.fetchall())
    report = DEFAULT_WAREHOUSE_DIR / "report" / "index.html"
    if report.exists():
        console.print(f"Report: {report.as_uri()}")
