"""define_scope on frames of a few rows: which regions and rules a consistency model built incrementally rebuilds, and
which figures it reads to do it."""

import duckdb
import pytest

from pipelines.build.transforms import define_scope


@pytest.fixture
def con():
    """A province (440000) with two cities; a rule summing GDP's industries and one on population; a scope table with
    one checksum per region and indicator, and its snapshot at the last build."""
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("""
        create table staging.stg_rules as select * from (values
            ('gdp_sum', 'gdp', ['gdp_primary', 'gdp_secondary']),
            ('population_positive', 'population', []::varchar[])
        ) as r(rule_key, indicator_code, inputs)
    """)
    con.execute("""
        create table dim_region as select * from (values
            ('440000', null), ('440300', '440000'), ('440100', '440000')
        ) as d(region_code, parent_code)
    """)
    con.execute("""
        create table figures as select * from (values
            ('440000', 'gdp', 3.0), ('440300', 'gdp', 1.0), ('440300', 'gdp_primary', 0.1),
            ('440100', 'gdp', 2.0), ('440100', 'population', 9.0)
        ) as f(region_code, indicator_code, value)
    """)
    rescope(con)
    con.execute("create table snapshot as select * from scope")
    return con


def rescope(con) -> None:
    """The scope table as the model's source keeps it: a checksum and a count of figures per region and indicator."""
    con.execute("""
        create or replace table scope as
        select region_code, indicator_code, hash(sum(value)) as checksum, count(*) as figures from figures group by all
    """)


def rebuilt(con) -> tuple[list, list, list]:
    return (
        sorted(r for (r,) in con.execute("select region_code from temp.scope_rebuilt").fetchall()),
        sorted(r for (r,) in con.execute("select rule_key from temp.scope_rule").fetchall()),
        sorted(con.execute("select region_code, indicator_code from temp.scope_figure").fetchall()),
    )


def test_without_a_snapshot_every_region_rule_and_figure_is_in_scope(con):
    assert define_scope(con, "scope", "figures") == (3, 2)
    regions, rules, figures = rebuilt(con)
    assert regions == ["440000", "440100", "440300"] and rules == ["gdp_sum", "population_positive"]
    assert len(figures) == 5


def test_unchanged_figures_rebuild_nothing(con):
    assert define_scope(con, "scope", "figures", "snapshot") == (0, 0)
    assert rebuilt(con) == ([], [], [])


def test_a_changed_input_rebuilds_its_region_the_region_above_and_the_rules_that_read_it(con):
    con.execute("update figures set value = 0.2 where region_code = '440300' and indicator_code = 'gdp_primary'")
    con.execute(
        "update scope set checksum = checksum + 1 where region_code = '440300' and indicator_code = 'gdp_primary'"
    )

    assert define_scope(con, "scope", "figures", "snapshot") == (2, 1)

    regions, rules, figures = rebuilt(con)
    assert regions == ["440000", "440300"]  # the province sums its cities: its rows can change too
    assert rules == ["gdp_sum"]  # population_positive reads no figure that changed
    # the rule's figures of the rebuilt regions and of their subdivisions (440100 is one of the province's); no
    # population figure
    assert figures == [("440000", "gdp"), ("440100", "gdp"), ("440300", "gdp"), ("440300", "gdp_primary")]


def test_a_region_whose_figures_are_all_removed_is_rebuilt(con):
    con.execute("delete from figures where region_code = '440100' and indicator_code = 'population'")
    rescope(con)

    assert define_scope(con, "scope", "figures", "snapshot") == (2, 1)  # 440100 (its rows go) and 440000 above it
    regions, rules, _ = rebuilt(con)
    assert regions == ["440000", "440100"] and rules == ["population_positive"]
