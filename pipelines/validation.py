"""Great Expectations suites (gx/expectations/<table>.json) -> one blocking asset check per source table.

Table-level failures (a missing column, no rows, an expectation that cannot run) and a share of
bad rows above the descriptor's `max_bad_share` are ERROR and block everything downstream. Rows
failing row-level expectations are copied to quarantine.<table> with their reasons; staging
reads raw rows that are not in quarantine.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.publish import record_check
from pipelines.resources import PROJECT_ROOT, Warehouse
from pipelines.sources import SourceTable, raw_asset_key

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
    # frame index -> [(expectation type, human reason)]
    row_failures: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    expectations: list[dict] = field(default_factory=list)

    @property
    def bad_share(self) -> float:
        return len(self.row_failures) / self.rows if self.rows else 0.0


def _columns_of(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]


def validate_frame(frame: pd.DataFrame, suite: dict, parameters: dict) -> ValidationOutcome:
    """Run a suite on a DataFrame and sort its failures into table-level and per-row ones."""
    import great_expectations as gx  # slow import (~4 s): only where validation runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    gx_suite = context.suites.add(gx.ExpectationSuite(**suite))
    batch = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite["name"])
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame.reset_index(drop=True)})
    )
    result = batch.validate(
        gx_suite, result_format={"result_format": "COMPLETE"}, expectation_parameters=parameters
    )
    outcome = ValidationOutcome(rows=len(frame))
    for item in result.results:
        config = item.expectation_config
        reason = (config.meta or {}).get("reason", config.type)
        columns = _columns_of(config.kwargs)
        exception = item.exception_info or {}
        raised = exception.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in exception.values()
        )
        index_list = item.result.get("unexpected_index_list")
        summary = {
            "expectation": config.type,
            "columns": ", ".join(columns),
            "success": bool(item.success),
            "unexpected": int(item.result.get("unexpected_count") or 0),
            "reason": reason,
        }
        outcome.expectations.append(summary)
        if item.success:
            continue
        if raised or index_list is None:
            detail = _exception_message(exception) or f"observed {item.result.get('observed_value')!r}"
            outcome.table_failures.append(f"{reason} [{config.type} on {summary['columns'] or 'table'}]: {detail}")
            continue
        for index in index_list:
            index = index if isinstance(index, int) else int(next(iter(index.values())))
            values = ", ".join(f"{c}={frame.iloc[index][c]!r}" for c in columns if c in frame.columns)
            outcome.row_failures[index].append((config.type, f"{reason} ({values})"))
    return outcome


def _exception_message(exception: dict) -> str:
    if exception.get("exception_message"):
        return exception["exception_message"]
    for value in exception.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return value["exception_message"]
    return ""


def quarantine_frame(frame: pd.DataFrame, outcome: ValidationOutcome, raw_columns: list[str]) -> pd.DataFrame:
    indexes = sorted(outcome.row_failures)
    bad = frame.iloc[indexes][raw_columns].reset_index(drop=True)
    bad["_reason"] = ["; ".join(reason for _, reason in outcome.row_failures[i]) for i in indexes]
    bad["_failed_expectations"] = [sorted({t for t, _ in outcome.row_failures[i]}) for i in indexes]
    return bad


def build_validation_check(source: SourceTable, lookup_keys: list[dg.AssetKey]) -> dg.AssetChecksDefinition:
    suite = load_suite(source.name)
    described = "\n".join(
        f"- {e.get('meta', {}).get('reason', e['type'])}" for e in suite["expectations"]
    )

    @dg.asset_check(
        asset=raw_asset_key(source),
        name="expectations",
        blocking=True,
        additional_deps=lookup_keys,
        description=(
            f"Great Expectations suite gx/expectations/{source.name}.json. Failing rows go to "
            f"{source.quarantine_table}; ERROR (blocks downstream) on a table-level failure or when more "
            f"than {source.max_bad_share:.0%} of rows fail.\n\n{described}"
        ),
    )
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            frame = con.sql(source.frame_sql).df()
            parameters = {
                name: [row[0] for row in con.sql(query).fetchall()]
                for name, query in source.validation_parameters.items()
            }
            outcome = validate_frame(frame, suite, parameters)
            raw_columns = con.table(source.raw_table).columns
            if outcome.row_failures:
                con.register("bad_rows", quarantine_frame(frame, outcome, raw_columns))
                con.execute(f"insert into {source.quarantine_table} by name select * from bad_rows")
                con.unregister("bad_rows")
            quarantined = con.execute(f"select count(*) from {source.quarantine_table}").fetchone()[0]
            too_many = outcome.bad_share > source.max_bad_share
            blocks = bool(outcome.table_failures) or too_many
            record_check(con, context.run.run_id, source.check_name, not outcome.row_failures and not blocks, blocks)
        for message in outcome.table_failures:
            context.log.error(f"{source.raw_table}: {message}")
        for index, failures in list(outcome.row_failures.items())[:20]:
            row = frame.iloc[index]
            context.log.warning(f"{row['_file']}, line {row['_line']}: {'; '.join(r for _, r in failures)}")
        return dg.AssetCheckResult(
            passed=not blocks and not outcome.row_failures,
            severity=dg.AssetCheckSeverity.ERROR if blocks else dg.AssetCheckSeverity.WARN,
            description=_summary(source, outcome, quarantined, too_many),
            metadata={
                "rows_validated": outcome.rows,
                "rows_quarantined": int(quarantined),
                "bad_share": float(round(outcome.bad_share, 4)),
                "table_failures": dg.MetadataValue.md("\n".join(f"- {m}" for m in outcome.table_failures) or "none"),
                "expectations": dg.MetadataValue.md(pd.DataFrame(outcome.expectations).to_markdown(index=False)),
            },
        )

    return check


def _summary(source: SourceTable, outcome: ValidationOutcome, quarantined: int, too_many: bool) -> str:
    if outcome.table_failures:
        return f"{len(outcome.table_failures)} table-level failure(s): " + " | ".join(outcome.table_failures)
    if too_many:
        return (
            f"{quarantined} of {outcome.rows} rows failed ({outcome.bad_share:.1%} > {source.max_bad_share:.0%}): "
            f"see {source.quarantine_table} for each row's file, line and reason."
        )
    if quarantined:
        return f"{quarantined} of {outcome.rows} rows quarantined in {source.quarantine_table}; the rest flow on."
    return f"all {outcome.rows} rows passed {len(outcome.expectations)} expectations."
