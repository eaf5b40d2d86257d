"""The bench's synthetic figures (bench/synthetic.py) against the consistency rules of data/raw/rules. The checks are
in plain SQL, as consistency_gap makes them: figures in base units, with the rounding of the printed digits allowed.
Consistent figures pass every rule except in the 0.5% of county-months misprinted on purpose; random figures fail
nearly every check."""

import duckdb
import pytest

from bench.synthetic import stable_counties, write_observations
from pipelines.core.paths import DEFAULT_RAW_DIR

MONTHS = 14  # 2021-01 and 2021-02 have a year before them: their growth rates are checked

# The figures as the warehouse compares them: no qualifier (超), a known region, in base units, with half the last
# printed digit as their precision (sql/staging/stg_observations.sql)
FIGURES = """
    create table figures as
    select
        observations.region_code,
        observations.indicator_code,
        observations.period,
        cast(observations.value as double) * multiplier as value,
        0.5 * pow(10, -length(regexp_extract(observations.value, '\\.([0-9]+)', 1))) * multiplier as precision
    from read_csv('{folder}/*.csv', all_varchar = true) as observations
    join (select unit, cast(multiplier as double) as multiplier from units) as units
        on units.unit = observations.unit
    where observations.value not like '超%' and observations.region_code <> '999999'
"""

# The rules of data/raw/rules as sql/staging/stg_rules.sql types them: growth * is one rule per growth rate of the
# catalog with a level; a rule of current prices never checks a growth rate at comparable prices (consistency_gap)
RULES = """
    create table rules as
    with typed as (
        select * replace (string_split(coalesce(inputs, ''), ';') as inputs) from rules_csv
    )
    select * from typed where rule_code <> 'nominal_growth'
    union all
    select typed.* replace (catalog.indicator_code as indicator_code, [catalog.base_indicator_code] as inputs)
    from typed
    join catalog
        on catalog.measure_type = 'growth_yoy' and catalog.base_indicator_code is not null
        and (typed.price_basis is null or catalog.price_basis <> 'comparable')
    where typed.rule_code = 'nominal_growth'
"""

# Every check of a ratio, sum_of, part_of or growth rule, with the tolerance consistency_gap allows it
CHECKS = """
    with ratio_checks as (
        select
            rules.rule_code, checked.region_code, checked.period, checked.value as published,
            rules.scale * a.value / b.value as recomputed,
            checked.precision + abs(rules.scale * a.value / b.value) * (a.precision / a.value + b.precision / b.value)
                as rounding
        from rules
        join figures as checked on checked.indicator_code = rules.indicator_code
        join figures as a
            on a.indicator_code = rules.inputs[1] and a.region_code = checked.region_code
            and a.period = checked.period
        join figures as b
            on b.indicator_code = rules.inputs[2] and b.region_code = checked.region_code
            and b.period = checked.period
        where rules.rule_type = 'ratio'
    ),

    sum_checks as (
        select
            rules.rule_code, whole.region_code, whole.period, any_value(whole.value), sum(parts.value),
            any_value(whole.precision) + sum(parts.precision)
        from rules
        join figures as whole on whole.indicator_code = rules.indicator_code
        join figures as parts
            on list_contains(rules.inputs, parts.indicator_code) and parts.region_code = whole.region_code
            and parts.period = whole.period
        where rules.rule_type = 'sum_of'
        group by rules.rule_code, whole.region_code, whole.period
        having count(*) = any_value(len(rules.inputs))
    ),

    part_checks as (  -- published is the part, recomputed the whole
        select rules.rule_code, part.region_code, part.period, part.value, whole.value, part.precision + whole.precision
        from rules
        join figures as part on part.indicator_code = rules.indicator_code
        join figures as whole
            on whole.indicator_code = rules.inputs[1] and whole.region_code = part.region_code
            and whole.period = part.period
        where rules.rule_type = 'part_of'
    ),

    growth_checks as (  -- against the same month a year before
        select
            rules.rule_code, growth.region_code, growth.period, growth.value,
            rules.scale * (now.value / before.value - 1),
            growth.precision + rules.scale * now.value / before.value
            * (now.precision / now.value + before.precision / before.value)
        from rules
        join figures as growth on growth.indicator_code = rules.indicator_code
        join figures as now
            on now.indicator_code = rules.inputs[1] and now.region_code = growth.region_code
            and now.period = growth.period
        join figures as before
            on before.indicator_code = rules.inputs[1] and before.region_code = growth.region_code
            and before.period = cast(cast(left(growth.period, 4) as integer) - 1 as varchar) || substr(growth.period, 5)
        where rules.rule_type = 'growth'
    ),

    checks as (
        select * from ratio_checks
        union all select * from sum_checks
        union all select * from part_checks
        union all select * from growth_checks
    )

    select
        checks.*,
        rules.rule_type,
        case
            when rules.rule_type = 'part_of' then published - recomputed > allowed
            else abs(published - recomputed) > allowed
        end as failed
    from (
        select checks.*, rules.abs_tolerance + rules.rel_tolerance * abs(checks.recomputed) + checks.rounding as allowed
        from checks
        join (select distinct rule_code, abs_tolerance, rel_tolerance from rules) as rules using (rule_code)
    ) as checks
    join (select distinct rule_code, rule_type from rules) as rules using (rule_code)
"""


def checked(folder) -> duckdb.DuckDBPyConnection:
    """A connection with the figures of `folder` and a table `checks`: one row per check of a rule."""
    con = duckdb.connect()
    for table, path in (("units", "units/units.csv"), ("catalog", "indicators/indicators.csv")):
        con.execute(f"create table {table} as select * from read_csv('{DEFAULT_RAW_DIR / path}', all_varchar = true)")
    con.execute(f"create table rules_csv as select * from read_csv('{DEFAULT_RAW_DIR / 'rules' / 'rules.csv'}')")
    con.execute(RULES)
    con.execute(FIGURES.format(folder=folder))
    con.execute(f"create table checks as {CHECKS}")
    return con


@pytest.fixture(scope="module")
def counties() -> list[str]:
    """Every 18th county, spread over the provinces: 155 x 274 indicators x 14 months is 594,580 rows (about 1 s to
    write) and 2,170 county-months, 12 of them misprinted."""
    return stable_counties()[::18]


@pytest.fixture(scope="module")
def consistent(tmp_path_factory, counties):
    folder = tmp_path_factory.mktemp("consistent")
    write_observations(folder, counties, len(counties) * 274 * MONTHS)
    return checked(folder)


@pytest.fixture(scope="module")
def random(tmp_path_factory, counties):
    folder = tmp_path_factory.mktemp("random")
    write_observations(folder, counties, len(counties) * 274 * MONTHS, random=True)
    return checked(folder)


def failed_share(con, where: str) -> float:
    """The share of (county, month) groups where a check of the rules `where` selects fails."""
    return con.execute(f"""
        select avg(failed::int) from (select region_code, period, bool_or(failed) as failed from checks where {where}
        group by all)
    """).fetchone()[0]


def test_every_rule_that_can_be_checked_is_checked(consistent, counties):
    """Each rule of the four types has checks: the data has all the figures the rules relate (growth rules only in
    2021); the multiple's 2014 baseline is before the bench's months, and no county has subdivisions in the grid."""
    rules = {code for (code,) in consistent.execute("select distinct rule_code from checks").fetchall()}
    wanted = consistent.execute("""
        select distinct rule_code from rules where rule_type in ('ratio', 'sum_of', 'part_of', 'growth')
    """).fetchall()
    assert {code for (code,) in wanted} - rules == set()
    (growth_checks,) = consistent.execute("select count(*) from checks where rule_type = 'growth'").fetchone()
    assert growth_checks > 2 * 30 * len(counties)  # two months of 31 growth rates not at comparable prices, less 超


@pytest.mark.parametrize("rule_type", ["ratio", "sum_of", "part_of", "growth"])
def test_consistent_figures_pass_each_rule_but_for_the_misprinted_county_months(consistent, rule_type):
    """No rule fails in more than 1% of its checks (the misprints are 0.5% of the county-months)."""
    worst = consistent.execute(
        "select rule_code, avg(failed::int) as share from checks where rule_type = ? group by all order by 2 desc",
        [rule_type],
    ).fetchone()
    assert worst[1] <= 0.01, worst


def test_about_half_a_percent_of_county_months_are_inconsistent(consistent):
    """three_industries, the shares and part_of fail together in about 0.5% of the county-months, not in none."""
    share = failed_share(
        consistent, "rule_code = 'three_industries' or rule_code like '%_share' or rule_type = 'part_of'"
    )
    assert 0.002 <= share <= 0.01


def test_random_figures_fail_the_same_rules_almost_everywhere(random):
    assert failed_share(random, "rule_code = 'three_industries'") > 0.9
    assert failed_share(random, "rule_code like '%_share'") > 0.9
    assert failed_share(random, "rule_type = 'part_of'") > 0.5


def test_consistent_figures_are_within_their_plausibility_bounds(consistent):
    """The validation would quarantine a figure outside data/raw/bounds, or a fraction of a person: a bound of the
    indicator itself wins over one of its measure type and base unit, and that over one of the measure type."""
    consistent.execute(f"create table bounds as select * from read_csv('{DEFAULT_RAW_DIR / 'bounds' / 'bounds.csv'}')")
    outside = consistent.execute("""
        with described as (
            select figures.*, catalog.measure_type, units.base_unit
            from figures
            join catalog using (indicator_code)
            join units on units.unit = catalog.published_unit
        ),
        bounded as (
            select described.*, bounds.min_value, bounds.max_value, bounds.whole_only
            from described
            join bounds
                on bounds.measure_type = described.measure_type
                and (bounds.indicator_code = described.indicator_code
                    or bounds.indicator_code is null and bounds.unit in (described.base_unit, '*'))
            qualify row_number() over (
                partition by described.region_code, described.indicator_code, described.period
                order by bounds.indicator_code is null, bounds.unit = '*'
            ) = 1
        )
        select indicator_code, value from bounded
        -- whole to a thousandth, not exactly: 10.33 x 1e8 is 1033000000.0000001 in doubles
        where value < min_value or value > max_value or whole_only and abs(value - round(value)) > 1e-3
        limit 5
    """).fetchall()
    assert outside == []
