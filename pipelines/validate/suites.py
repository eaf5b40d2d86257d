"""Suites (gx/expectations/<table>.json) and what a validation found: the outcome both GX engines give, and the pandas
engine's run on a frame."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.core.resources import PROJECT_ROOT
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
        shown = [[f"{c}={shown_value(v)}" for v in failing[c].tolist()] for c in columns if c in frame.columns]
        files, lines = failing["_file"].tolist(), failing["_line"].tolist()
        cells = failing["_column"].tolist() if "_column" in frame.columns else [0] * len(positions)
        for row, (file, line, cell) in enumerate(zip(files, lines, cells)):
            values = ", ".join(column[row] for column in shown)
            flagged[(file, int(line), int(cell))].append((config.type, reason, values))
            if len(summary["sample"]) < 20:
                summary["sample"].append(values)
    return outcome


def shown_value(value) -> str:
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


def partition_columns(suite: dict) -> list[str]:
    """The columns of the suite's uniqueness expectation: rows sharing their values may be duplicates of each
    other, so an incremental validation validates them together."""
    for expectation in suite["expectations"]:
        if expectation["type"] in ("expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique"):
            return _columns_of(expectation["kwargs"])
    return ["_file"]


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
