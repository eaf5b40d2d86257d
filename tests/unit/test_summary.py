"""A source table's validation summary (the text the check shows and `regind status` prints) from the counts of a
few rows: it names the file, the line, the reason and the table that keeps the rows, and what to do."""

from collections import Counter

import pytest

from pipelines.ingest.descriptors import load_sources
from pipelines.validate.plan import ValidationPlan
from pipelines.validate.suites import ValidationOutcome
from pipelines.validate.validation import Tally, _summary


@pytest.fixture(scope="module")
def observations():
    return next(s for s in load_sources() if s.name == "observations")


def outcome(failed_lines: list[int]) -> ValidationOutcome:
    found = ValidationOutcome(rows=3, expectations=[{}, {}], file_rows=Counter({"gdp.csv": 3}))
    for line in failed_lines:
        found.row_failures[("gdp.csv", line, 0)].append(("expect_not_null", "value is missing", "value=None"))
    return found


FULL = ValidationPlan(full=True, fresh=[], rows=3, why="first validation")


def test_rows_that_all_pass_say_how_many_and_against_how_many_expectations(observations):
    assert _summary(observations, outcome([]), FULL, Tally({}, 0, [("gdp.csv", 3)], [])) == (
        "all 3 rows validated passed 2 expectations."
    )


def test_a_quarantined_row_is_named_by_file_line_and_reason_and_the_rest_flow_on(observations):
    summary = _summary(observations, outcome([3]), FULL, Tally({}, 1, [("gdp.csv", 3)], []))

    assert "3 rows validated, 1 of them failed" in summary
    assert f"1 rows are in {observations.quarantine_table} and the rest flow on" in summary
    assert "gdp.csv, line 3: value is missing (value=None)" in summary


def test_a_file_over_the_bad_row_share_is_named_with_its_share_and_the_fix(observations):
    tally = Tally({"gdp.csv": 2 / 3}, 2, [("gdp.csv", 3)], ["regions"])

    summary = _summary(observations, outcome([2, 3]), FULL, tally)

    assert summary.startswith("after a change to regions: too many rows failed")
    assert "gdp.csv (66.7%): fix the file(s)" in summary


def test_an_incremental_validation_says_which_rows_it_validated(observations):
    plan = ValidationPlan(full=False, fresh=[("gdp.csv", "ab12")], rows=3, why="1 new file version")

    summary = _summary(observations, outcome([]), plan, Tally({}, 0, [("gdp.csv", 3)], []))

    assert "(only rows whose verdict can have changed: 1 new file version)" in summary
