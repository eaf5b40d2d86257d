"""The fuzz harness: every case of tests/fuzz/mutations.py through a real refresh, in worker processes, with a
time limit per case. Each case starts from the same published warehouse and changes one file of data/raw, and is
refreshed as the raw-files sensor refreshes a changed file: what it feeds, publish included.

One of two outcomes is allowed for every case:
- loaded: the refresh succeeds; per file of every source table, rows read = rows valid + rows quarantined;
  no fact is non-finite, outside its indicator's plausibility bounds, not whole where it must be, or
  missing a dimension key;
- refused: the refresh fails; what `regind refresh` prints names the file; every failed step failed with the
  pipeline's own error (a check verdict or a message), not an unexpected exception; the published warehouse
  is byte-identical.
Anything else is a defect: a hang past the time limit, a crash of the harness's refresh, a broken assertion.

    python -m tests.fuzz.harness [--seed 1] [--workers 2] [--limit 120] [--only FAMILY]
"""

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.connection import wait
from pathlib import Path

from tests.conftest import publish_good_data, refresh_changed
from tests.fuzz.mutations import Case, generate_cases

DEFAULT_SEED = 1
CASE_SECONDS = 120  # a case's time limit: the slowest legitimate case (10,000 columns) takes ~20 s
# a failed step must carry the pipeline's own verdict: a check that blocked, or a Failure with a message
OWN_ERRORS = {"Failure", "DagsterAssetCheckFailedError"}
SKIPPED = ("report", ".spool", "docs", "gx_state")  # not copied into a case: the cases refresh without Data Docs


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def copy_warehouse(source: Path, target: Path) -> None:
    """A case's copy of the base's warehouse directory. The published generation is linked, not copied: no refresh
    writes it (a publish writes the other generation and links that one in), and copying it was a third of the
    bytes a case wrote. fuzz() checks at the end that the base's published file is as it was."""
    published = source / "warehouse.duckdb"
    linked = [
        path.name for path in source.iterdir() if path.is_file() and path.stat().st_ino == published.stat().st_ino
    ]
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*SKIPPED, *linked))
    for name in linked:
        os.link(source / name, target / name)


@functools.cache
def published_sha256(warehouse: Path) -> str:
    """The base's published file, hashed once per worker: each case's is a link to it until a publish replaces it."""
    return sha256(warehouse / "warehouse.duckdb")


def loaded_problems(con) -> list[str]:
    """What is wrong with a warehouse published after a case (con: a connection to it): rows not conserved, or facts
    out of bounds."""
    problems = []
    tables = [t for (t,) in con.execute("select distinct source_table from audit.load_ledger order by 1").fetchall()]
    for table in tables:
        counts = con.execute(
            f"""
            with ledger as (
                select file, rows from audit.load_ledger where source_table = ? and removed_at is null
                qualify row_number() over (partition by file order by last_loaded_at desc) = 1
            ),
            raw as (select _file, count(*) as n from raw."{table}" group by all),
            valid as (select _file, count(*) as n from valid."{table}" group by all),
            quarantined as (select _file, count(*) as n from quarantine."{table}" group by all)
            select ledger.file, ledger.rows, coalesce(raw.n, 0), coalesce(valid.n, 0), coalesce(quarantined.n, 0)
            from ledger
            left join raw on raw._file = ledger.file
            left join valid on valid._file = ledger.file
            left join quarantined on quarantined._file = ledger.file
        """,
            [table],
        ).fetchall()
        for file, read, raw, valid, quarantined in counts:
            if not read == raw == valid + quarantined:
                problems.append(
                    f"{file}: {read} rows read, {raw} in raw.{table}, {valid} valid + {quarantined} quarantined"
                )
    bad = con.execute("""
        select
            count(*) filter (where f.value is not null and not isfinite(f.value)),
            count(*) filter (where f.value < i.min_value or f.value > i.max_value),
            count(*) filter (where i.whole_only and f.value <> round(f.value)),
            count(*) filter (where f.indicator_key is null or f.period_key is null or f.source_key is null
                             or f.region_key is null)
        from fact_observation as f
        left join dim_indicator as i on i.indicator_key = f.indicator_key
    """).fetchone()
    for count, what in zip(bad, ["non-finite", "outside their bounds", "not whole", "missing a dimension key"]):
        if count:
            problems.append(f"{count} fact(s) {what}")
    return problems


def run_case(case: Case, base: Path, work: Path, instance=None) -> dict:
    """Apply one case to a copy of the base, refresh what the change feeds, and judge the outcome. instance: the
    Dagster instance that keeps the run, as a deployment's keeps every run (a worker's one, for all its cases)."""
    from pipelines.cli.refresh import failure_messages
    from pipelines.core.resources import Warehouse

    shutil.rmtree(work, ignore_errors=True)
    raw = Path(shutil.copytree(base / "raw", work / "raw"))
    warehouse = Warehouse(raw_dir=str(raw), directory=str(work / "warehouse"), data_docs=False)
    copy_warehouse(base / "warehouse", Path(warehouse.directory))
    before = published_sha256(base / "warehouse")
    for path in case.removes:
        (raw / path).unlink()
    (raw / case.path).write_bytes(case.data)
    started = time.perf_counter()
    try:
        result = refresh_changed(warehouse, [case.path, *case.removes], instance)
    except Exception:  # materialize itself raised: nothing the user would see but a traceback
        return {
            "outcome": "crash",
            "problems": [traceback.format_exc(limit=5)],
            "seconds": time.perf_counter() - started,
        }
    seconds = time.perf_counter() - started
    if result.success:
        import duckdb

        # one connection for both: opening the published file costs ~50 ms of a case's ~6 s
        with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
            problems = loaded_problems(con)
            quarantined = con.execute("select count(*) from quarantine.observations").fetchone()[0]
        return {"outcome": "loaded", "problems": problems, "quarantined": quarantined, "seconds": seconds}
    messages = failure_messages(result)
    problems = []
    if sha256(warehouse.published_path) != before:
        problems.append("the published warehouse changed")
    if not any(case.file_name in message for message in messages):
        problems.append(f"no message names {case.file_name!r}: " + " || ".join(m[:300] for m in messages))
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            cause = error.cause or error
            if error.cls_name not in OWN_ERRORS:
                problems.append(
                    f"{event.step_key} failed with an unexpected {cause.cls_name}: {cause.message.strip()[:300]}"
                )
    return {
        "outcome": "refused",
        "problems": problems,
        "message": messages[0][:300] if messages else "",
        "seconds": seconds,
    }


def _worker(connection, base: str, scratch: str) -> None:
    import dagster as dg  # loaded before the first case's clock starts

    import pipelines.assets  # noqa: F401

    # one instance keeps all the worker's runs, as a deployment's does: a new one per case cost 0.4 s of its ~8 s
    # (the instance's tables, and the job's snapshot stored again)
    instance = dg.DagsterInstance.ephemeral()
    connection.send("ready")
    while (task := connection.recv()) is not None:
        index, case = task
        try:
            verdict = run_case(case, Path(base), Path(scratch) / f"case{index}", instance)
        except Exception:
            verdict = {"outcome": "crash", "problems": [traceback.format_exc(limit=8)], "seconds": 0.0}
        shutil.rmtree(Path(scratch) / f"case{index}", ignore_errors=True)
        connection.send((index, verdict))


class Pool:
    """Worker processes (spawned: Dagster and DuckDB do not survive a fork) fed one case at a time; a worker
    past its case's time limit is killed and replaced, and the case counts as a hang."""

    def __init__(self, workers: int, base: Path, scratch: Path):
        self.context = multiprocessing.get_context("spawn")
        self.base, self.scratch = base, scratch
        self.workers = [self._start() for _ in range(workers)]

    def _start(self) -> dict:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child, str(self.base), str(self.scratch)), daemon=True)
        process.start()
        if not parent.poll(300) or parent.recv() != "ready":
            process.kill()
            raise RuntimeError("a fuzz worker did not start within 300 s")
        return {"process": process, "connection": parent, "task": None, "since": 0.0}

    def run(self, cases: list[Case], limit: float, report=print) -> dict[int, dict]:
        pending = list(enumerate(cases))
        verdicts: dict[int, dict] = {}
        while pending or any(w["task"] is not None for w in self.workers):
            for worker in self.workers:
                if worker["task"] is None and pending:
                    worker["task"], worker["since"] = pending.pop(0), time.monotonic()
                    worker["connection"].send(worker["task"])
            busy = [w["connection"] for w in self.workers if w["task"] is not None]
            for connection in wait(busy, timeout=1.0):
                worker = next(w for w in self.workers if w["connection"] is connection)
                try:
                    index, verdict = connection.recv()
                except EOFError:  # the worker died (killed by the kernel, out of memory)
                    index = worker["task"][0]
                    verdict = {"outcome": "crash", "problems": ["the worker process died"], "seconds": 0.0}
                    self._replace(worker)
                verdicts[index] = verdict
                worker["task"] = None
                report(index, cases[index], verdict, len(verdicts), len(cases))
            for worker in self.workers:
                if worker["task"] is not None and time.monotonic() - worker["since"] > limit:
                    index = worker["task"][0]
                    verdicts[index] = {
                        "outcome": "hang",
                        "problems": [f"no verdict after {limit:.0f} s"],
                        "seconds": limit,
                    }
                    worker["task"] = None
                    self._replace(worker)
                    report(index, cases[index], verdicts[index], len(verdicts), len(cases))
        return verdicts

    def _replace(self, worker: dict) -> None:
        worker["process"].kill()
        worker["process"].join()
        worker.update(self._start())

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker["connection"].send(None)
            except (BrokenPipeError, OSError):
                pass
            worker["process"].join(timeout=30)
            if worker["process"].is_alive():
                worker["process"].kill()


def fuzz(
    seed: int = DEFAULT_SEED,
    workers: int = 2,
    limit: float = CASE_SECONDS,
    only: str = "",
    report=None,
    shard: tuple[int, int] = (0, 1),
    base: Path | None = None,
) -> list[dict]:
    """Every case of the seed, judged: a list of {name, family, outcome, problems, ...}. shard (k, n): only every
    n-th case from the k-th, so that n tests share the cases out among pytest's workers. base: a directory as
    publish_good_data makes it (raw/ and warehouse/, which the cases only copy), to share one between runs."""
    from pipelines.core.paths import DEFAULT_RAW_DIR

    k, n = shard
    cases = [c for c in generate_cases(DEFAULT_RAW_DIR, seed) if only.lower() in c.family.lower()][k::n]
    with tempfile.TemporaryDirectory(prefix="regind-fuzz-") as scratch:
        if base is None:
            base = Path(scratch) / "base"
            publish_good_data(base)
        published = sha256(base / "warehouse" / "warehouse.duckdb")
        pool = Pool(workers, base, Path(scratch))
        try:
            verdicts = pool.run(cases, limit, report or (lambda *args: None))
        finally:
            pool.close()
        if sha256(base / "warehouse" / "warehouse.duckdb") != published:  # the cases' copies link to it
            raise AssertionError(f"a case wrote into the base's published file {base}/warehouse/warehouse.duckdb")
    return [{"name": c.name, "family": c.family, "file": c.path, **verdicts[i]} for i, c in enumerate(cases)]


def summary(results: list[dict]) -> dict:
    """Counts per outcome, per family, and the cases with problems."""
    families: dict[str, Counter] = {}
    for r in results:
        families.setdefault(r["family"], Counter())[r["outcome"]] += 1
    return {
        "cases": len(results),
        "outcomes": dict(Counter(r["outcome"] for r in results)),
        "families": {f: dict(c) for f, c in families.items()},
        "defects": [r for r in results if r["problems"] or r["outcome"] not in ("loaded", "refused")],
        "slowest": sorted(((round(r["seconds"], 1), r["name"]) for r in results), reverse=True)[:5],
    }


def _print_progress(index: int, case: Case, verdict: dict, done: int, total: int) -> None:
    mark = "ok" if not verdict["problems"] and verdict["outcome"] in ("loaded", "refused") else "DEFECT"
    print(
        f"[{done}/{total}] {verdict['outcome']:8s} {verdict['seconds']:5.1f} s {mark:6s} {case.name[:90]}", flush=True
    )
    for problem in verdict["problems"]:
        print(f"      {problem[:1000]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=CASE_SECONDS, help="seconds a case may take")
    parser.add_argument("--only", default="", help="only the families whose name contains this")
    parser.add_argument("--json", help="write every case's verdict to this file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = fuzz(args.seed, args.workers, args.limit, args.only, report=_print_progress)
    totals = summary(results)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"seed": args.seed, **totals, "results": results}, ensure_ascii=False, indent=1)
        )
    print(
        json.dumps({k: totals[k] for k in ("cases", "outcomes", "families", "slowest")}, ensure_ascii=False, indent=1)
    )
    print(f"{len(totals['defects'])} defect(s) in {time.perf_counter() - started:.0f} s")
    return 1 if totals["defects"] else 0


if __name__ == "__main__":
    sys.exit(main())
