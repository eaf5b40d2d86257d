"""Run a Great Expectations 1.24.1 suite on a DuckDB table or view through GX's SQL execution engine.

    from gx_duckdb import validate_table
    results = validate_table(con, "main.validation_frame", suite, parameters)
    for r in results:  # one per expectation of the suite, in suite order
        r.success, r.failing_rows   # failing_rows: frozenset of (_file, _line, _column), exact and uncapped;
                                    # None for a table-level expectation (row count, column exists)

`con` is an open duckdb.DuckDBPyConnection, read-write is fine: GX reads through cursors of it (SQLAlchemy
`creator=`), i.e. other connections to the same database instance. They see what is committed, in one snapshot for
the whole validation; not the caller's TEMP tables/views nor its open transaction (validate a real table or view).
A second connection by path would not do: DuckDB refuses another configuration of a file this process has open
("Can't open a connection to same database file with a different configuration"), and so does a plain
`create_engine("duckdb:///path")`. The suite is the dict of a
gx/expectations/<table>.json file; `{"$PARAMETER": name}` values come from `parameters`.

The goal is the pandas engine's answer (validation.py: validate_frame on the frame read through Arrow),
computed in DuckDB. GX's SQL engine does not support DuckDB; the workarounds below close each gap, all narrow
monkeypatches that assert the GX internals they replace, so that a GX upgrade fails at install time, loudly:

  W1 persisted connection   GX fetches results after leaving `with engine.connect()`; SQLAlchemy then rolls back
                            and DuckDB drops the pending result (IndexError; GX #11579, #10738). DuckDB joins the
                            dialects GX keeps one open connection for (sqlite, mssql, ...).
  W2 regex                  no regex for dialect duckdb (NotImplementedError), and DuckDB's `~` is a full match
                            where pandas' str.contains is a search: regexp_matches(), with the pattern translated
                            from Python `re` to RE2 (\\uXXXX escapes, `$` before a final newline, Unicode \\d).
  W3 compound unique        the SQL metric joins group counts back with `=`, so a key with a NULL (entity) never
                            counts as duplicated; a window count (what GX does for MySQL) groups NULLs together,
                            as pandas' duplicated() does. W3b: GX never asks for the failing rows (index list) of a
                            compound unique on SQL; with W3's query it can: ask for them on duckdb.
  W4 large in_set           `col IN ($1, ..., $3000)` negated runs row by row in DuckDB; `col IN (SELECT
                            unnest($1))` is a hash join (~100x faster). Same semantics (None dropped as GX does).
  W5 row_condition          pandas' DataFrame.query keeps NULL rows for `!=` and `not in`; SQL drops them (NULL
                            comparisons). On DuckDB `!=` becomes IS DISTINCT FROM, NOT_IN also keeps NULLs.
  W6 NaN                    pandas reads a DOUBLE NaN as missing (isnull); DuckDB treats NaN as a number greater
                            than any other. The batch is a query mapping NaN to NULL in floating columns.
  W7 result caps            result_format COMPLETE with unexpected_index_column_names = the lineage columns and a
                            partial_unexpected_count above the row count (GX applies it as LIMIT on SQL), and
                            exclude_unexpected_values (one dict of lists). unexpected_index_query is never read
                            (it ignores row_condition and ignore_row_if).
  W8 row_condition SELECT  with a row_condition and an ignore_row_if that filters nothing, GX hands a bare SELECT
                            to select_from() (pair and compound expectations raise): make it a subquery.
  W9 pair a > b NULLs      SQL's `A > B` is NULL when a side is NULL (the row passes); pandas' NaN > x is False (the
                            row fails): coalesce(A > B, false) on duckdb. Matters when ignore_row_if keeps such rows.
  W10 configuration once    speed, no change of answer (process-wide once installed, so the pandas engine's runs after
                            a DuckDB validation get it too): Expectation.configuration builds a new
                            ExpectationConfiguration from the pydantic model on every read, and a validation reads it
                            about 100 times per expectation (40% of GX's time on a small table). Inside graph_validate,
                            whose expectations are its own copies and never change, each is built once.
  W11 native ids            speed, no change of answer: metric ids made from plain values without GX's converter.
  Two passes                speed: validate_table asks for verdicts first and lists the failing rows of the failed only.

Import cost: great_expectations is imported inside the functions (about 4 s, 250 MB).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

LINEAGE = ("_file", "_line", "_column")
LARGE_IN_SET = 50  # value sets at least this long are matched through unnest (W4)
_installed = False


@dataclass(frozen=True)
class ExpectationResult:
    index: int  # position in the suite
    type: str
    columns: tuple[str, ...]
    reason: str  # meta.reason, else the type
    severity: str  # "critical" (GX's default) or "warning"
    success: bool
    unexpected_count: int | None
    failing_rows: frozenset[tuple[str, int, int]] | None  # None: not a row-level result (or it raised)
    exception: str | None  # GX's exception message when the expectation could not run


# --------------------------------------------------------------------------------------------------------------
# Workarounds (monkeypatches), installed once per process
# --------------------------------------------------------------------------------------------------------------


def _is_duckdb(dialect_or_engine: Any) -> bool:
    dialect = getattr(dialect_or_engine, "dialect", dialect_or_engine)  # an Engine or a Dialect
    return getattr(dialect, "name", None) == "duckdb"


class _DuckDBDialectName(str):
    """The string 'duckdb' as GX's persisted-connection list is read: `dialect_name in (...)` compares strings with
    it, and _dialect_requires_persisted_connection reads `.value` of each entry."""

    value = "duckdb"


def _patch_persisted_connection() -> None:
    """W1. GX keeps one SQLAlchemy Connection open (self._connection) and a StaticPool for the dialects in
    sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS: add duckdb to them."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see
    from great_expectations.execution_engine.sqlalchemy_dialect import GXSqlDialect

    current = see._PERSISTED_CONNECTION_DIALECTS
    assert isinstance(current, tuple) and GXSqlDialect.SQLITE in current, "GX changed _PERSISTED_CONNECTION_DIALECTS"
    # both readers of the tuple must still read it from the module globals
    assert "_PERSISTED_CONNECTION_DIALECTS" in see._dialect_requires_persisted_connection.__code__.co_names, (
        "GX changed _dialect_requires_persisted_connection"
    )
    getter = see.SqlAlchemyExecutionEngine.get_connection
    inner = getattr(getter, "__wrapped__", getter)  # a @contextmanager
    assert "_PERSISTED_CONNECTION_DIALECTS" in inner.__code__.co_names and "_connection" in inner.__code__.co_names, (
        "GX changed SqlAlchemyExecutionEngine.get_connection"
    )
    if not any(isinstance(d, _DuckDBDialectName) for d in current):
        see._PERSISTED_CONNECTION_DIALECTS = (*current, _DuckDBDialectName("duckdb"))


# Python `re` (what pandas' str.contains runs) -> RE2 (what DuckDB's regexp_matches runs)
_RE2_UNSUPPORTED = set("wWsSbB")  # Unicode-aware in Python, ASCII in RE2 (\s misses \x0b even): refuse, do not guess


def python_regex_to_re2(pattern: str) -> str:
    r"""Translate the parts of a Python regex whose meaning differs in RE2:
    - \uXXXX, \UXXXXXXXX (Python escapes; RE2 rejects them) -> \x{XXXX}
    - `$` outside a class: Python's also matches before a final newline ("123456\n" matches ^[0-9]{6}$) -> (?:\n?$)
      (it consumes the newline: same answer for a search, as long as nothing but `)`/`|` follows it)
    - \d / \D: any Unicode decimal digit in Python (full-width ３ too) -> \p{Nd} / \P{Nd}
    - \Z (Python: the very end) -> \z
    pandas 3 keeps Python semantics for all of these even on Arrow strings (ArrowStringArray._needs_python_regex).
    Lookarounds and backreferences fail in DuckDB itself (an error, not a wrong answer); \w \s \b raise here."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                digits = pattern[i + 2 : i + 2 + width]
                if len(digits) != width or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                    raise ValueError(f"bad \\{nxt} escape in regex {pattern!r}")
                out.append(f"\\x{{{digits}}}")
                i += 2 + width
                continue
            if nxt == "d":
                out.append(r"\p{Nd}")
            elif nxt == "D":
                out.append(r"\P{Nd}")
            elif nxt == "Z":
                out.append(r"\z")
            elif nxt in _RE2_UNSUPPORTED:
                raise ValueError(f"regex {pattern!r}: \\{nxt} means different things in Python and RE2 (DuckDB)")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
            out.append(ch)
        elif ch == "$":
            out.append(r"(?:\n?$)")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _patch_regex() -> None:
    """W2. get_dialect_regex_expression returns None for duckdb (-> NotImplementedError): return regexp_matches()
    on the value as text (pandas runs astype(str).str.contains). Patched in util and in every module that imported
    the function by name."""
    import importlib

    import sqlalchemy as sa
    from great_expectations.expectations.metrics import util

    modules = [util] + [
        importlib.import_module(f"great_expectations.expectations.metrics.column_map_metrics.{name}")
        for name in (
            "column_values_match_regex",
            "column_values_not_match_regex",
            "column_values_match_regex_list",
            "column_values_not_match_regex_list",
        )
    ]
    original = util.get_dialect_regex_expression
    if getattr(original, "_duckdb_patch", False):
        return
    assert list(__import__("inspect").signature(original).parameters) == ["column", "regex", "dialect", "positive"], (
        "GX changed get_dialect_regex_expression"
    )

    def get_dialect_regex_expression(column, regex, dialect, positive=True):
        if not _is_duckdb(dialect):
            return original(column, regex, dialect, positive)
        matches = sa.func.regexp_matches(sa.cast(column, sa.String), sa.literal(python_regex_to_re2(regex)))
        return matches if positive else sa.not_(matches)

    get_dialect_regex_expression._duckdb_patch = True
    for module in modules:
        assert getattr(module, "get_dialect_regex_expression", None) is original, f"GX changed {module.__name__}"
        module.get_dialect_regex_expression = get_dialect_regex_expression


def _metric_cell(registered, partial: str):
    """The closure cell holding the metric function a registered GX metric partial calls, and that function."""
    inner = registered.__wrapped__  # metric_partial's wrapper -> the partial's inner_func
    names = inner.__code__.co_freevars
    assert "metric_fn" in names, f"GX changed {partial} (no metric_fn closure)"
    cell = inner.__closure__[names.index("metric_fn")]
    return cell, cell.cell_contents


def _patch_compound_unique() -> None:
    """W3. CompoundColumnsUnique._sqlalchemy_function (the compound_columns.count map metric) joins each row to its
    group's count with `=`, losing rows whose key has a NULL. For duckdb, count with a window partitioned by the key
    (NULLs form one partition, like pandas' duplicated()), as GX already does for MySQL. The registered metric function
    wraps the original in two decorator closures; the innermost closure cell `metric_fn` is swapped."""
    import sqlalchemy as sa
    from great_expectations.expectations.metrics.multicolumn_map_metrics.compound_columns_unique import (
        CompoundColumnsUnique,
    )

    registered = CompoundColumnsUnique.__dict__["_sqlalchemy_function"]
    assert getattr(registered, "metric_fn_type", None) is not None, "GX changed compound_columns_unique"
    cell, original = _metric_cell(registered, "multicolumn_function_partial")
    if getattr(original, "_duckdb_patch", False):
        return
    assert original.__name__ == "_sqlalchemy_function", "GX changed CompoundColumnsUnique"

    def _sqlalchemy_function(self, column_list, **kwargs):
        if not _is_duckdb(kwargs.get("_sqlalchemy_engine")):
            return original(self, column_list, **kwargs)
        assert {"_column_names", "_table_columns", "_table"} <= kwargs.keys(), "GX changed the metric's kwargs"
        table = kwargs["_table"]
        if isinstance(table, sa.Select):  # a row_condition's bare SELECT (see W8)
            table = table.subquery()
        num_rows = sa.func.count().over(partition_by=[sa.column(c) for c in kwargs["_column_names"]])
        return (
            sa.select(*[sa.column(c) for c in kwargs["_table_columns"]], num_rows.label("_num_rows"))
            .select_from(table)
            .alias("records_with_grouped_column_counts_subquery")
        )

    _sqlalchemy_function._duckdb_patch = True
    cell.cell_contents = _sqlalchemy_function


def _patch_compound_unique_index_list() -> None:
    """W3b. MulticolumnMapExpectation.get_validation_dependencies skips the unexpected_index_list metric for
    compound_columns.unique on every SQL engine ("ID/PK currently doesn't work"), leaving only unexpected_index_query,
    which is not valid SQL for a query asset and ignores the domain filters. With W3's window subquery the index-list
    metric is right (it selects from the filtered domain): request it on duckdb, as for every other map expectation."""
    from great_expectations.core.metric_function_types import SummarizationMetricNameSuffixes
    from great_expectations.expectations import expectation as expectation_module
    from great_expectations.expectations.expectation import MulticolumnMapExpectation
    from great_expectations.validator.metric_configuration import MetricConfiguration

    original = MulticolumnMapExpectation.__dict__["get_validation_dependencies"]
    if getattr(original, "_duckdb_patch", False):
        return
    source = __import__("inspect").getsource(original)
    assert '"compound_columns.unique"' in source and "UNEXPECTED_INDEX_LIST" in source, (
        "GX changed MulticolumnMapExpectation.get_validation_dependencies: check whether W3b is still needed"
    )
    get_metric_kwargs = expectation_module.get_metric_kwargs
    suffix = SummarizationMetricNameSuffixes.UNEXPECTED_INDEX_LIST.value

    def get_validation_dependencies(self, execution_engine=None, runtime_configuration=None):
        dependencies = original(self, execution_engine=execution_engine, runtime_configuration=runtime_configuration)
        if (
            self.map_metric == "compound_columns.unique"
            and getattr(execution_engine, "dialect_name", None) == "duckdb"
            and dependencies.result_format.get("result_format") in ("SUMMARY", "COMPLETE")
        ):
            name = f"{self.map_metric}.{suffix}"
            kwargs = get_metric_kwargs(
                metric_name=name, configuration=self.configuration, runtime_configuration=runtime_configuration
            )
            dependencies.set_metric_configuration(
                metric_name=name,
                metric_configuration=MetricConfiguration(
                    metric_name=name,
                    metric_domain_kwargs=kwargs["metric_domain_kwargs"],
                    metric_value_kwargs=kwargs["metric_value_kwargs"],
                ),
            )
        return dependencies

    get_validation_dependencies._duckdb_patch = True
    MulticolumnMapExpectation.get_validation_dependencies = get_validation_dependencies

    # ... and the metric's SQL provider (map_condition_auxilliary_methods._sqlalchemy_map_condition_index) selects
    # FROM the domain records *and* the window subquery the condition names: a cross join ("ambiguous _file"). On
    # duckdb, select from the condition's own subquery only (it is built over the filtered domain), as GX's
    # _sqlalchemy_map_condition_rows does for such "selectable" metrics.
    import sqlalchemy as sa
    from great_expectations.expectations import registry
    from great_expectations.expectations.metrics.map_metric_provider import map_condition_auxilliary_methods as aux

    name = f"compound_columns.unique.{suffix}"
    providers = registry._registered_metrics[name]["providers"]
    metric_class, provider = providers["SqlAlchemyExecutionEngine"]
    assert provider is aux._sqlalchemy_map_condition_index, f"GX changed the provider of {name}"
    assert callable(aux._get_sqlalchemy_customized_unexpected_index_list), "GX changed map_condition_auxilliary_methods"

    def _compound_unique_index(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, **kwargs):
        if execution_engine.dialect_name != "duckdb":
            return provider(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, **kwargs)
        condition, _, accessor_domain_kwargs = metrics["unexpected_condition"]
        result_format = metric_value_kwargs["result_format"]
        if "unexpected_index_column_names" not in result_format:
            return None
        index_columns = list(result_format["unexpected_index_column_names"])
        domain_columns = list(accessor_domain_kwargs["column_list"])
        query = (
            sa.select(*[sa.column(c) for c in index_columns + domain_columns])
            .where(condition)
            .limit(result_format["partial_unexpected_count"])
        )
        return aux._get_sqlalchemy_customized_unexpected_index_list(
            exclude_unexpected_values=result_format.get("exclude_unexpected_values", False),
            unexpected_index_column_names=index_columns,
            query_result=execution_engine.execute_query(query).fetchall(),
            domain_column_name_list=domain_columns,
        )

    providers["SqlAlchemyExecutionEngine"] = (metric_class, _compound_unique_index)


def _patch_in_set() -> None:
    """W4. ColumnValuesInSet._sqlalchemy_impl renders column.in_(value_set): one parameter per value. For duckdb and a
    large set of one scalar type, bind the set as one list parameter and match through a subquery on unnest()."""
    import sqlalchemy as sa
    from great_expectations.expectations.metrics.column_map_metrics.column_values_in_set import ColumnValuesInSet
    from sqlalchemy.dialects.postgresql import ARRAY

    original = ColumnValuesInSet.__dict__["_sqlalchemy_impl"]
    assert isinstance(original, staticmethod), "GX changed ColumnValuesInSet._sqlalchemy_impl"
    original = original.__func__
    if getattr(original, "_duckdb_patch", False):
        return
    element_types = {str: sa.String, int: sa.BigInteger, float: sa.Float, bool: sa.Boolean}

    def _sqlalchemy_impl(column, value_set, **kwargs):
        if not _is_duckdb(kwargs.get("_sqlalchemy_engine")) or value_set is None or len(value_set) < LARGE_IN_SET:
            return original(column, value_set, **kwargs)
        values = [v for v in value_set if v is not None]  # as GX does: NULL rows are filtered before
        kinds = {type(v) for v in values}
        if len(kinds) != 1 or next(iter(kinds)) not in element_types:
            return original(column, value_set, **kwargs)  # mixed types: leave the casts to GX's own rendering
        array = sa.bindparam(None, value=values, type_=ARRAY(element_types[next(iter(kinds))]()))
        return column.in_(sa.select(sa.func.unnest(array)))

    _sqlalchemy_impl._duckdb_patch = True
    ColumnValuesInSet._sqlalchemy_impl = staticmethod(_sqlalchemy_impl)


def _patch_row_condition_nulls() -> None:
    """W5. SqlAlchemyExecutionEngine._comparison_condition_to_filter_clause: on duckdb, `!=` and NOT_IN keep NULL rows,
    as pandas' DataFrame.query does (NaN != 'x' is True there)."""
    import sqlalchemy as sa
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
    from great_expectations.expectations.row_conditions import Operator

    original = SqlAlchemyExecutionEngine.__dict__["_comparison_condition_to_filter_clause"]
    if getattr(original, "_duckdb_patch", False):
        return
    assert {"NOT_EQUAL", "NOT_IN"} <= set(Operator.__members__), "GX changed row_conditions.Operator"

    def _comparison_condition_to_filter_clause(self, condition):
        if self.dialect_name == "duckdb":
            column = sa.column(condition.column.name)
            if condition.operator == Operator.NOT_EQUAL:
                return column.is_distinct_from(sa.literal(condition.parameter))
            if condition.operator == Operator.NOT_IN:
                return sa.or_(column.is_(None), ~column.in_(condition.parameter))
        return original(self, condition)

    _comparison_condition_to_filter_clause._duckdb_patch = True
    SqlAlchemyExecutionEngine._comparison_condition_to_filter_clause = _comparison_condition_to_filter_clause


def _patch_pair_greater_nulls() -> None:
    """W9. ColumnPairValuesAGreaterThanB._sqlalchemy: `A > B` is NULL, not false, when a side is NULL, so the row is
    neither expected nor unexpected, and with or_equal two NULLs pass. In pandas NaN > x is False: the row fails
    (whenever ignore_row_if keeps it: "neither", or "both_values_are_missing" -- GX's default -- with one side
    missing). On duckdb: coalesce(A > B, false), or_equal alike. The registered partial's closure cell `metric_fn`
    is swapped, as in W3."""
    import sqlalchemy as sa
    from great_expectations.expectations.metrics.column_pair_map_metrics.column_pair_values_greater import (
        ColumnPairValuesAGreaterThanB,
    )

    registered = ColumnPairValuesAGreaterThanB.__dict__["_sqlalchemy"]
    cell, original = _metric_cell(registered, "column_pair_condition_partial")
    if getattr(original, "_duckdb_patch", False):
        return
    assert original.__name__ == "_sqlalchemy", "GX changed ColumnPairValuesAGreaterThanB"

    def _sqlalchemy(cls, column_A, column_B, **kwargs):
        if not _is_duckdb(kwargs.get("_sqlalchemy_engine")):
            return original(cls, column_A, column_B, **kwargs)
        compared = column_A >= column_B if kwargs.get("or_equal") else column_A > column_B
        return sa.func.coalesce(compared, sa.false())

    _sqlalchemy._duckdb_patch = True
    cell.cell_contents = _sqlalchemy


def _patch_domain_records_subquery() -> None:
    """W8. SqlAlchemyExecutionEngine.get_domain_records returns a bare SELECT when a row_condition applies and
    ignore_row_if filters nothing ("neither" for a pair, "never" for a column list); some consumers pass it to
    select_from() unwrapped (column pair filtered_row_count, compound unique's count map), which SQLAlchemy 2 refuses
    ("FROM expression ... expected, got Select"). On duckdb, return it as a subquery, as every other branch does."""
    import sqlalchemy as sa
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    original = SqlAlchemyExecutionEngine.__dict__["get_domain_records"]
    if getattr(original, "_duckdb_patch", False):
        return
    assert list(__import__("inspect").signature(original).parameters) == ["self", "domain_kwargs"], (
        "GX changed SqlAlchemyExecutionEngine.get_domain_records"
    )

    def get_domain_records(self, domain_kwargs):
        selectable = original(self, domain_kwargs)
        if self.dialect_name == "duckdb" and isinstance(selectable, sa.Select):
            return selectable.subquery()
        return selectable

    get_domain_records._duckdb_patch = True
    SqlAlchemyExecutionEngine.get_domain_records = get_domain_records


_configurations = threading.local()  # W10: id(expectation) -> (expectation, configuration) inside graph_validate


def _patch_configuration_once() -> None:
    """W10. Expectation.configuration (a property: self.dict(), camel_to_snake of the class name, a new
    ExpectationConfiguration) is read by every kwargs lookup of the metric graph, ~30,000 times in a validation of
    the observations suite. Validator.graph_validate makes its own expectations (evaluated_config.to_domain_obj())
    and only reads them: while it runs, an expectation's configuration is built once and read back. The memo keeps
    each expectation alive, so that no id is reused while it holds it; outside graph_validate nothing changes."""
    from inspect import signature

    from great_expectations.expectations.expectation import Expectation
    from great_expectations.validator.validator import Validator

    prop = Expectation.__dict__["configuration"]
    if getattr(prop.fget, "_memo_patch", False):
        return
    assert isinstance(prop, property) and {"dict", "ExpectationConfiguration"} <= set(prop.fget.__code__.co_names), (
        "GX changed Expectation.configuration"
    )
    original = Validator.graph_validate
    assert list(signature(original).parameters) == ["self", "configurations", "runtime_configuration"], (
        "GX changed Validator.graph_validate"
    )
    build = prop.fget

    def configuration(self):
        memo = getattr(_configurations, "memo", None)
        if memo is None:
            return build(self)
        kept = memo.get(id(self))
        if kept is None:
            kept = memo[id(self)] = (self, build(self))
        return kept[1]

    def graph_validate(self, configurations, runtime_configuration=None):
        outer = getattr(_configurations, "memo", None)
        _configurations.memo = {}
        try:
            return original(self, configurations, runtime_configuration)
        finally:
            _configurations.memo = outer

    configuration._memo_patch = True
    Expectation.configuration = property(configuration, doc=prop.__doc__)
    Validator.graph_validate = graph_validate


def _patch_native_ids() -> None:
    """W11. Every metric of the graph is named by IDDict.to_id: an md5 of its kwargs made JSON-safe by
    convert_to_json_serializable, which tries ~30 isinstance and numpy checks on every value it reaches (a value set
    of 274 indicator codes is 274 walks through them). Values of exactly str, int, bool, float, None, list, tuple and
    dict, the only types the suites' kwargs hold, are converted here as that function converts them (NaN to None,
    a tuple to a list, a key to str); any other type still goes to it. Same ids, a fifth of a validation's time."""
    from great_expectations.core import id_dict

    original = id_dict.convert_to_json_serializable
    if getattr(original, "_native_patch", False):
        return
    assert "convert_to_json_serializable" in id_dict.IDDict.to_id.__code__.co_names, "GX changed IDDict.to_id"

    def convert(data):
        kind = type(data)
        if kind is str or kind is int or kind is bool or data is None:
            return data
        if kind is float:
            return None if data != data else data
        if kind is dict:
            return {str(key): convert(value) for key, value in data.items()}
        if kind is list or kind is tuple:
            return [convert(value) for value in data]
        return original(data)

    convert._native_patch = True
    id_dict.convert_to_json_serializable = convert


_PATCHES = {
    "W1": [_patch_persisted_connection],
    "W2": [_patch_regex],
    "W3": [_patch_compound_unique, _patch_compound_unique_index_list],
    "W4": [_patch_in_set],
    "W5": [_patch_row_condition_nulls],
    "W8": [_patch_domain_records_subquery],
    "W9": [_patch_pair_greater_nulls],
    "W10": [_patch_configuration_once],
    "W11": [_patch_native_ids],
}
_skipped: frozenset[str] = frozenset()


def install_duckdb_workarounds(skip: frozenset[str] = frozenset()) -> None:
    """Apply the monkeypatches (W1-W5, W8-W11; W6 and W7 are in validate_table) once per process. `skip` names
    workarounds to leave out (W6 included), for experiments only (to see what each one fixes)."""
    global _installed, _skipped
    if _installed:
        return
    for name, patches in _PATCHES.items():
        if name not in skip:
            for patch in patches:
                patch()
    _skipped = frozenset(skip)
    _installed = True


# --------------------------------------------------------------------------------------------------------------
# Running a suite
# --------------------------------------------------------------------------------------------------------------


def quote(name: str) -> str:
    """A column name as a DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def batch_query(con, table: str) -> str:
    """SELECT * of the table with NaN read as NULL in its floating columns (W6)."""
    described = con.execute(f"describe select * from {table}").fetchall()
    floats = [name for name, kind, *_ in described if kind in ("DOUBLE", "FLOAT", "REAL")]
    if not floats or "W6" in _skipped:
        return f"select * from {table}"
    replaced = ", ".join(f"case when isnan({quote(c)}) then null else {quote(c)} end as {quote(c)}" for c in floats)
    return f"select * replace ({replaced}) from {table}"


def raised_message(exception_info: dict | None) -> str | None:
    """The message of the exception an expectation raised, if it raised one. GX gives exception_info either as one
    {raised_exception, exception_message, ...} or keyed by the metric that raised it."""
    info = exception_info or {}
    exceptions = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    return next((x.get("exception_message") for x in exceptions if x.get("raised_exception")), None)


def _outcome(item, suite: dict, index: int) -> ExpectationResult:
    """One GX result as the expectation at `index` of `suite` gave it."""
    config = item.expectation_config
    source_kwargs = suite["expectations"][index]["kwargs"]
    columns = tuple(
        [source_kwargs["column"]]
        if "column" in source_kwargs
        else source_kwargs.get("column_list")
        or [source_kwargs[k] for k in ("column_A", "column_B") if k in source_kwargs]
    )
    message = raised_message(item.exception_info)
    index_list = item.result.get("unexpected_index_list")
    failing = None
    if index_list is not None and not message:
        failing = frozenset()
        if index_list:  # exclude_unexpected_values: [{"_file": [...], "_line": [...], "_column": [...]}]
            (columns_of_rows,) = index_list
            failing = frozenset(zip(*(columns_of_rows[c] for c in LINEAGE)))
        count = item.result.get("unexpected_count")
        assert count is None or count == len(failing), (
            f"{config.type} {columns}: {count} unexpected but {len(failing)} rows listed"
        )
    return ExpectationResult(
        index=index,
        type=config.type,
        columns=columns,
        reason=(config.meta or {}).get("reason", config.type),
        severity=str(getattr(config.severity, "value", config.severity) or "critical"),
        success=bool(item.success),
        unexpected_count=item.result.get("unexpected_count"),
        failing_rows=failing,
        exception=message,
    )


@functools.cache
def _is_row_level(expectation_type: str) -> bool:
    """A map expectation: it judges rows (column, column pair or several columns), and lists the failing ones."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    return issubclass(
        get_expectation_impl(expectation_type),
        (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation),
    )


def _passing_rows(outcome: ExpectationResult) -> ExpectationResult:
    """A result of the verdict pass as the listing pass gives it: a row-level expectation that passed has no failing
    row and no unexpected one (one that passes with `mostly` may have some: it is listed again)."""
    if outcome.success and outcome.failing_rows is None and _is_row_level(outcome.type):
        return dataclasses.replace(outcome, failing_rows=frozenset(), unexpected_count=0)
    return outcome


def validate_table(
    con, table: str, suite: dict, parameters: dict | None = None, context=None, on_result=None
) -> list[ExpectationResult]:
    """Run every expectation of `suite` on `table` (a table or view name, schema-qualified if needed) with GX's SQL
    engine. `con`: an open duckdb connection (its database instance is read through cursors of it).

    Two passes: every expectation for its verdict alone (GX's BOOLEAN_ONLY: the counts, bundled into a few scans),
    then, with every failing row listed, only those that failed, raised, or pass with `mostly` (their count is
    kept). A passing map expectation without `mostly` has no failing row. On four suites' frames of ~100 rows this
    costs two fifths of one pass listing every row. With `on_result` (Data Docs: `on_result(context, result)`), one pass
    lists every row, so that the docs show every result in full."""
    import duckdb
    import great_expectations as gx
    from duckdb_engine import ConnectionWrapper

    install_duckdb_workarounds()
    for e in suite["expectations"]:
        if isinstance(e["kwargs"].get("row_condition"), str):
            raise ValueError(
                f"{e['type']}: a row_condition string means pandas syntax to the pandas engine and nothing to SQL: "
                "write it as GX Condition JSON"
            )
    cursors = []

    def creator():  # every SQLAlchemy connection is a cursor of `con`: the same database instance
        cursor = con.cursor()
        cursors.append(cursor)
        return ConnectionWrapper(cursor)  # duckdb_engine's DBAPI wrapper, as its Dialect.connect() returns

    probe = creator()  # what GX will see (committed data; not the caller's temp objects or open transaction)
    rows = probe.execute(f"select count(*) from {table}").fetchone()[0]
    query = batch_query(probe, table)
    if context is None:
        from pipelines.validate.gx_context import gx_context  # the project's ephemeral context, without Data Docs

        context = gx_context(None)
    datasource = None
    every_row = {  # W7
        "result_format": "COMPLETE",
        "unexpected_index_column_names": list(LINEAGE),
        "partial_unexpected_count": rows + 1,
        "exclude_unexpected_values": True,
        "return_unexpected_index_query": False,
    }
    try:
        datasource = context.data_sources.add_sql(
            name="duckdb", connection_string="duckdb://", create_temp_table=False, kwargs={"creator": creator}
        )
        batch = (
            datasource.add_query_asset(name=suite["name"], query=query)
            .add_batch_definition_whole_table("whole")
            .get_batch()
        )

        def run(indices: list[int], result_format: dict) -> list[ExpectationResult]:
            part = {**suite, "expectations": [suite["expectations"][i] for i in indices]}
            if len(indices) < len(suite["expectations"]):  # a suite of its own: the whole one stays as it is
                part["name"] = f"{suite['name']}.again"
            gx_suite = context.suites.add_or_update(gx.ExpectationSuite(**part))
            result = batch.validate(gx_suite, result_format=result_format, expectation_parameters=parameters or {})
            if on_result is not None:  # e.g. data docs: on_result(context, result)
                on_result(context, result)
            position = {e.id: indices[i] for i, e in enumerate(gx_suite.expectations)}
            return [_outcome(item, suite, position[item.expectation_config.id]) for item in result.results]

        everything = list(range(len(suite["expectations"])))
        if on_result is not None:
            return sorted(run(everything, every_row), key=lambda o: o.index)
        verdicts = {o.index: _passing_rows(o) for o in run(everything, {"result_format": "BOOLEAN_ONLY"})}
        again = [  # listed again, which replaces their verdict
            i
            for i, o in sorted(verdicts.items())
            if not o.success or o.exception or "mostly" in suite["expectations"][i]["kwargs"]
        ]
        if again:
            verdicts.update((o.index, o) for o in run(again, every_row))
        return [verdicts[i] for i in everything]
    finally:
        if datasource is not None:  # close GX's persisted connection (W1) and both engines' pools
            engine = datasource._execution_engine
            if engine is not None:
                if engine._connection is not None:
                    engine._connection.close()
                engine.engine.dispose()
            if datasource._engine is not None:
                datasource._engine.dispose()
        for cursor in cursors:
            try:
                cursor.close()
            except duckdb.Error:
                pass
